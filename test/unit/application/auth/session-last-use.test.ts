import { isMfaChallenge } from '../../../../src/application/auth/mfa/mfa-login-gate';
import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { InMemoryCache } from '../../../../src/adapters/memory/in-memory-cache';
import { InMemoryRefreshTokenStore } from '../../../../src/adapters/memory/in-memory-refresh-token-store';
import { InMemoryUserRepository } from '../../../../src/adapters/memory/in-memory-user-repository';
import { Authenticate } from '../../../../src/application/auth/authenticate';
import { LiveSessions } from '../../../../src/application/auth/live-sessions';
import { Login } from '../../../../src/application/auth/login';
import { RefreshSession } from '../../../../src/application/auth/refresh-session';
import type { RegisterUser } from '../../../../src/application/auth/register-user';
import { AccessCache } from '../../../../src/application/cache/access-cache';
import type { AccessTokens } from '../../../../src/application/ports/access-tokens.port';
import type { Clock } from '../../../../src/application/ports/clock.port';
import { TYPES } from '../../../../src/application/symbols';
import { CachedUserLookup } from '../../../../src/application/users/cached-user-lookup';
import { aUser } from '../../../support/builders/user.builder';
import { embeddedContainer, STRONG_PASSWORD } from '../../../support/embedded';
import { silentLogger } from '../../../support/logger';

/** A clock tests move by hand (the Clock port: every instance below reads the same one). */
class ManualClock implements Clock {
  constructor(private t = new Date('2026-06-01T12:00:00Z').getTime()) {}
  now() {
    return new Date(this.t);
  }
  advance(ms: number) {
    this.t += ms;
  }
}

/** The memory store, counting the `lastUsedAt` writes it was asked for and the ones it made. */
class CountingStore extends InMemoryRefreshTokenStore {
  touchCalls = 0;
  touchWrites = 0;
  sessionReads = 0;
  hang = false;
  override async touch(familyId: string, at: Date, ifUsedBefore: Date): Promise<boolean> {
    this.touchCalls += 1;
    if (this.hang) return new Promise<boolean>(() => undefined);
    const wrote = await super.touch(familyId, at, ifUsedBefore);
    if (wrote) this.touchWrites += 1;
    return wrote;
  }
  override async findSession(familyId: string) {
    this.sessionReads += 1;
    return super.findSession(familyId);
  }
  async lastUsedAt(userId: string, sessionId: string, now: Date): Promise<number | undefined> {
    return (await this.listLive(userId, now)).find((s) => s.id === sessionId)?.lastUsedAt.getTime();
  }
}

const settle = () => new Promise<void>((r) => setImmediate(r));

describe("Sessions :: lastUsedAt is written at most once a minute, never on a warm request's path", () => {
  it('records login, then the first use after a minute, and not the requests in between', async () => {
    const clock = new ManualClock();
    const store = new CountingStore();
    const c = await embeddedContainer({ clock, refreshTokens: store });
    const registered = await c.get<RegisterUser>(TYPES.RegisterUser).execute({ name: 'Tess Touch', email: 'touch@x.io', password: STRONG_PASSWORD });
    if (E.isLeft(registered)) throw new Error('fixture');
    const login = await c.get(Login).execute('touch@x.io', STRONG_PASSWORD, { userAgent: 'unit', ip: '192.0.2.1' });
    if (E.isLeft(login) || isMfaChallenge(login.right)) throw new Error('fixture');
    const { accessToken } = login.right;
    const userId = registered.right.id;
    const sid = sessionIdOf(accessToken);
    const loggedInAt = clock.now().getTime();
    const auth = c.get(Authenticate);
    expect(await store.lastUsedAt(userId, sid, clock.now())).to.equal(loggedInAt);

    // Within the minute: no write, and no store read either (the shared cache answers).
    [store.touchCalls, store.sessionReads] = [0, 0];
    for (let i = 0; i < 11; i++) {
      clock.advance(5_000);
      expect(await auth.bearer(accessToken)).to.not.equal(null);
    }
    await settle();
    expect(clock.now().getTime() - loggedInAt).to.be.below(60_000);
    expect(store.touchCalls).to.equal(0);
    expect(store.sessionReads).to.equal(0);

    // The first request after the minute records the use; the next ones do not.
    clock.advance(5_000);
    const usedAt = clock.now().getTime();
    for (let i = 0; i < 5; i++) expect(await auth.bearer(accessToken)).to.not.equal(null);
    await settle();
    expect(store.touchCalls).to.equal(1);
    expect(store.touchWrites).to.equal(1);
    expect(await store.lastUsedAt(userId, sid, clock.now())).to.equal(usedAt);

    clock.advance(59_999);
    expect(await auth.bearer(accessToken)).to.not.equal(null);
    await settle();
    expect(store.touchWrites).to.equal(1);
    clock.advance(1);
    expect(await auth.bearer(accessToken)).to.not.equal(null);
    await settle();
    expect(store.touchWrites).to.equal(2);
    expect(await store.lastUsedAt(userId, sid, clock.now())).to.equal(clock.now().getTime());
  });

  it('counts a refresh as a use, within the same bound, and keeps the client the login recorded', async () => {
    const clock = new ManualClock();
    const store = new CountingStore();
    const c = await embeddedContainer({ clock, refreshTokens: store });
    const registered = await c.get<RegisterUser>(TYPES.RegisterUser).execute({ name: 'Rae Refresh', email: 'refresh@x.io', password: STRONG_PASSWORD });
    if (E.isLeft(registered)) throw new Error('fixture');
    const login = await c.get(Login).execute('refresh@x.io', STRONG_PASSWORD, { userAgent: 'Mozilla/5.0 unit', ip: '198.51.100.9' });
    if (E.isLeft(login) || isMfaChallenge(login.right)) throw new Error('fixture');
    const loggedInAt = clock.now();
    clock.advance(30_000);
    const once = await c.get(RefreshSession).execute(login.right.refreshToken);
    if (E.isLeft(once)) throw new Error('fixture');
    expect(store.touchWrites).to.equal(0);
    clock.advance(45_000);
    const twice = await c.get(RefreshSession).execute(once.right.refreshToken);
    if (E.isLeft(twice)) throw new Error('fixture');
    expect(store.touchWrites).to.equal(1);
    expect(await store.listLive(registered.right.id, clock.now())).to.deep.equal([
      { id: sessionIdOf(login.right.accessToken), userId: registered.right.id, createdAt: loggedInAt, lastUsedAt: clock.now(), userAgent: 'Mozilla/5.0 unit', ip: '198.51.100.9' },
    ]);
  });

  it('writes once a minute between two instances sharing the cache and the store', async () => {
    const clock = new ManualClock();
    const store = new CountingStore();
    const cache = new InMemoryCache();
    const users = new InMemoryUserRepository();
    const user = aUser();
    await users.insert(user, 'irrelevant-hash');
    const tokens: AccessTokens = { ttlSeconds: 900, maxAgeSeconds: 960, issue: () => Promise.reject(new Error('unused')), verify: async () => null };
    /** One API process: its own LiveSessions (and in-process state) on the shared adapters. */
    const instance = () => {
      const logger = silentLogger();
      return new LiveSessions(store, new CachedUserLookup(users, cache, logger), new AccessCache(cache, tokens, logger), cache, clock, logger);
    };
    const [a, b] = [instance(), instance()];
    const sid = '0123456789abcdef01234567';
    const now = clock.now();
    await store.open({ id: sid, userId: user.id, createdAt: now, lastUsedAt: now, userAgent: '', ip: '' });
    await store.insert({ id: 'fedcba9876543210fedcba98', userId: user.id, familyId: sid, tokenHash: 'h', createdAt: now, expiresAt: new Date(now.getTime() + 86_400_000), spentAt: null, revokedAt: null });
    await a.opened(sid, user);

    for (let minute = 1; minute <= 3; minute++) {
      clock.advance(61_000);
      // Both instances serve requests of the session at once, then keep serving it.
      const served = await Promise.all([a.activeUser(user.id, sid), b.activeUser(user.id, sid), a.activeUser(user.id, sid), b.activeUser(user.id, sid)]);
      expect(served.every((u) => u?.id === user.id)).to.equal(true);
      for (let i = 0; i < 10; i++) {
        clock.advance(1_000);
        expect(await (i % 2 ? a : b).activeUser(user.id, sid)).to.not.equal(null);
      }
      await settle();
      expect(store.touchWrites, `minute ${minute}`).to.equal(minute);
    }
    expect(await store.lastUsedAt(user.id, sid, clock.now())).to.equal(clock.now().getTime() - 10_000);
  });

  it('never makes a request wait for the write', async () => {
    const clock = new ManualClock();
    const store = new CountingStore();
    const c = await embeddedContainer({ clock, refreshTokens: store });
    const registered = await c.get<RegisterUser>(TYPES.RegisterUser).execute({ name: 'Will Wait', email: 'wait@x.io', password: STRONG_PASSWORD });
    if (E.isLeft(registered)) throw new Error('fixture');
    const login = await c.get(Login).execute('wait@x.io', STRONG_PASSWORD);
    if (E.isLeft(login) || isMfaChallenge(login.right)) throw new Error('fixture');
    store.hang = true;
    clock.advance(61_000);
    expect(await c.get(Authenticate).bearer(login.right.accessToken)).to.not.equal(null);
    expect(store.touchCalls).to.equal(1);
  });
});

const sessionIdOf = (accessToken: string): string => (JSON.parse(Buffer.from(accessToken.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;
