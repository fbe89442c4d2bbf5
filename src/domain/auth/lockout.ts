/**
 * Account lockout: after `threshold` failed logins within `windowMs`, an account is locked; the
 * first lock lasts `lockMs[0]`, each repeat the next entry (doubling up to a day). These are the
 * rules; the state lives behind the `LoginLockStore` port (memory, Redis), whose adapters apply
 * them atomically: `applyLockEvent` here is the memory adapter's, and the Redis adapter's Lua
 * script mirrors it (the contract suite holds both to the same behaviour).
 */
export interface LockoutPolicy {
  /** Failed logins within the window that lock the account. */
  readonly threshold: number;
  /** Failures older than this (counted from the first failure of a window) are forgotten. */
  readonly windowMs: number;
  /** The length of the 1st, 2nd, ... lock of a run; the last entry repeats (the cap). */
  readonly lockMs: readonly number[];
  /** The repeat count is forgotten once this long has passed since the last lock ended. */
  readonly repeatMemoryMs: number;
  /** A place taken for a password check that never reported back (a crashed process) is freed after this. */
  readonly reservationMs: number;
}

export const DAY_MS = 86_400_000;
/** No lock lasts longer than a day, however often it repeats. */
export const MAX_LOCK_MS = DAY_MS;

/** `first`, doubled on each repeat, up to `cap`: [15 min, 30 min, 1 h, ..., 16 h, 24 h] for 15 minutes. */
export const lockLengths = (firstMs: number, capMs: number = MAX_LOCK_MS): number[] => {
  const lengths: number[] = [];
  for (let ms = Math.min(firstMs, capMs); ; ms = Math.min(ms * 2, capMs)) {
    lengths.push(ms);
    if (ms >= capMs) return lengths;
  }
};

/** The length of the `repeat`-th lock (1 for the first). */
export const lockLength = (policy: LockoutPolicy, repeat: number): number => policy.lockMs[Math.min(Math.max(repeat, 1), policy.lockMs.length) - 1]!;

export const lockoutPolicy = (settings: { readonly threshold: number; readonly lockMinutes: number; readonly windowSeconds: number }): LockoutPolicy => ({
  threshold: settings.threshold,
  windowMs: settings.windowSeconds * 1000,
  lockMs: lockLengths(settings.lockMinutes * 60_000),
  repeatMemoryMs: DAY_MS,
  reservationMs: 60_000,
});

/** What is known of one account; an account with no failures and no lock has no state at all. */
export interface LockState {
  /** Failures counted in the current window. */
  readonly failures: number;
  /** When the current window started (its first failure); 0 without failures. */
  readonly windowStart: number;
  /** When the last lock ends (or ended, or was lifted); 0 when never locked. */
  readonly lockedUntil: number;
  /** Locks in the current run (reset a day after the last one ended). */
  readonly repeats: number;
  /** Places taken by password checks in flight: ticket -> when the place is freed anyway. */
  readonly pending: Readonly<Record<string, number>>;
}

export const EMPTY_LOCK_STATE: LockState = { failures: 0, windowStart: 0, lockedUntil: 0, repeats: 0, pending: {} };

/** A lock that has just started: exactly one failure (on one instance) reports it. */
export interface NewLock {
  readonly until: number;
  /** 1 for the first lock of a run, 2 for the first repeat... */
  readonly repeat: number;
}

export type LockEvent =
  | { readonly kind: 'reserve'; readonly ticket: string }
  | { readonly kind: 'fail'; readonly ticket: string | null }
  | { readonly kind: 'succeed'; readonly ticket: string | null }
  | { readonly kind: 'release'; readonly ticket: string }
  | { readonly kind: 'lift'; readonly forgetRepeats: boolean }
  | { readonly kind: 'status' };

export type LockOutcome =
  /** reserve: the check may run, its place is held under the ticket. */
  | { readonly kind: 'open' }
  /** reserve: the account is locked. */
  | { readonly kind: 'locked'; readonly until: number }
  /** reserve: every place is taken by failures and checks in flight: refused like a lock. */
  | { readonly kind: 'full' }
  /** fail: the failure locked the account. */
  | { readonly kind: 'new-lock'; readonly lock: NewLock }
  /** fail, succeed, release: recorded. */
  | { readonly kind: 'noted' }
  /** lift: whether a lock was on, and until when it would have lasted. */
  | { readonly kind: 'lifted'; readonly wasLocked: boolean; readonly until: number }
  | { readonly kind: 'status'; readonly lockedUntil: number; readonly failures: number; readonly repeats: number };

/** The state as time has left it: expired places, a passed window and a forgotten run dropped. */
export const settle = (s: LockState, now: number, policy: LockoutPolicy): LockState => {
  const pending = Object.fromEntries(Object.entries(s.pending).filter(([, freedAt]) => freedAt > now));
  const windowOver = s.failures > 0 && now >= s.windowStart + policy.windowMs;
  const runOver = s.repeats > 0 && now >= s.lockedUntil + policy.repeatMemoryMs;
  return {
    failures: windowOver ? 0 : s.failures,
    windowStart: windowOver ? 0 : s.windowStart,
    lockedUntil: s.lockedUntil,
    repeats: runOver ? 0 : s.repeats,
    pending,
  };
};

const without = (pending: Readonly<Record<string, number>>, ticket: string | null): Record<string, number> => {
  const { [ticket ?? '']: _gone, ...rest } = pending;
  return rest;
};

/**
 * One event against one account's state, as one atomic step: the new state and what to answer.
 * - reserve: refused while locked, or while failures plus checks in flight fill the threshold
 *   (so logins sent at once cannot all be checked); else a place is held for the check.
 * - fail: the place becomes a failure; the failure that reaches the threshold locks the account
 *   (and is the only one told so). Failures while locked are not counted.
 * - succeed: the place is freed and the failures forgotten (the run of locks is kept).
 * - release: the place is freed, nothing else (the password was right, a second step follows).
 * - lift: an early end to the lock; the failures are forgotten, and the run too when asked.
 */
export const applyLockEvent = (state: LockState, event: LockEvent, now: number, policy: LockoutPolicy): { state: LockState; outcome: LockOutcome } => {
  const s = settle(state, now, policy);
  const locked = now < s.lockedUntil;
  switch (event.kind) {
    case 'status':
      return { state: s, outcome: { kind: 'status', lockedUntil: locked ? s.lockedUntil : 0, failures: s.failures, repeats: s.repeats } };
    case 'reserve':
      if (locked) return { state: s, outcome: { kind: 'locked', until: s.lockedUntil } };
      if (s.failures + Object.keys(s.pending).length >= policy.threshold) return { state: s, outcome: { kind: 'full' } };
      return { state: { ...s, pending: { ...s.pending, [event.ticket]: now + policy.reservationMs } }, outcome: { kind: 'open' } };
    case 'release':
      return { state: { ...s, pending: without(s.pending, event.ticket) }, outcome: { kind: 'noted' } };
    case 'succeed':
      return { state: { ...s, failures: 0, windowStart: 0, pending: without(s.pending, event.ticket) }, outcome: { kind: 'noted' } };
    case 'fail': {
      const pending = without(s.pending, event.ticket);
      if (locked) return { state: { ...s, pending }, outcome: { kind: 'noted' } };
      const failures = s.failures + 1;
      const windowStart = s.failures === 0 ? now : s.windowStart;
      if (failures < policy.threshold) return { state: { ...s, failures, windowStart, pending }, outcome: { kind: 'noted' } };
      const repeat = s.repeats + 1;
      const until = now + lockLength(policy, repeat);
      return { state: { failures: 0, windowStart: 0, lockedUntil: until, repeats: repeat, pending }, outcome: { kind: 'new-lock', lock: { until, repeat } } };
    }
    case 'lift':
      return {
        state: { ...s, failures: 0, windowStart: 0, lockedUntil: locked ? now : s.lockedUntil, repeats: event.forgetRepeats ? 0 : s.repeats },
        outcome: { kind: 'lifted', wasLocked: locked, until: locked ? s.lockedUntil : 0 },
      };
  }
};

/** True when the state carries nothing worth keeping (the store may drop it). */
export const isEmptyLockState = (s: LockState): boolean => s.failures === 0 && s.repeats === 0 && Object.keys(s.pending).length === 0;

/** How long a store must keep the state (ms from `now`); 0 or less: drop it. */
export const lockStateTtl = (s: LockState, now: number, policy: LockoutPolicy): number =>
  Math.max(
    s.failures > 0 ? s.windowStart + policy.windowMs : 0,
    s.repeats > 0 ? s.lockedUntil + policy.repeatMemoryMs : 0,
    now < s.lockedUntil ? s.lockedUntil : 0,
    ...Object.values(s.pending),
  ) - now;
