import { inject, injectable } from 'inversify';
import { type LockEvent, lockLength, type LockOutcome, type LockoutPolicy, type NewLock } from '../../domain/auth/lockout';
import type { User } from '../../domain/users/user';
import { AuditRecorder } from '../audit/audit-recorder';
import { AccountMail } from '../jobs/account-mail';
import type { Clock } from '../ports/clock.port';
import type { IdGenerator } from '../ports/id-generator.port';
import type { LoginLockStore } from '../ports/login-lock-store.port';
import { TYPES } from '../symbols';
import type { LiftedLock, LockableUser, LockLiftCause, LoginAttempts, LoginTicket } from './login-attempts';

/** Looked up for logins that name no usable account: never written, so it never holds state. */
const NOBODY = 'nobody';

/**
 * How long a check waits, step by step, for a place while every place is taken by checks in
 * flight (about 1.3 s in all): those end within an argon2 verify, and then free their place (a
 * right password) or become failures (and the account locks, which ends the wait at once). So
 * an owner's own logins sent at once are not refused for crowding each other out.
 */
const WAITS_FOR_A_PLACE_MS = [10, 20, 40, 80, 160, 320, 640];
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Account lockout (`ACCOUNT_LOCK_THRESHOLD` failures within `RATE_LIMIT_WINDOW_SECONDS` lock an
 * account for `ACCOUNT_LOCK_MINUTES`, doubling on each repeat up to a day), on the state the
 * `LoginLockStore` keeps for every instance. Each lock is audited (`auth.lockout`) and mailed to
 * the owner exactly once: the store reports a new lock to one failure only.
 */
@injectable()
export class AccountLockout implements LoginAttempts {
  constructor(
    @inject(TYPES.LoginLockStore) private readonly store: LoginLockStore,
    @inject(TYPES.LockoutPolicy) private readonly policy: LockoutPolicy,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.IdGenerator) private readonly ids: IdGenerator,
    @inject(AccountMail) private readonly mail: AccountMail,
    @inject(AuditRecorder) private readonly audit: AuditRecorder,
  ) {}

  async reserve(user: LockableUser | null): Promise<LoginTicket> {
    if (user === null) {
      await this.apply(NOBODY, { kind: 'status' });
      return { open: true, id: null };
    }
    const id = this.ids.next();
    for (const wait of [...WAITS_FOR_A_PLACE_MS, null]) {
      const outcome = await this.apply(user.id, { kind: 'reserve', ticket: id });
      if (outcome.kind === 'open') return { open: true, id };
      if (outcome.kind === 'locked') return { open: false, reason: 'locked' };
      if (wait === null) break;
      await pause(wait);
    }
    return { open: false, reason: 'full' };
  }

  async isLocked(userId: User['id']): Promise<boolean> {
    const outcome = await this.apply(userId, { kind: 'status' });
    return outcome.kind === 'status' && outcome.lockedUntil > 0;
  }

  async failed(user: LockableUser, ticket?: LoginTicket): Promise<void> {
    const outcome = await this.apply(user.id, { kind: 'fail', ticket: ticketId(ticket) });
    if (outcome.kind === 'new-lock') await this.announce(user, outcome.lock);
  }

  async succeeded(userId: User['id'], ticket?: LoginTicket): Promise<void> {
    await this.apply(userId, { kind: 'succeed', ticket: ticketId(ticket) });
  }

  async release(userId: User['id'], ticket: LoginTicket): Promise<void> {
    const id = ticketId(ticket);
    if (id !== null) await this.apply(userId, { kind: 'release', ticket: id });
  }

  async clear(userId: User['id'], cause: LockLiftCause): Promise<LiftedLock> {
    const outcome = await this.apply(userId, { kind: 'lift', forgetRepeats: cause.reason !== 'unlocked' });
    if (outcome.kind !== 'lifted' || !outcome.wasLocked) return { wasLocked: false, lockedUntil: null };
    const lockedUntil = new Date(outcome.until);
    await this.audit.record({
      actorId: cause.by,
      action: 'auth.lockout.lifted',
      target: { type: 'user', id: userId },
      before: { lockedUntil: lockedUntil.toISOString() },
      after: { reason: cause.reason },
    });
    return { wasLocked: true, lockedUntil };
  }

  private apply(accountId: string, event: LockEvent): Promise<LockOutcome> {
    return this.store.apply(accountId, event, this.clock.now(), this.policy);
  }

  /** Once per lock: the audit entry, then the owner's notice through the outbox (never lost, sent once). */
  private async announce(user: LockableUser, lock: NewLock): Promise<void> {
    const until = new Date(lock.until).toISOString();
    const minutes = lockLength(this.policy, lock.repeat) / 60_000;
    await this.audit.record({ actorId: null, action: 'auth.lockout', target: { type: 'user', id: user.id }, after: { until, repeat: lock.repeat, minutes } });
    const notice = await this.mail.send('account-locked', user, { lockedUntil: until });
    await this.mail.dispatch(notice);
  }
}

const ticketId = (ticket: LoginTicket | undefined): string | null => (ticket?.open ? ticket.id : null);
