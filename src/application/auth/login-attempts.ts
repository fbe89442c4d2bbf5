import type { User } from '../../domain/users/user';

/** What a lock notice needs of an account. */
export type LockableUser = Pick<User, 'id' | 'email' | 'name'>;

/**
 * A place for one password check, taken before the check runs (`reserve`). `open: false`: the
 * account is locked, or as many checks as the threshold allows are failing or still in flight
 * after a short wait for one to end; the login must then fail like a wrong password, whatever
 * the password.
 */
export type LoginTicket = { readonly open: true; readonly id: string | null } | { readonly open: false; readonly reason: 'locked' | 'full' };

/** Why a lock ends early: an administrator's unlock keeps the run of locks (a repeat still doubles); a new password forgets it. */
export interface LockLiftCause {
  /** Who lifted it (the audit entry's actor). */
  readonly by: string | null;
  readonly reason: 'unlocked' | 'password-changed' | 'password-reset';
}

export interface LiftedLock {
  readonly wasLocked: boolean;
  /** When the lifted lock would have ended; null when none was on. */
  readonly lockedUntil: Date | null;
}

/**
 * What every credential check of a login reports (the password step and the MFA step), so an
 * account under attack is locked on every instance. Locked accounts answer like a wrong password.
 *
 * The password step reserves a place before it checks (`reserve`), so logins sent at once cannot
 * all be checked, and settles it with `failed`, `succeeded` or `release`. A second step (an MFA
 * code) may call `isLocked`, `failed(user)` and `succeeded(userId)` without a ticket.
 */
export interface LoginAttempts {
  /**
   * Takes a place for one check of `user`'s password (atomic across instances). `null` (no such
   * account, or one that cannot log in) creates no state, but costs the same look-up, so the
   * timing does not tell; the answer is then `{open: true, id: null}` (the check fails anyway).
   */
  reserve(user: LockableUser | null): Promise<LoginTicket>;
  /** Is the account locked now (a correct password or code must still be refused)? */
  isLocked(userId: User['id']): Promise<boolean>;
  /**
   * A failed check (wrong password, wrong or replayed MFA code) against an existing account; with
   * the ticket of its reservation when it had one. The failure that reaches the threshold locks
   * the account, audits `auth.lockout` and mails the owner, once per lock.
   */
  failed(user: LockableUser, ticket?: LoginTicket): Promise<void>;
  /** A completed login: the failure count starts again (the run of locks is kept). */
  succeeded(userId: User['id'], ticket?: LoginTicket): Promise<void>;
  /** The password was right but the login is not complete (an MFA step follows): the place is given back, the failures kept. */
  release(userId: User['id'], ticket: LoginTicket): Promise<void>;
  /** Ends a lock early (an administrator's unlock, a new password) and forgets the failures; audits `auth.lockout.lifted` when a lock was on. */
  clear(userId: User['id'], cause: LockLiftCause): Promise<LiftedLock>;
}

/** Counts nothing and never locks: what the service did before lockout existed (for tests that want no lockout). */
export class NoLockout implements LoginAttempts {
  reserve(): Promise<LoginTicket> {
    return Promise.resolve({ open: true, id: null });
  }
  isLocked(): Promise<boolean> {
    return Promise.resolve(false);
  }
  failed(): Promise<void> {
    return Promise.resolve();
  }
  succeeded(): Promise<void> {
    return Promise.resolve();
  }
  release(): Promise<void> {
    return Promise.resolve();
  }
  clear(): Promise<LiftedLock> {
    return Promise.resolve({ wasLocked: false, lockedUntil: null });
  }
}

/**
 * A password check outside the login route (the current password of a change, the password that
 * turns TOTP off) under the same lockout as a login: someone holding a stolen access token must
 * not find a guessing oracle there. A locked account's right password is refused like a wrong
 * one, a wrong one is a failed attempt (it can lock the account), and a place is reserved first,
 * as a login does, so checks sent at once stay within the threshold. True when the password is
 * right and the account open (the failures are kept: nothing here ends a lock).
 */
export const passwordCheckUnderLockout = async (attempts: LoginAttempts, user: LockableUser, check: () => Promise<boolean>): Promise<boolean> => {
  const ticket = await attempts.reserve(user);
  const matches = await givingBackOnError(attempts, user.id, ticket, check);
  if (!ticket.open) return false;
  if (!matches) {
    await attempts.failed(user, ticket);
    return false;
  }
  await attempts.release(user.id, ticket);
  return true;
};

/**
 * Runs a password check for which `ticket` was reserved; if the check cannot run (it throws: a
 * full hasher's Busy, an outage), the place is given back before the error goes on, so a refusal
 * never holds one of the account's places (`userId` null: no account, nothing to give back).
 */
export const givingBackOnError = async <T>(attempts: LoginAttempts, userId: User['id'] | null, ticket: LoginTicket, check: () => Promise<T>): Promise<T> => {
  try {
    return await check();
  } catch (err) {
    if (userId !== null && ticket.open) await attempts.release(userId, ticket).catch(() => undefined);
    throw err;
  }
};
