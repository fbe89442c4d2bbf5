'use strict';
module.exports = {
  require: ['tsx/cjs', 'test/support/root-hooks.ts'],
  extension: ['ts'],
  spec: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/fuzz/**/*.test.ts', 'test/browser/**/*.test.ts', 'test/multiprocess/**/*.test.ts'],
  reporter: 'test/support/reporter.cjs',
  timeout: 20000,
  slow: 1000,
  // After the root hook has stopped every service, end the run even if a failed test left a
  // blocked job or socket behind: a red run must not also hang CI until its time limit.
  exit: true,
};
