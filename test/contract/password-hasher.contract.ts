import { expect } from 'chai';
import type { PasswordHasher } from '../../src/application/ports/password-hasher.port';

/** What every PasswordHasher promises, so the fast test double cannot drift from argon2. */
export const passwordHasherContract = (name: string, make: () => PasswordHasher): void => {
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
  });
};
