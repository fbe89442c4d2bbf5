import type * as ZxcvbnCore from '@zxcvbn-ts/core';
import type * as ZxcvbnCommon from '@zxcvbn-ts/language-common';
import type { PasswordStrength } from '../../application/ports/password-strength.port';

/**
 * zxcvbn with the language-independent dictionaries (common passwords, keyboard patterns),
 * loaded and built at the first check: a process that never checks a password (a worker, an
 * API nobody registers with yet) does not carry them.
 */
export class ZxcvbnPasswordStrength implements PasswordStrength {
  private zxcvbn: ZxcvbnCore.ZxcvbnFactory | undefined;

  score(password: string, userInputs: readonly string[]): number {
    const zxcvbn = this.checker();
    // zxcvbn's cost grows with length; the policy refuses over 256 characters anyway.
    const { score } = zxcvbn.check(password.slice(0, 256), [...userInputs]);
    // zxcvbn keeps the last password it scored (and the person's name and e-mail) on the
    // instance until the next check: scoring nothing leaves no password behind in memory.
    zxcvbn.check('', []);
    return score;
  }

  private checker(): ZxcvbnCore.ZxcvbnFactory {
    if (!this.zxcvbn) {
      /* eslint-disable @typescript-eslint/no-require-imports -- loaded at the first check (see above) */
      const { ZxcvbnFactory } = require('@zxcvbn-ts/core') as typeof ZxcvbnCore;
      const { adjacencyGraphs, dictionary } = require('@zxcvbn-ts/language-common') as typeof ZxcvbnCommon;
      /* eslint-enable @typescript-eslint/no-require-imports */
      this.zxcvbn = new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs });
    }
    return this.zxcvbn;
  }
}
