import type { User } from '../../domain/users/user';

/**
 * What every credential check of a login reports (the password step and the MFA step), so an
 * account under attack is locked on every instance. Locked accounts answer like a wrong password.
 */
export interface LoginAttempts {
  /** Is the account locked now (a correct password must still be refused)? */
  isLocked(userId: User['id']): Promise<boolean>;
  /** A failed check (wrong password, wrong or replayed MFA code) against an existing account. */
  failed(user: Pick<User, 'id' | 'email' | 'name'>): Promise<void>;
  /** A completed login: the failure count starts again. */
  succeeded(userId: User['id']): Promise<void>;
}

/** Counts nothing and never locks: what the service did before lockout existed. */
export class NoLockout implements LoginAttempts {
  isLocked(): Promise<boolean> {
    return Promise.resolve(false);
  }
  failed(): Promise<void> {
    return Promise.resolve();
  }
  succeeded(): Promise<void> {
    return Promise.resolve();
  }
}
