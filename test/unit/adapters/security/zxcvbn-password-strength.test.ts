import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { ZxcvbnPasswordStrength } from '../../../../src/adapters/security/zxcvbn-password-strength';

const CASES: readonly [string, string[]][] = [
  ['password1', []],
  ['Administrator1', ['Administrator', 'admin@example.com']],
  ['Bench-Admin-Password-91!', ['Administrator', 'bench-admin@example.com']],
  ['qwertyuiop', []],
  ['Tangerine-Lighthouse-58!', ['Ada Lovelace', 'ada@example.com']],
  ['correct horse battery staple', []],
  ['x'.repeat(300), []],
];

describe('Adapters :: zxcvbn password strength', () => {
  const reference = new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs });
  const expected = (password: string, inputs: string[]): number => reference.check(password.slice(0, 256), inputs).score;

  it("scores a process's first check (in a worker thread) exactly as zxcvbn does", () => {
    for (const [password, inputs] of CASES) {
      expect(new ZxcvbnPasswordStrength().score(password, inputs), password.slice(0, 30)).to.equal(expected(password, inputs));
    }
  });

  it('scores every later check (in this thread) exactly as zxcvbn does', () => {
    const strength = new ZxcvbnPasswordStrength();
    for (const [password, inputs] of [...CASES, ...CASES]) {
      expect(strength.score(password, inputs), password.slice(0, 30)).to.equal(expected(password, inputs));
    }
  });

  it("keeps zxcvbn's dictionaries out of a process that checks one password, and builds them at the second", () => {
    const probe = `const { ZxcvbnPasswordStrength } = require('./src/adapters/security/zxcvbn-password-strength');
      const loaded = () => Object.keys(require.cache).filter((f) => f.includes('@zxcvbn-ts')).length;
      const strength = new ZxcvbnPasswordStrength();
      const first = strength.score('password1', []);
      const afterFirst = loaded();
      const second = strength.score('password1', []);
      process.stdout.write(JSON.stringify({ first, afterFirst, second, afterSecond: loaded() }));`;
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', probe], { cwd: process.cwd(), encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(0);
    const { first, afterFirst, second, afterSecond } = JSON.parse(run.stdout) as Record<string, number>;
    expect({ first, afterFirst, second }).to.deep.equal({ first: 0, afterFirst: 0, second: 0 });
    expect(afterSecond).to.be.greaterThan(0);
  });
});
