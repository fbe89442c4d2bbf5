import { expect } from 'chai';
import type { Leases } from '../../src/application/ports/leases.port';
import type { UserRepository } from '../../src/application/ports/user-repository.port';
import { aUser, newId } from '../support/builders/user.builder';

/** A clock the test moves by hand. */
export class ManualClock {
  ms = Date.parse('2026-01-01T00:00:00Z');
  readonly now = (): number => this.ms;
}

export const leasesContract = (name: string, make: (clock: ManualClock) => Promise<Leases>): void => {
  describe(`Leases contract :: ${name}`, () => {
    let clock: ManualClock;
    let leases: Leases;
    beforeEach(async () => {
      clock = new ManualClock();
      leases = await make(clock);
    });

    it('grants a name to one holder at a time, and again once released', async () => {
      const first = await leases.tryAcquire('admin-holders', 10_000);
      expect(first).to.not.equal(null);
      expect(await leases.tryAcquire('admin-holders', 10_000)).to.equal(null);
      expect(await leases.tryAcquire('another-name', 10_000)).to.not.equal(null);
      await leases.release(first!);
      expect(await leases.tryAcquire('admin-holders', 10_000)).to.not.equal(null);
    });

    it('grants exactly one of many concurrent attempts', async () => {
      const attempts = await Promise.all(Array.from({ length: 20 }, () => leases.tryAcquire('race', 10_000)));
      expect(attempts.filter((l) => l !== null)).to.have.length(1);
    });

    it('grants exactly one of many concurrent attempts on a lease that just expired', async () => {
      await leases.tryAcquire('crashed', 1000);
      clock.ms += 1001;
      const attempts = await Promise.all(Array.from({ length: 20 }, () => leases.tryAcquire('crashed', 10_000)));
      expect(attempts.filter((l) => l !== null)).to.have.length(1);
    });

    it('lets a crashed holder block only until its lease expires', async () => {
      expect(await leases.tryAcquire('crashed', 5000)).to.not.equal(null);
      clock.ms += 4999;
      expect(await leases.tryAcquire('crashed', 5000)).to.equal(null);
      clock.ms += 2;
      expect(await leases.tryAcquire('crashed', 5000)).to.not.equal(null);
    });

    it("never lets a late holder's release end the lease that replaced its expired one", async () => {
      const late = await leases.tryAcquire('slow', 1000);
      clock.ms += 1001;
      const current = await leases.tryAcquire('slow', 10_000);
      expect(current).to.not.equal(null);
      await leases.release(late!);
      expect(await leases.tryAcquire('slow', 10_000)).to.equal(null);
      await leases.release(current!);
      expect(await leases.tryAcquire('slow', 10_000)).to.not.equal(null);
    });
  });
};

/** The count the `*:*` guard relies on: active, not deleted holders of any of some roles. */
export const roleHoldersContract = (name: string, make: () => Promise<UserRepository>): void => {
  describe(`UserRepository.countActiveWithAnyRole contract :: ${name}`, () => {
    it('counts active, not deleted users with any of the roles, each once, leaving one out on request', async () => {
      const users = await make();
      const [admin, other, unrelated] = [newId(), newId(), newId()];
      const both = { ...aUser(), roleIds: [admin, other] };
      const one = { ...aUser(), roleIds: [admin] };
      const suspended = { ...aUser(), roleIds: [admin], status: 'suspended' as const };
      const deleted = { ...aUser(), roleIds: [admin], isDeleted: true, deletedAt: new Date() };
      const stranger = { ...aUser(), roleIds: [unrelated] };
      for (const u of [both, one, suspended, deleted, stranger]) expect(await users.insert(u)).to.equal('inserted');
      expect(await users.countActiveWithAnyRole([admin, other])).to.equal(2);
      expect(await users.countActiveWithAnyRole([other])).to.equal(1);
      expect(await users.countActiveWithAnyRole([admin, other], both.id)).to.equal(1);
      expect(await users.countActiveWithAnyRole([admin], one.id)).to.equal(1);
      expect(await users.countActiveWithAnyRole([])).to.equal(0);
      expect(await users.countActiveWithAnyRole([newId()])).to.equal(0);
    });
  });
};
