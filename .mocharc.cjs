'use strict';
module.exports = {
  require: ['tsx/cjs', 'test/support/root-hooks.ts'],
  extension: ['ts'],
  spec: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
  reporter: 'test/support/reporter.cjs',
  timeout: 20000,
  slow: 1000,
  exit: false,
};
