import { inject, injectable } from 'inversify';
import { passwordProblems } from '../../domain/auth/password-policy';
import type { FieldError } from '../../domain/shared/field-error';
import type { PasswordStrength } from '../ports/password-strength.port';
import { TYPES } from '../symbols';

/** The words a guesser would try first for this person: the name, its parts, the e-mail and its local part. */
export const personalWords = (name: string, email: string): string[] => {
  const local = email.split('@')[0] ?? '';
  return [name, ...name.split(/[\s._-]+/), email, local, ...local.split(/[._+-]+/)].filter((w) => w.length >= 3);
};

@injectable()
export class PasswordRules {
  constructor(@inject(TYPES.PasswordStrength) private readonly strength: PasswordStrength) {}

  problems(password: string, name: string, email: string, path = 'password'): FieldError[] {
    return passwordProblems(password, this.strength.score(password, personalWords(name, email)), path);
  }
}
