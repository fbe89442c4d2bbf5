import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import type { Container } from 'inversify';
import { MemoryLoginLocks } from '../../../../src/adapters/lockout/memory-login-locks';
import { InMemoryAuditLog } from '../../../../src/adapters/memory/in-memory-audit-log';
import { InMemoryOutboxStore } from '../../../../src/adapters/memory/in-memory-outbox';
import { InMemoryUserRepository } from '../../../../src/adapters/memory/in-memory-user-repository';
import { ChangePassword } from '../../../../src/application/auth/change-password';
import { Login } from '../../../../src/application/auth/login';
import type { RegisterUser } from '../../../../src/application/auth/register-user';
import { UnlockAccount } from '../../../../src/application/auth/unlock-account';
import { openAccountMail, type SealedAccountMail } from '../../../../src/application/jobs/email.job';
import type { OutboxMessage } from '../../../../src/application/ports/outbox.port';
import type { Clock } from '../../../../src/application/ports/clock.port';
import type { PasswordHasher } from '../../../../src/application/ports/password-hasher.port';
import type { SecretBox } from '../../../../src/application/ports/secret-box.port';
import { TYPES } from '../../../../src/application/symbols';
import type { AuditAction, AuditEntry } from '../../../../src/domain/audit/audit-entry';
import type { Actor } from '../../../../src/domain/auth/actor';
import { lockLengths } from '../../../../src/domain/auth/lockout';
import type { Permission } from '../../../../src/domain/roles/permission';
import type { User, UserId } from '../../../../src/domain/users/user';
import { embeddedContainer, OTHER_STRONG_PASSWORD, STRONG_PASSWORD } from '../../../support/embedded';
import { FastPasswordHasher } from '../../../support/fast-hasher';

const MIN = 60_000;
const WRONG = 'Wrong-Password-1!';

/** A clock tests move by hand. */
class ManualClock implements Clock {
  t = Date.parse('2026-06-01T12:00:00Z');
  now() {
    return new Date(this.t);
  }
  advance(ms: number) {
    this.t += ms;
  }
}

/** The fast test hasher, counting verifies (a locked account's password must still be checked). */
class CountingHasher extends FastPasswordHasher implements PasswordHasher {
  verifies = 0;
  override verify(hash: string, password: string) {
    this.verifies += 1;
    return super.verify(hash, password);
  }
}

/** The memory outbox, keeping every message recorded (account mails are recorded here first). */
class RecordingOutbox extends InMemoryOutboxStore {
  readonly recorded: OutboxMessage[] = [];
  override add(message: OutboxMessage) {
    this.recorded.push(message);
    return super.add(message);
  }
}

const may = (...names: string[]): Permission[] => names.map((n) => ({ resource: n.split(':')[0]!, action: n.split(':')[1]! }));
const token = (userId: string, permissions: Permission[] = []): Actor => ({ userId, permissions, via: 'token', sessionId: 'session' });

describe('Account lockout :: use cases on the embedded profile, with a clock moved by hand', () => {
  let c: Container;
  let clock: ManualClock;
  let hasher: CountingHasher;
  let outbox: RecordingOutbox;
  let audit: InMemoryAuditLog;
  let locks: MemoryLoginLocks;
  let users: InMemoryUserRepository;
  let login: Login;
  let n = 0;

  beforeEach(async () => {
    clock = new ManualClock();
    hasher = new CountingHasher();
    outbox = new RecordingOutbox();
    audit = new InMemoryAuditLog();
    locks = new MemoryLoginLocks();
    users = new InMemoryUserRepository();
    c = await embeddedContainer({ clock, passwordHasher: hasher, outbox, auditLog: audit, loginLocks: locks, users });
    login = c.get(Login);
  });

  const register = async (roles?: string[]): Promise<User> => {
    const made = await c.get<RegisterUser>(TYPES.RegisterUser).execute({ name: `Person ${++n}`, email: `person${n}@example.com`, password: STRONG_PASSWORD }, roles);
    if (E.isLeft(made)) throw new Error(JSON.stringify(made.left));
    return made.right;
  };
  const attempt = async (user: Pick<User, 'email'>, password: string) => E.isRight(await login.execute(user.email, password));
  const failTimes = async (user: Pick<User, 'email'>, times: number) => {
    for (let i = 0; i < times; i++) expect(await attempt(user, WRONG)).to.equal(false);
  };
  const entries = async (action: string): Promise<AuditEntry[]> => (await audit.list({ action: action as AuditAction, page: 1, limit: 100 })).items.slice().reverse();
  const lockMails = (user: User) => outbox.recorded.filter((m) => m.name === 'account-locked' && (m.data as { to: string }).to === user.email);

  it('locks after 10 failures: the right password is then refused like a wrong one, after the same argon2 verify', async () => {
    const user = await register();
    await failTimes(user, 9);
    expect(await attempt(user, STRONG_PASSWORD)).to.equal(true);
    // The success started the count again: 9 more do not lock, the 10th does.
    await failTimes(user, 10);

    hasher.verifies = 0;
    const refused = await login.execute(user.email, STRONG_PASSWORD);
    expect(refused).to.deep.equal(E.left({ _tag: 'InvalidCredentials' }));
    expect(hasher.verifies).to.equal(1);
    const failed = await entries('auth.login.failed');
    expect(failed.at(-1)).to.deep.include({ target: { type: 'user', id: user.id }, after: { reason: 'locked' } });
  });

  it('audits the lock with its end and repeat count, and mails the owner once per lock', async () => {
    const user = await register();
    await failTimes(user, 10);
    await failTimes(user, 5);
    await attempt(user, STRONG_PASSWORD);

    const until = new Date(clock.t + 15 * MIN).toISOString();
    const locked = await entries('auth.lockout');
    expect(locked).to.have.length(1);
    expect(locked[0]).to.deep.include({ actorId: null, target: { type: 'user', id: user.id }, after: { until, repeat: 1, minutes: 15 } });
    const mails = lockMails(user);
    expect(mails).to.have.length(1);
    // Queued sealed: opened as the worker opens it, it says when the lock ends.
    const opened = openAccountMail(c.get<SecretBox>(TYPES.SecretBox), mails[0]!.data as SealedAccountMail);
    expect(E.isRight(opened) && opened.right.vars).to.deep.equal({ lockedUntil: until });
  });

  it('ends a lock after 15 minutes, doubles each repeat up to 24 hours, and starts again after a day without a lock', async () => {
    const user = await register();
    const expected = lockLengths(15 * MIN).map((ms) => ms / MIN);
    expect(expected).to.deep.equal([15, 30, 60, 120, 240, 480, 960, 1440]);

    for (const [i, minutes] of [...expected, 1440, 1440].entries()) {
      await failTimes(user, 10);
      clock.advance(minutes * MIN - 1);
      expect(await attempt(user, STRONG_PASSWORD), `lock ${i + 1} still on`).to.equal(false);
      clock.advance(1);
      expect(await attempt(user, STRONG_PASSWORD), `lock ${i + 1} over after ${minutes} min`).to.equal(true);
    }
    const repeats = (await entries('auth.lockout')).map((e) => e.after as { repeat: number; minutes: number });
    expect(repeats.map((r) => r.minutes)).to.deep.equal([...expected, 1440, 1440]);
    expect(repeats.map((r) => r.repeat)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(lockMails(user)).to.have.length(10);

    clock.advance(24 * 60 * MIN);
    await failTimes(user, 10);
    expect((await entries('auth.lockout')).at(-1)?.after).to.deep.include({ repeat: 1, minutes: 15 });
  });

  it('forgets failures older than the window (RATE_LIMIT_WINDOW_SECONDS, 900 s by default)', async () => {
    const user = await register();
    await failTimes(user, 9);
    clock.advance(15 * MIN);
    await failTimes(user, 9);
    expect(await attempt(user, STRONG_PASSWORD)).to.equal(true);
    expect(await entries('auth.lockout')).to.have.length(0);
  });

  it('keeps no state and sends nothing for unknown e-mails, malformed ones, or accounts that cannot log in', async () => {
    const suspended = await register();
    await users.update({ ...suspended, status: 'suspended', version: suspended.version + 1 });
    for (const email of ['nobody@example.com', 'not an e-mail', suspended.email]) {
      for (let i = 0; i < 12; i++) expect(E.isLeft(await login.execute(email, WRONG))).to.equal(true);
    }
    expect(locks.size).to.equal(0);
    expect(await entries('auth.lockout')).to.have.length(0);
    expect(outbox.recorded.filter((m) => m.name === 'account-locked')).to.have.length(0);
  });

  it('of 30 wrong logins at once, checks at most 10 and locks once, with one mail', async () => {
    const user = await register();
    hasher.verifies = 0;
    const results = await Promise.all(Array.from({ length: 30 }, () => login.execute(user.email, WRONG)));
    expect(results.every(E.isLeft)).to.equal(true);
    expect(hasher.verifies).to.equal(30);
    const reasons = (await entries('auth.login.failed')).map((e) => (e.after as { reason: string }).reason);
    expect(reasons.filter((r) => r === 'wrong-password')).to.have.length(10);
    expect(await entries('auth.lockout')).to.have.length(1);
    expect(lockMails(user)).to.have.length(1);
  });

  it("lets an owner's 25 right logins sent at once all in: a place held by a right password is freed at once", async () => {
    const user = await register();
    const results = await Promise.all(Array.from({ length: 25 }, () => login.execute(user.email, STRONG_PASSWORD)));
    expect(results.filter(E.isRight)).to.have.length(25);
    expect(await entries('auth.login.failed')).to.have.length(0);
  });

  it('refuses a password change while locked (even with the right password), and forgets the run when the owner changes it after the lock', async () => {
    const user = await register();
    await failTimes(user, 10);
    clock.advance(15 * MIN);
    await failTimes(user, 10);

    // A session is no way around the lock: the right current password is refused like a wrong one.
    const refused = await c.get(ChangePassword).execute(token(user.id), STRONG_PASSWORD, OTHER_STRONG_PASSWORD);
    expect(E.isLeft(refused)).to.equal(true);
    clock.advance(30 * MIN);
    const changed = await c.get(ChangePassword).execute(token(user.id), STRONG_PASSWORD, OTHER_STRONG_PASSWORD);
    expect(E.isRight(changed)).to.equal(true);
    expect(await attempt(user, OTHER_STRONG_PASSWORD)).to.equal(true);
    // The next lock is a first one again.
    await failTimes(user, 10);
    expect((await entries('auth.lockout')).at(-1)?.after).to.deep.include({ repeat: 1, minutes: 15 });
  });

  context('UnlockAccount', () => {
    it('lifts a lock for a holder of users:update, says whether one was on, and keeps the run (a repeat still doubles)', async () => {
      const admin = await register(['admin']);
      const user = await register();
      await failTimes(user, 10);
      const unlock = c.get(UnlockAccount);

      const first = await unlock.execute(token(admin.id, may('*:*')), user.id);
      expect(first).to.deep.equal(E.right({ userId: user.id, wasLocked: true, lockedUntil: new Date(clock.t + 15 * MIN) }));
      expect(await attempt(user, STRONG_PASSWORD)).to.equal(true);
      expect(await unlock.execute(token(admin.id, may('*:*')), user.id)).to.deep.equal(E.right({ userId: user.id, wasLocked: false, lockedUntil: null }));
      const lifted = await entries('auth.lockout.lifted');
      expect(lifted).to.have.length(1);
      expect(lifted[0]).to.deep.include({ actorId: admin.id, after: { reason: 'unlocked' } });

      await failTimes(user, 10);
      expect((await entries('auth.lockout')).at(-1)?.after).to.deep.include({ repeat: 2, minutes: 30 });
    });

    it('refuses API keys whatever their scope, callers without users:update, and managers below the user; 404 for unknown and deleted users', async () => {
      const admin = await register(['admin']);
      const user = await register();
      const gone = await register();
      await users.update({ ...gone, isDeleted: true, deletedAt: clock.now(), version: gone.version + 1 });
      await failTimes(user, 10);
      await failTimes(admin, 10);
      const unlock = c.get(UnlockAccount);
      const tag = async (actor: Actor, id: UserId) => {
        const r = await unlock.execute(actor, id);
        return E.isLeft(r) ? r.left._tag : 'Right';
      };

      expect(await tag({ userId: admin.id, permissions: may('*:*'), via: 'api-key', apiKeyId: 'k' }, user.id)).to.equal('ApiKeyCannotManageCredentials');
      expect(await tag(token(user.id), user.id)).to.equal('PermissionDenied');
      const manager = await register();
      expect(await tag(token(manager.id, may('users:update')), admin.id)).to.equal('CannotManageUser');
      expect(await tag(token(admin.id, may('*:*')), '0123456789abcdef01234567' as UserId)).to.equal('UserNotFound');
      expect(await tag(token(admin.id, may('*:*')), gone.id)).to.equal('UserNotFound');

      // Nothing was lifted by the refusals.
      expect(await attempt(user, STRONG_PASSWORD)).to.equal(false);
      expect(await attempt(admin, STRONG_PASSWORD)).to.equal(false);
      expect(await entries('auth.lockout.lifted')).to.have.length(0);
      // A manager may unlock someone within reach.
      expect(await tag(token(manager.id, may('users:update')), user.id)).to.equal('Right');
    });
  });
});
