import { expect } from 'chai';
import { Busy } from '../../src/application/ports/busy';
import type { PasswordHasher } from '../../src/application/ports/password-hasher.port';

/** Builds a hasher that runs at most `concurrency` calls at once and lets `maxWaiting` wait. */
export type BoundedHasherFactory = (limits: { concurrency: number; maxWaiting: number }) => PasswordHasher;

/**
 * What every PasswordHasher promises, so the fast test double cannot drift from argon2. A hasher
 * with a bounded pool (`bounded` given) also promises how it behaves when full: the surplus is
 * refused with Busy at once, never queued without bound and never read as a wrong password.
 */
export const passwordHasherContract = (name: string, make: () => PasswordHasher, bounded?: BoundedHasherFactory): void => {
  describe(`PasswordHasher contract :: ${name}`, () => {
    const password = 'Correct-Horse-Battery-9';

    it('never returns the password itself, and salts: two hashes of one password differ', async () => {
      const hasher = make();
      const [a, b] = [await hasher.hash(password), await hasher.hash(password)];
      expect(a).to.not.include(password);
      expect(a).to.not.equal(b);
    });

    it('verifies the same password only', async () => {
      const hasher = make();
      const hash = await hasher.hash(password);
      expect(await hasher.verify(hash, password)).to.equal(true);
      expect(await hasher.verify(hash, `${password}!`)).to.equal(false);
      expect(await hasher.verify(hash, '')).to.equal(false);
    });

    it('answers false, never throws, for a hash that is not one of its own', async () => {
      expect(await make().verify('not-a-hash', password)).to.equal(false);
    });

    it('answers every one of many calls made at once, each for its own password', async () => {
      const hasher = make();
      const hash = await hasher.hash(password);
      const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => hasher.verify(hash, i % 2 === 0 ? password : `${password}${i}`)));
      expect(answers).to.deep.equal(Array.from({ length: 8 }, (_, i) => i % 2 === 0));
    });

    if (!bounded) return;

    it('when full, refuses the surplus with Busy at once and completes every call it admitted', async () => {
      const hasher = bounded({ concurrency: 1, maxWaiting: 2 });
      const calls = Array.from({ length: 6 }, () => hasher.hash(password));
      const settled = await Promise.allSettled(calls);
      const refused = settled.filter((s) => s.status === 'rejected');
      expect(settled.filter((s) => s.status === 'fulfilled')).to.have.length(3);
      expect(refused).to.have.length(3);
      for (const r of refused) expect((r as PromiseRejectedResult).reason).to.be.instanceOf(Busy);
    });

    it('refuses a verify with Busy when full, rather than answering that the password is wrong', async () => {
      const hasher = bounded({ concurrency: 1, maxWaiting: 0 });
      const hash = await hasher.hash(password);
      const [first, second] = await Promise.allSettled([hasher.verify(hash, password), hasher.verify(hash, password)]);
      expect(first).to.deep.equal({ status: 'fulfilled', value: true });
      expect(second.status).to.equal('rejected');
      expect((second as PromiseRejectedResult).reason).to.be.instanceOf(Busy);
    });

    it('serves waiting calls in order of arrival and takes calls again once the burst is over', async () => {
      const hasher = bounded({ concurrency: 1, maxWaiting: 3 });
      const hash = await hasher.hash(password);
      const order: number[] = [];
      // A foreign hash fails inside the pool: its turn must be given back all the same.
      await Promise.all([0, 1, 2, 3].map((i) => (i === 1 ? hasher.verify('not-a-hash', password) : hasher.verify(hash, password)).then(() => order.push(i))));
      expect(order).to.deep.equal([0, 1, 2, 3]);
      const again = await Promise.allSettled(Array.from({ length: 4 }, () => hasher.verify(hash, password)));
      expect(again.every((s) => s.status === 'fulfilled' && s.value === true)).to.equal(true);
    });
  });
};
