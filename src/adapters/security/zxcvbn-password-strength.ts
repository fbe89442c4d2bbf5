import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
import type { PasswordStrength } from '../../application/ports/password-strength.port';

/** zxcvbn with the language-independent dictionaries (common passwords, keyboard patterns). */
export class ZxcvbnPasswordStrength implements PasswordStrength {
  private readonly zxcvbn = new ZxcvbnFactory({ dictionary: { ...dictionary }, graphs: adjacencyGraphs });

  score(password: string, userInputs: readonly string[]): number {
    // zxcvbn's cost grows with length; the policy refuses over 256 characters anyway.
    const { score } = this.zxcvbn.check(password.slice(0, 256), [...userInputs]);
    // zxcvbn keeps the last password it scored (and the person's name and e-mail) on the
    // instance until the next check: scoring nothing leaves no password behind in memory.
    this.zxcvbn.check('', []);
    return score;
  }
}
