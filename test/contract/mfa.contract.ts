import { expect } from 'chai';
import type { MfaChallengeStore } from '../../src/application/ports/mfa-challenge-store.port';
import type { MfaStore, PendingTotp } from '../../src/application/ports/mfa-store.port';
import { newId } from '../support/builders/user.builder';

const T0 = new Date('2026-06-01T12:00:00Z');
const pending = (id = newId()): PendingTotp => ({ id, sealedSecret: `sealed-${id}`, createdAt: T0 });
const enabled = (lastUsedStep = 100, recoveryCodeHashes = ['h1', 'h2', 'h3']) => ({ enabledAt: T0, recoveryCodeHashes, lastUsedStep });

/** Pending enrolment, activation, used steps and recovery codes: each "once" holds under concurrency. */
export const mfaStoreContract = (name: string, make: () => Promise<MfaStore>): void => {
  describe(`MfaStore contract :: ${name}`, () => {
    let store: MfaStore;
    beforeEach(async () => {
      store = await make();
    });

    /** A user with TOTP on (enrolment `id`, step 100 used, recovery codes h1..h3). */
    const active = async (userId = newId(), id = newId()) => {
      expect(await store.setPending(userId, pending(id))).to.equal('started');
      expect(await store.activate(userId, id, enabled())).to.equal(true);
      return { userId, id };
    };

    it('keeps one pending enrolment per user, replaced by the next, and activates only the current one', async () => {
      const userId = newId();
      expect(await store.find(userId)).to.equal(null);
      const [first, second] = [pending(), pending()];
      expect(await store.setPending(userId, first)).to.equal('started');
      expect(await store.setPending(userId, second)).to.equal('started');
      expect(await store.find(userId)).to.deep.equal({ userId, pending: second, active: null });
      expect(await store.activate(userId, first.id, enabled())).to.equal(false);
      expect(await store.activate(userId, second.id, enabled(7, ['a', 'b']))).to.equal(true);
      expect(await store.find(userId)).to.deep.equal({
        userId,
        pending: null,
        active: { id: second.id, sealedSecret: second.sealedSecret, enabledAt: T0, recoveryCodeHashes: ['a', 'b'], lastUsedStep: 7 },
      });
      expect(await store.activate(userId, second.id, enabled())).to.equal(false);
    });

    it('refuses a new enrolment while TOTP is on, and forgets everything when it is turned off', async () => {
      const { userId, id } = await active();
      expect(await store.setPending(userId, pending())).to.equal('already-active');
      expect((await store.find(userId))?.active?.id).to.equal(id);
      expect(await store.disable(userId)).to.equal(true);
      expect(await store.find(userId)).to.equal(null);
      expect(await store.disable(userId)).to.equal(false);
      expect(await store.useRecoveryCode(userId, id, 'h1', T0)).to.equal(false);
      // A new enrolment starts clean.
      const again = pending();
      expect(await store.setPending(userId, again)).to.equal('started');
      expect(await store.claimStep(userId, again.id, 100, T0)).to.equal(true);
    });

    it('turning off a pending enrolment answers false (TOTP was not on) and drops it', async () => {
      const userId = newId();
      await store.setPending(userId, pending());
      expect(await store.disable(userId)).to.equal(false);
      expect(await store.find(userId)).to.equal(null);
    });

    it('accepts each step once, and no step at or before the last one used', async () => {
      const { userId, id } = await active();
      expect(await store.claimStep(userId, id, 100, T0)).to.equal(false);
      expect(await store.claimStep(userId, id, 99, T0)).to.equal(false);
      expect(await store.claimStep(userId, id, 101, T0)).to.equal(true);
      expect(await store.claimStep(userId, id, 101, T0)).to.equal(false);
      expect(await store.claimStep(userId, id, 103, T0)).to.equal(true);
      expect(await store.claimStep(userId, id, 102, T0)).to.equal(false);
      expect((await store.find(userId))?.active?.lastUsedStep).to.equal(103);
      // Steps are per enrolment: another user's, or a pending one's, are their own.
      const other = await active();
      expect(await store.claimStep(other.userId, other.id, 101, T0)).to.equal(true);
    });

    it('claims a step of a pending enrolment once', async () => {
      const userId = newId();
      const p = pending();
      await store.setPending(userId, p);
      expect(await store.claimStep(userId, p.id, 5, T0)).to.equal(true);
      expect(await store.claimStep(userId, p.id, 5, T0)).to.equal(false);
    });

    it('lets exactly one of many concurrent claims of one step win', async () => {
      const { userId, id } = await active();
      const claims = await Promise.all(Array.from({ length: 12 }, () => store.claimStep(userId, id, 150, T0)));
      expect(claims.filter(Boolean)).to.have.length(1);
    });

    it('spends each recovery code once, only its own enrolment, and keeps the rest', async () => {
      const { userId, id } = await active();
      expect(await store.useRecoveryCode(userId, id, 'nope', T0)).to.equal(false);
      expect(await store.useRecoveryCode(userId, newId(), 'h2', T0)).to.equal(false);
      expect(await store.useRecoveryCode(userId, id, 'h2', T0)).to.equal(true);
      expect(await store.useRecoveryCode(userId, id, 'h2', T0)).to.equal(false);
      expect((await store.find(userId))?.active?.recoveryCodeHashes).to.deep.equal(['h1', 'h3']);
    });

    it('lets exactly one of many concurrent uses of one recovery code win', async () => {
      const { userId, id } = await active();
      const uses = await Promise.all(Array.from({ length: 12 }, () => store.useRecoveryCode(userId, id, 'h3', T0)));
      expect(uses.filter(Boolean)).to.have.length(1);
    });

    it('activates a pending enrolment for exactly one of many concurrent confirmations', async () => {
      const userId = newId();
      const p = pending();
      await store.setPending(userId, p);
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.activate(userId, p.id, enabled(i, [`code-${i}`]))));
      expect(results.filter(Boolean)).to.have.length(1);
      const winner = results.indexOf(true);
      expect((await store.find(userId))?.active).to.deep.include({ lastUsedStep: winner, recoveryCodeHashes: [`code-${winner}`] });
    });
  });
};

/** Login challenges: live for their lifetime, spent exactly once. */
export const mfaChallengeStoreContract = (name: string, make: () => Promise<MfaChallengeStore>): void => {
  describe(`MfaChallengeStore contract :: ${name}`, () => {
    let store: MfaChallengeStore;
    beforeEach(async () => {
      store = await make();
    });
    const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
    const challenge = (userId = newId(), tokenHash = `hash-${newId()}`) => ({ tokenHash, userId, createdAt: T0, expiresAt: at(300) });

    it('finds a challenge until it expires, and never after', async () => {
      const c = challenge();
      await store.insert(c);
      expect(await store.findLive(c.tokenHash, at(299))).to.deep.equal(c);
      expect(await store.findLive(c.tokenHash, at(300))).to.equal(null);
      expect(await store.findLive('unknown', at(1))).to.equal(null);
      expect(await store.spend(c.tokenHash, at(300))).to.equal(false);
    });

    it('spends a challenge once; a spent one is not found', async () => {
      const c = challenge();
      await store.insert(c);
      expect(await store.spend(c.tokenHash, at(10))).to.equal(true);
      expect(await store.spend(c.tokenHash, at(11))).to.equal(false);
      expect(await store.findLive(c.tokenHash, at(12))).to.equal(null);
      expect(await store.spend('unknown', at(10))).to.equal(false);
    });

    it('lets exactly one of many concurrent spends win', async () => {
      const c = challenge();
      await store.insert(c);
      const spends = await Promise.all(Array.from({ length: 12 }, () => store.spend(c.tokenHash, at(5))));
      expect(spends.filter(Boolean)).to.have.length(1);
    });

    it("keeps a user's live challenges when a new one arrives, and each user's apart", async () => {
      const userId = newId();
      const first = challenge(userId);
      await store.insert(first);
      const second = { ...challenge(userId), createdAt: at(100), expiresAt: at(400) };
      await store.insert(second);
      expect(await store.findLive(first.tokenHash, at(101))).to.deep.equal(first);
      expect(await store.findLive(second.tokenHash, at(301))).to.deep.equal(second);
      const stranger = challenge();
      await store.insert(stranger);
      expect(await store.spend(stranger.tokenHash, at(1))).to.equal(true);
      expect(await store.findLive(first.tokenHash, at(1))).to.deep.equal(first);
    });
  });
};
