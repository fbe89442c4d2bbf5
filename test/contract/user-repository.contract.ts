import { expect } from 'chai';
import type { UserRepository } from '../../src/application/ports/user-repository.port';
import type { Email } from '../../src/domain/users/email';
import type { UserId } from '../../src/domain/users/user';
import { aUser, newId } from '../support/builders/user.builder';

export type MakeUserRepository = () => Promise<{ repository: UserRepository; cleanup?: () => Promise<void> }>;

/** What every UserRepository must do, memory and MongoDB alike. */
export const userRepositoryContract = (name: string, make: MakeUserRepository): void => {
  describe(`UserRepository contract :: ${name}`, () => {
    let repository: UserRepository;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ repository, cleanup } = await make());
    });
    afterEach(async () => cleanup?.());

    it('returns null for an id it does not hold', async () => {
      expect(await repository.findById(newId() as UserId)).to.equal(null);
    });

    it('reads back what it stored, field for field', async () => {
      const user = aUser({ age: null });
      expect(await repository.insert(user)).to.equal('inserted');
      expect(await repository.findById(user.id)).to.deep.equal(user);
    });

    it('finds a user by e-mail whatever its case', async () => {
      const user = aUser({ email: 'Mixed.Case@Example.com' });
      await repository.insert(user);
      const found = await repository.findByEmail('MIXED.case@example.COM' as Email);
      expect(found?.id).to.equal(user.id);
    });

    it('refuses a second user with the same e-mail', async () => {
      const first = aUser({ email: 'twice@example.com' });
      const second = aUser({ email: 'TWICE@example.com' });
      await repository.insert(first);
      expect(await repository.insert(second)).to.equal('email-taken');
      expect(await repository.findById(second.id)).to.equal(null);
    });

    it('updates when the version follows the stored one', async () => {
      const user = aUser();
      await repository.insert(user);
      const changed = { ...user, name: 'Renamed', version: user.version + 1 };
      expect(await repository.update(changed)).to.equal('updated');
      expect((await repository.findById(user.id))?.name).to.equal('Renamed');
    });

    it('refuses an update made against an old version and keeps the stored one', async () => {
      const user = aUser();
      await repository.insert(user);
      await repository.update({ ...user, name: 'First', version: 2 });
      expect(await repository.update({ ...user, name: 'Stale', version: 2 })).to.equal('version-conflict');
      expect((await repository.findById(user.id))?.name).to.equal('First');
    });

    it('says not-found when updating a user it does not hold', async () => {
      expect(await repository.update({ ...aUser(), version: 2 })).to.equal('not-found');
    });

    it('refuses to move a user onto an e-mail another user holds', async () => {
      const a = aUser({ email: 'a-holder@example.com' });
      const b = aUser();
      await repository.insert(a);
      await repository.insert(b);
      expect(await repository.update({ ...b, email: a.email, version: 2 })).to.equal('email-taken');
      expect((await repository.findByEmail(a.email))?.id).to.equal(a.id);
    });

    it('frees the old e-mail when a user changes it', async () => {
      const user = aUser({ email: 'old-address@example.com' });
      await repository.insert(user);
      await repository.update({ ...user, email: 'new-address@example.com' as Email, version: 2 });
      expect(await repository.findByEmail('old-address@example.com' as Email)).to.equal(null);
      expect(await repository.insert(aUser({ email: 'old-address@example.com' }))).to.equal('inserted');
    });

    it('hands out copies: changing a returned user changes nothing stored', async () => {
      const user = aUser();
      await repository.insert(user);
      const read = await repository.findById(user.id);
      (read as { name: string }).name = 'Mutated';
      expect((await repository.findById(user.id))?.name).to.equal(user.name);
    });
  });
};
