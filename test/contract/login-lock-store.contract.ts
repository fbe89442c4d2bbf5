import { expect } from 'chai';
import type { LoginLockStore } from '../../src/application/ports/login-lock-store.port';
import { type LockEvent, type LockOutcome, type LockoutPolicy, lockoutPolicy } from '../../src/domain/auth/lockout';

export interface LockStoreUnderTest {
  readonly store: LoginLockStore;
  /** Another handle on the same state (another process's connection), for the concurrency tests. */
  readonly twin: LoginLockStore;
  /** Whether the store holds anything for the account. */
  hasState(accountId: string): Promise<boolean>;
  cleanup?(): Promise<void>;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const START = Date.parse('2026-03-01T08:00:00Z');

/** Threshold 3, window 10 minutes, first lock 15 minutes (doubling to a day), places held 1 minute. */
const POLICY: LockoutPolicy = { ...lockoutPolicy({ threshold: 3, lockMinutes: 15, windowSeconds: 600 }), reservationMs: MIN };

/**
 * What every LoginLockStore must do, in memory and in Redis alike: the domain's rules, with the
 * caller's clock, one atomic step per event, and no state for accounts with nothing to keep.
 */
export const loginLockStoreContract = (name: string, make: () => Promise<LockStoreUnderTest>): void => {
  describe(`LoginLockStore contract :: ${name}`, () => {
    let under: LockStoreUnderTest;
    let now: number;
    let accounts = 0;
    // Unique per test, so a shared Redis never carries state from one test into the next.
    const account = () => `acct-${process.pid}-${Date.now()}-${++accounts}`;
    const at = (ms: number) => new Date(ms);
    const apply = (id: string, event: LockEvent, store: LoginLockStore = under.store): Promise<LockOutcome> => store.apply(id, event, at(now), POLICY);
    const fail = (id: string, ticket: string | null = null) => apply(id, { kind: 'fail', ticket });
    const status = (id: string) => apply(id, { kind: 'status' });
    const reserve = (id: string, ticket: string) => apply(id, { kind: 'reserve', ticket });
    const failTimes = async (id: string, n: number): Promise<LockOutcome[]> => {
      const outcomes: LockOutcome[] = [];
      for (let i = 0; i < n; i++) outcomes.push(await fail(id));
      return outcomes;
    };

    beforeEach(async () => {
      now = START;
      under = await make();
    });
    afterEach(async () => {
      await under.cleanup?.();
    });

    it('knows nothing of an account never seen, and keeps nothing for a look, a success or a release', async () => {
      const id = account();
      expect(await status(id)).to.deep.equal({ kind: 'status', lockedUntil: 0, failures: 0, repeats: 0 });
      expect(await apply(id, { kind: 'succeed', ticket: null })).to.deep.equal({ kind: 'noted' });
      expect(await apply(id, { kind: 'release', ticket: 't' })).to.deep.equal({ kind: 'noted' });
      expect(await apply(id, { kind: 'lift', forgetRepeats: true })).to.deep.equal({ kind: 'lifted', wasLocked: false, until: 0 });
      expect(await under.hasState(id)).to.equal(false);
    });

    it('locks on the threshold-th failure, tells only that failure, and for the first lock length', async () => {
      const id = account();
      const outcomes = await failTimes(id, 3);

      expect(outcomes.slice(0, 2)).to.deep.equal([{ kind: 'noted' }, { kind: 'noted' }]);
      expect(outcomes[2]).to.deep.equal({ kind: 'new-lock', lock: { until: START + 15 * MIN, repeat: 1 } });
      expect(await status(id)).to.deep.equal({ kind: 'status', lockedUntil: START + 15 * MIN, failures: 0, repeats: 1 });
      // Failures while locked are not counted, and never lock again.
      expect(await failTimes(id, 5)).to.deep.equal(Array.from({ length: 5 }, () => ({ kind: 'noted' })));
      expect(await reserve(id, 'a')).to.deep.equal({ kind: 'locked', until: START + 15 * MIN });
    });

    it('keeps accounts apart', async () => {
      const [a, b] = [account(), account()];
      await failTimes(a, 3);
      expect(await status(b)).to.deep.include({ lockedUntil: 0, failures: 0 });
      expect(await reserve(b, 'x')).to.deep.equal({ kind: 'open' });
    });

    it('ends the lock by itself when its time is up', async () => {
      const id = account();
      await failTimes(id, 3);
      now = START + 15 * MIN - 1;
      expect(await reserve(id, 'early')).to.deep.equal({ kind: 'locked', until: START + 15 * MIN });
      now = START + 15 * MIN;
      expect(await reserve(id, 'on-time')).to.deep.equal({ kind: 'open' });
      expect(await status(id)).to.deep.include({ lockedUntil: 0, failures: 0, repeats: 1 });
    });

    it('forgets failures once the window since the first of them has passed', async () => {
      const id = account();
      await failTimes(id, 2);
      now = START + 10 * MIN;
      expect(await status(id)).to.deep.include({ failures: 0 });
      expect(await failTimes(id, 2)).to.deep.equal([{ kind: 'noted' }, { kind: 'noted' }]);
      // The new window started at the first failure after the old one ended.
      now = START + 19 * MIN;
      expect(await fail(id)).to.deep.equal({ kind: 'new-lock', lock: { until: now + 15 * MIN, repeat: 1 } });
    });

    it('doubles each repeat lock up to a day, and stays at a day', async () => {
      const id = account();
      const lengths: number[] = [];
      for (let i = 0; i < 10; i++) {
        const outcomes = await failTimes(id, 3);
        const lock = outcomes[2];
        if (lock?.kind !== 'new-lock') throw new Error(`lock ${i + 1} missing: ${JSON.stringify(outcomes)}`);
        expect(lock.lock.repeat).to.equal(i + 1);
        lengths.push(lock.lock.until - now);
        now = lock.lock.until;
      }
      expect(lengths.map((ms) => ms / MIN)).to.deep.equal([15, 30, 60, 120, 240, 480, 960, 1440, 1440, 1440]);
    });

    it('starts the run again after a day without a lock', async () => {
      const id = account();
      await failTimes(id, 3);
      now = START + 15 * MIN;
      const second = (await failTimes(id, 3))[2];
      expect(second).to.deep.include({ kind: 'new-lock' });
      const secondEnd = second?.kind === 'new-lock' ? second.lock.until : 0;

      now = secondEnd + DAY - 1;
      expect(await status(id)).to.deep.include({ repeats: 2 });
      now = secondEnd + DAY;
      expect(await status(id)).to.deep.include({ repeats: 0 });
      expect((await failTimes(id, 3))[2]).to.deep.equal({ kind: 'new-lock', lock: { until: now + 15 * MIN, repeat: 1 } });
    });

    it('forgets the failures on a success, but not the run of locks', async () => {
      const id = account();
      await failTimes(id, 3);
      now = START + 15 * MIN;
      await failTimes(id, 2);
      expect(await apply(id, { kind: 'succeed', ticket: null })).to.deep.equal({ kind: 'noted' });
      expect(await status(id)).to.deep.include({ failures: 0, repeats: 1 });
      expect((await failTimes(id, 3))[2]).to.deep.equal({ kind: 'new-lock', lock: { until: now + 30 * MIN, repeat: 2 } });
    });

    it('lifts a lock early: says it was on and until when; the run is kept or forgotten as asked', async () => {
      const id = account();
      await failTimes(id, 3);
      now = START + 5 * MIN;
      expect(await apply(id, { kind: 'lift', forgetRepeats: false })).to.deep.equal({ kind: 'lifted', wasLocked: true, until: START + 15 * MIN });
      expect(await reserve(id, 'after-unlock')).to.deep.equal({ kind: 'open' });
      expect(await apply(id, { kind: 'lift', forgetRepeats: false })).to.deep.equal({ kind: 'lifted', wasLocked: false, until: 0 });

      // Kept: the next lock is a repeat (doubled).
      const repeat = (await failTimes(id, 3))[2];
      expect(repeat).to.deep.equal({ kind: 'new-lock', lock: { until: now + 30 * MIN, repeat: 2 } });
      // Forgotten (a new password): the next lock is a first one again.
      expect(await apply(id, { kind: 'lift', forgetRepeats: true })).to.deep.include({ kind: 'lifted', wasLocked: true });
      expect((await failTimes(id, 3))[2]).to.deep.equal({ kind: 'new-lock', lock: { until: now + 15 * MIN, repeat: 1 } });
    });

    it('lifting also forgets the failures counted so far', async () => {
      const id = account();
      await failTimes(id, 2);
      await apply(id, { kind: 'lift', forgetRepeats: false });
      expect(await status(id)).to.deep.include({ failures: 0 });
      expect(await under.hasState(id)).to.equal(false);
    });

    it('holds one place per check in flight: the threshold minus the failures, then refuses as full', async () => {
      const id = account();
      await fail(id);
      expect(await reserve(id, 't1')).to.deep.equal({ kind: 'open' });
      expect(await reserve(id, 't2')).to.deep.equal({ kind: 'open' });
      expect(await reserve(id, 't3')).to.deep.equal({ kind: 'full' });

      // A released place (a right password, a second step to come) is free again, failures kept.
      expect(await apply(id, { kind: 'release', ticket: 't1' })).to.deep.equal({ kind: 'noted' });
      expect(await status(id)).to.deep.include({ failures: 1 });
      expect(await reserve(id, 't4')).to.deep.equal({ kind: 'open' });
      // Settling places as failures: the one that reaches the threshold locks.
      expect(await fail(id, 't2')).to.deep.equal({ kind: 'noted' });
      expect(await fail(id, 't4')).to.deep.equal({ kind: 'new-lock', lock: { until: now + 15 * MIN, repeat: 1 } });
    });

    it('frees a place whose check never reported back once its time is up', async () => {
      const id = account();
      for (const t of ['a', 'b', 'c']) expect(await reserve(id, t)).to.deep.equal({ kind: 'open' });
      expect(await reserve(id, 'd')).to.deep.equal({ kind: 'full' });
      now = START + MIN - 1;
      expect(await reserve(id, 'e')).to.deep.equal({ kind: 'full' });
      now = START + MIN;
      expect(await reserve(id, 'f')).to.deep.equal({ kind: 'open' });
    });

    it('a success settles its own place and forgets the failures', async () => {
      const id = account();
      await fail(id);
      await fail(id);
      expect(await reserve(id, 'ok')).to.deep.equal({ kind: 'open' });
      expect(await apply(id, { kind: 'succeed', ticket: 'ok' })).to.deep.equal({ kind: 'noted' });
      expect(await status(id)).to.deep.include({ failures: 0 });
      for (const t of ['a', 'b', 'c']) expect(await reserve(id, t)).to.deep.equal({ kind: 'open' });
    });

    it('counts 30 failures sent at once through two handles as one: exactly one new lock', async () => {
      const id = account();
      const outcomes = await Promise.all(Array.from({ length: 30 }, (_, i) => apply(id, { kind: 'fail', ticket: null }, i % 2 ? under.twin : under.store)));
      expect(outcomes.filter((o) => o.kind === 'new-lock')).to.have.length(1);
      expect(outcomes.filter((o) => o.kind === 'noted')).to.have.length(29);
      expect(await status(id)).to.deep.include({ repeats: 1, lockedUntil: START + 15 * MIN });
    });

    it('grants exactly the threshold of 30 places asked for at once through two handles', async () => {
      const id = account();
      const outcomes = await Promise.all(Array.from({ length: 30 }, (_, i) => apply(id, { kind: 'reserve', ticket: `t${i}` }, i % 2 ? under.twin : under.store)));
      expect(outcomes.filter((o) => o.kind === 'open')).to.have.length(3);
      expect(outcomes.filter((o) => o.kind === 'full')).to.have.length(27);
    });

    it('drops the state once nothing is worth keeping', async () => {
      const id = account();
      await reserve(id, 'a');
      expect(await under.hasState(id)).to.equal(true);
      await apply(id, { kind: 'release', ticket: 'a' });
      expect(await under.hasState(id)).to.equal(false);
      await fail(id);
      await apply(id, { kind: 'succeed', ticket: null });
      expect(await under.hasState(id)).to.equal(false);
    });
  });
};
