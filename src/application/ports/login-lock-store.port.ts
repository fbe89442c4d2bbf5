import type { LockEvent, LockOutcome, LockoutPolicy } from '../../domain/auth/lockout';

/**
 * Where each account's lockout state lives (failures in the window, the lock, the run of locks,
 * the password checks in flight), shared by every process on one store: in memory for the
 * embedded profile, in Redis for the production one (under `REDIS_KEY_PREFIX`).
 */
export interface LoginLockStore {
  /**
   * Applies `event` to the state of `accountId` as the domain's `applyLockEvent` does, as one
   * atomic step: events for one account from any number of callers and processes never
   * interleave, so of many failures at once exactly one reports the new lock. `now` is the
   * caller's clock (instances agree within seconds); the store keeps a state only as long as
   * `lockStateTtl` says, and never creates one for an event that leaves nothing to keep.
   */
  apply(accountId: string, event: LockEvent, now: Date, policy: LockoutPolicy): Promise<LockOutcome>;
}
