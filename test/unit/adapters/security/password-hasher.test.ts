import { expect } from 'chai';
import { Argon2PasswordHasher } from '../../../../src/adapters/security/argon2-password-hasher';
import { passwordHasherContract } from '../../../contract/password-hasher.contract';
import { FastPasswordHasher } from '../../../support/fast-hasher';

passwordHasherContract('Argon2PasswordHasher', () => new Argon2PasswordHasher());
passwordHasherContract('FastPasswordHasher (unit-test double)', () => new FastPasswordHasher());

describe('Argon2PasswordHasher :: parameters', () => {
  it('hashes with argon2id at OWASP’s minimum (19 MiB, 2 iterations, 1 lane)', async () => {
    expect(await new Argon2PasswordHasher().hash('Correct-Horse-Battery-9')).to.match(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });
});
