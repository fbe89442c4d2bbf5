import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { InMemoryApiKeyRepository } from '../../../src/adapters/memory/in-memory-access';
import { Argon2PasswordHasher } from '../../../src/adapters/security/argon2-password-hasher';
import { ManageApiKeys } from '../../../src/application/api-keys/api-keys';
import { Authenticate } from '../../../src/application/auth/authenticate';
import { Login } from '../../../src/application/auth/login';
import type { RegisterUser } from '../../../src/application/auth/register-user';
import type { Clock } from '../../../src/application/ports/clock.port';
import type { PasswordHasher } from '../../../src/application/ports/security.port';
import { TYPES } from '../../../src/application/symbols';
import { embeddedContainer, STRONG_PASSWORD } from '../../support/embedded';

/** The real hasher, counting verifies. */
class CountingHasher implements PasswordHasher {
  verifies = 0;
  private readonly real = new Argon2PasswordHasher();
  hash(p: string) {
    return this.real.hash(p);
  }
  verify(h: string, p: string) {
    this.verifies += 1;
    return this.real.verify(h, p);
  }
}

/** A clock tests move by hand. */
class ManualClock implements Clock {
  constructor(private t = new Date('2026-06-01T12:00:00Z').getTime()) {}
  now() {
    return new Date(this.t);
  }
  advance(ms: number) {
    this.t += ms;
  }
}

describe('Auth :: use cases', () => {
  it('does one argon2 verify per login whether the account exists, is deleted, or the password is wrong', async () => {
    const hasher = new CountingHasher();
    const c = await embeddedContainer({ passwordHasher: hasher });
    await c.get<RegisterUser>(TYPES.RegisterUser).execute({ name: 'L', email: 'l@x.io', password: STRONG_PASSWORD });
    const login = c.get(Login);
    for (const [email, password, ok] of [
      ['nobody@x.io', STRONG_PASSWORD, false],
      ['not an email', STRONG_PASSWORD, false],
      ['l@x.io', 'Wrong-Password-1!', false],
      ['l@x.io', STRONG_PASSWORD, true],
    ] as const) {
      hasher.verifies = 0;
      const result = await login.execute(email, password);
      expect(E.isRight(result), email).to.equal(ok);
      expect(hasher.verifies, email).to.equal(1);
      if (!ok) expect(result).to.deep.equal(E.left({ _tag: 'InvalidCredentials' }));
    }
  });

  it("writes an API key's lastUsedAt at most once a minute", async () => {
    const clock = new ManualClock();
    const keys = new InMemoryApiKeyRepository();
    let touches = 0;
    const original = keys.touch.bind(keys);
    keys.touch = async (id, at) => {
      touches += 1;
      return original(id, at);
    };
    const c = await embeddedContainer({ clock, apiKeys: keys });
    const user = await c.get<RegisterUser>(TYPES.RegisterUser).execute({ name: 'K', email: 'k@x.io', password: STRONG_PASSWORD });
    if (E.isLeft(user)) throw new Error('fixture');
    const issued = await c.get(ManageApiKeys).issue({ userId: user.right.id, permissions: [], via: 'token' }, { name: 'k', permissions: [] });
    if (E.isLeft(issued)) throw new Error('fixture');
    const auth = c.get(Authenticate);
    for (let i = 0; i < 20; i++) expect(await auth.apiKey(issued.right.key)).to.not.equal(null);
    expect(touches).to.equal(1);
    clock.advance(61_000);
    await auth.apiKey(issued.right.key);
    expect(touches).to.equal(2);
    expect((await keys.findById(issued.right.apiKey.id))?.lastUsedAt?.getTime()).to.equal(clock.now().getTime());
  });
});
