import type { LoginLockStore } from '../../application/ports/login-lock-store.port';
import { applyLockEvent, EMPTY_LOCK_STATE, type LockEvent, type LockOutcome, type LockoutPolicy, type LockState, lockStateTtl } from '../../domain/auth/lockout';

/**
 * The embedded profile's lockout state, in this process: one event loop, so each `apply` (a
 * read and a write with no await between them) is atomic. Like the in-memory rate limiters,
 * a counter rather than a record: gone when the process exits.
 */
export class MemoryLoginLocks implements LoginLockStore {
  private readonly states = new Map<string, { state: LockState; keepUntil: number }>();

  apply(accountId: string, event: LockEvent, now: Date, policy: LockoutPolicy): Promise<LockOutcome> {
    const at = now.getTime();
    const held = this.states.get(accountId);
    const current = held && held.keepUntil > at ? held.state : EMPTY_LOCK_STATE;
    const { state, outcome } = applyLockEvent(current, event, at, policy);
    const ttl = lockStateTtl(state, at, policy);
    if (ttl > 0) this.states.set(accountId, { state, keepUntil: at + ttl });
    else this.states.delete(accountId);
    this.sweep(at);
    return Promise.resolve(outcome);
  }

  /** How many accounts have state (for tests: unknown e-mails must never add one). */
  get size(): number {
    return this.states.size;
  }

  /** Whether anything is kept for the account. */
  has(accountId: string): boolean {
    return this.states.has(accountId);
  }

  private lastSweep = 0;
  /** Drops expired states now and then, so accounts nobody tries again do not stay in memory. */
  private sweep(at: number): void {
    if (Math.abs(at - this.lastSweep) < 60_000) return;
    this.lastSweep = at;
    for (const [id, held] of this.states) if (held.keepUntil <= at) this.states.delete(id);
  }
}
