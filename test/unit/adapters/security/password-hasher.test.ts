import { expect } from 'chai';
import { Argon2PasswordHasher, defaultConcurrency } from '../../../../src/adapters/security/argon2-password-hasher';
import { passwordHasherContract } from '../../../contract/password-hasher.contract';
import { FastPasswordHasher } from '../../../support/fast-hasher';

passwordHasherContract('Argon2PasswordHasher', () => new Argon2PasswordHasher(), (limits) => new Argon2PasswordHasher(limits));
passwordHasherContract('FastPasswordHasher (unit-test double)', () => new FastPasswordHasher());

describe('Argon2PasswordHasher :: parameters', () => {
  it('hashes with argon2id at OWASP’s minimum (19 MiB, 2 iterations, 1 lane)', async () => {
    expect(await new Argon2PasswordHasher().hash('Correct-Horse-Battery-9')).to.match(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });
});

describe('Argon2PasswordHasher :: pool size', () => {
  it('runs one computation per core, leaving one of libuv’s threads to the rest of the process', () => {
    expect(defaultConcurrency(2, 4)).to.equal(2);
    expect(defaultConcurrency(8, 4)).to.equal(3);
    expect(defaultConcurrency(8, 16)).to.equal(8);
    expect(defaultConcurrency(1, 4)).to.equal(1);
    expect(defaultConcurrency(4, 1)).to.equal(1);
  });

  it('lets calls wait while the pool is busy, up to its bound', async () => {
    const hasher = new Argon2PasswordHasher({ concurrency: 1, maxWaiting: 5 });
    const calls = [hasher.hash('a-Password-1'), hasher.hash('a-Password-2'), hasher.hash('a-Password-3')];
    expect(hasher.queued).to.equal(2);
    await Promise.all(calls);
    expect(hasher.queued).to.equal(0);
  });
});
