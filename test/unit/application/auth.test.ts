import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import type { Container } from 'inversify';
import { InMemoryApiKeyRepository } from '../../../src/adapters/memory/in-memory-api-key-repository';
import { InMemoryRefreshTokenStore } from '../../../src/adapters/memory/in-memory-refresh-token-store';
import { InMemoryCache } from '../../../src/adapters/memory/in-memory-cache';
import { InMemoryUserRepository } from '../../../src/adapters/memory/in-memory-user-repository';
import { Argon2PasswordHasher } from '../../../src/adapters/security/argon2-password-hasher';
import { IssueApiKey } from '../../../src/application/api-keys/issue-api-key';
import { Authenticate } from '../../../src/application/auth/authenticate';
import { ChangePassword } from '../../../src/application/auth/change-password';
import { LiveSessions } from '../../../src/application/auth/live-sessions';
import { CACHE_KEYS, CACHE_TTL_SECONDS } from '../../../src/application/cache/cache-keys';
import { Login } from '../../../src/application/auth/login';
import { isMfaChallenge } from '../../../src/application/auth/mfa/mfa-login-gate';
import { Logout } from '../../../src/application/auth/logout';
import { RefreshSession } from '../../../src/application/auth/refresh-session';
import type { RegisterUser } from '../../../src/application/auth/register-user';
import type { Clock } from '../../../src/application/ports/clock.port';
import type { AccessTokens } from '../../../src/application/ports/access-tokens.port';
import type { PasswordHasher } from '../../../src/application/ports/password-hasher.port';
import type { SecretTokens } from '../../../src/application/ports/secret-tokens.port';
import { TYPES } from '../../../src/application/symbols';
import type { UserId } from '../../../src/domain/users/user';
import { embeddedContainer, OTHER_STRONG_PASSWORD, STRONG_PASSWORD } from '../../support/embedded';

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
    const issued = await c.get(IssueApiKey).execute({ userId: user.right.id, permissions: [], via: 'token' }, { name: 'k', permissions: [] });
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

/** The memory store, counting the reads an access-token check could cost. */
class CountingStore extends InMemoryRefreshTokenStore {
  sessionReads = 0;
  override async findSession(familyId: string) {
    this.sessionReads += 1;
    return super.findSession(familyId);
  }
}

/** The memory repository, counting reads by id. */
class CountingUsers extends InMemoryUserRepository {
  reads = 0;
  override async findById(id: UserId) {
    this.reads += 1;
    return super.findById(id);
  }
}

/** The memory cache, counting batches of reads (calls made in one tick count as one batch). */
class CountingCache extends InMemoryCache {
  gets = 0;
  batches = 0;
  private pending = false;
  down = false;
  override async get<T>(key: string): Promise<T | undefined> {
    this.counted(1);
    return super.get<T>(key);
  }
  override async getMany(keys: readonly string[]): Promise<unknown[]> {
    this.counted(keys.length);
    return super.getMany(keys);
  }
  private counted(reads: number): void {
    if (this.down) throw new Error('cache down');
    this.gets += reads;
    if (!this.pending) {
      this.pending = true;
      this.batches += 1;
      queueMicrotask(() => (this.pending = false));
    }
  }
  override async set<T>(key: string, value: T, ttl: number): Promise<void> {
    if (this.down) throw new Error('cache down');
    return super.set(key, value, ttl);
  }
  override async delete(...keys: string[]): Promise<void> {
    if (this.down) throw new Error('cache down');
    return super.delete(...keys);
  }
}

describe('Auth :: access tokens and their sessions', () => {
  let c: Container;
  let store: CountingStore;
  let users: CountingUsers;
  let cache: CountingCache;
  let auth: Authenticate;

  beforeEach(async () => {
    store = new CountingStore();
    users = new CountingUsers();
    cache = new CountingCache();
    c = await embeddedContainer({ refreshTokens: store, users, cache });
    auth = c.get(Authenticate);
  });

  const signIn = async (email: string) => {
    const registered = await c.get<RegisterUser>(TYPES.RegisterUser).execute({ name: 'Sam Session', email, password: STRONG_PASSWORD });
    if (E.isLeft(registered)) throw new Error('fixture');
    const pair = await c.get(Login).execute(email, STRONG_PASSWORD);
    if (E.isLeft(pair) || isMfaChallenge(pair.right)) throw new Error('fixture');
    return pair.right;
  };

  it('checks user, session and permissions with one batch of cache reads and no store read once warm', async () => {
    const s = await signIn('warm@x.io');
    expect(await auth.bearer(s.accessToken)).to.not.equal(null);
    [store.sessionReads, users.reads, cache.batches] = [0, 0, 0];
    for (let i = 0; i < 10; i++) {
      const before = cache.batches;
      const actor = await auth.bearer(s.accessToken);
      expect(actor?.userId).to.equal(s.user.id);
      // One batch for the user, its session and its permissions.
      expect(cache.batches - before).to.equal(1);
    }
    expect(store.sessionReads).to.equal(0);
    expect(users.reads).to.equal(0);
  });

  it('refuses a remembered (already verified) token as soon as its session is revoked, and remembers that without asking the store', async () => {
    const s = await signIn('memo@x.io');
    expect(await auth.bearer(s.accessToken)).to.not.equal(null);
    expect(await auth.bearer(s.accessToken)).to.not.equal(null);
    await c.get(Logout).execute(s.refreshToken);
    store.sessionReads = 0;
    for (let i = 0; i < 5; i++) expect(await auth.bearer(s.accessToken)).to.equal(null);
    expect(store.sessionReads).to.equal(0);
  });

  it('keeps a session revoked when a reader that loaded it just before writes a stale live entry after', async () => {
    const s = await signIn('race@x.io');
    expect(await auth.bearer(s.accessToken)).to.not.equal(null);
    const key = CACHE_KEYS.liveSession(sessionIdOf(s.accessToken));
    const stale = await cache.get(key);
    expect(stale).to.not.equal(undefined);
    await c.get(Logout).execute(s.refreshToken);
    await cache.set(key, stale, CACHE_TTL_SECONDS.liveSession);
    expect(await auth.bearer(s.accessToken)).to.equal(null);
  });

  it('reads the session from the store when the cache has lost its entries, and still refuses a revoked one', async () => {
    const s = await signIn('cold@x.io');
    const other = await c.get(Login).execute('cold@x.io', STRONG_PASSWORD);
    if (E.isLeft(other) || isMfaChallenge(other.right)) throw new Error('fixture');
    await c.get(Logout).execute(s.refreshToken);
    await cache.deleteByPrefix('');
    store.sessionReads = 0;
    expect(await auth.bearer(s.accessToken)).to.equal(null);
    expect(await auth.bearer(other.right.accessToken)).to.not.equal(null);
    expect(store.sessionReads).to.equal(2);
  });

  it('reads through a cache that is down: live sessions pass, revoked ones do not', async () => {
    const s = await signIn('down@x.io');
    const other = await c.get(Login).execute('down@x.io', STRONG_PASSWORD);
    if (E.isLeft(other) || isMfaChallenge(other.right)) throw new Error('fixture');
    cache.down = true;
    await c.get(Logout).execute(s.refreshToken);
    expect(await auth.bearer(s.accessToken)).to.equal(null);
    expect(await auth.bearer(other.right.accessToken)).to.not.equal(null);
  });

  it("refuses a token whose session belongs to someone else, or does not exist", async () => {
    const mine = await signIn('mine@x.io');
    const theirs = await signIn('theirs@x.io');
    const tokens = c.get<AccessTokens>(TYPES.AccessTokens);
    const borrowed = await tokens.issue({ userId: mine.user.id, sessionId: sessionIdOf(theirs.accessToken) });
    const invented = await tokens.issue({ userId: mine.user.id, sessionId: '0123456789abcdef01234567' });
    expect(await auth.bearer(borrowed)).to.equal(null);
    expect(await auth.bearer(invented)).to.equal(null);
    expect(await auth.bearer(theirs.accessToken)).to.not.equal(null);
  });

  it('ends every other session with a password change, on a refresh reuse the whole family', async () => {
    const s = await signIn('pw@x.io');
    const other = await c.get(Login).execute('pw@x.io', STRONG_PASSWORD);
    if (E.isLeft(other) || isMfaChallenge(other.right)) throw new Error('fixture');
    const actor = await auth.bearer(s.accessToken);
    if (!actor) throw new Error('fixture');
    expect(actor.sessionId).to.equal(sessionIdOf(s.accessToken));
    expect(E.isRight(await c.get(ChangePassword).execute(actor, STRONG_PASSWORD, OTHER_STRONG_PASSWORD))).to.equal(true);
    expect(await auth.bearer(other.right.accessToken)).to.equal(null);
    expect(await auth.bearer(s.accessToken)).to.not.equal(null);

    const refreshed = await c.get(RefreshSession).execute(s.refreshToken);
    if (E.isLeft(refreshed)) throw new Error('fixture');
    expect(await auth.bearer(refreshed.right.accessToken)).to.not.equal(null);
    expect(await c.get(RefreshSession).execute(s.refreshToken)).to.deep.equal(E.left({ _tag: 'RefreshTokenReused' }));
    expect(await auth.bearer(refreshed.right.accessToken)).to.equal(null);
    expect(await auth.bearer(s.accessToken)).to.equal(null);
  });

  it('refuses a refresh token that a refresh racing the revocation slipped into an ended session', async () => {
    const s = await signIn('slip@x.io');
    const sessionId = sessionIdOf(s.accessToken);
    expect(await store.revokeForUser(s.user.id, new Date())).to.deep.equal([sessionId]);
    // The successor a racing refresh inserted after the revocation:
    const secrets = c.get<SecretTokens>(TYPES.SecretTokens);
    const successor = secrets.generate(32);
    await store.insert({ id: '0123456789abcdef0123abcd', userId: s.user.id, familyId: sessionId, tokenHash: secrets.digest(successor), createdAt: new Date(), expiresAt: new Date(Date.now() + 3_600_000), spentAt: null, revokedAt: null });
    expect(await c.get(RefreshSession).execute(successor)).to.deep.equal(E.left({ _tag: 'InvalidRefreshToken' }));
  });

  it('offers one operation that ends a session, for callers such as a session list', async () => {
    const s = await signIn('end@x.io');
    expect(await auth.bearer(s.accessToken)).to.not.equal(null);
    expect(await c.get(LiveSessions).revoke(sessionIdOf(s.accessToken))).to.equal(1);
    expect(await auth.bearer(s.accessToken)).to.equal(null);
    expect(E.isLeft(await c.get(RefreshSession).execute(s.refreshToken))).to.equal(true);
  });
});

const sessionIdOf = (accessToken: string): string => (JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;
