import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import type { ServiceIdentifier } from 'inversify';
import { OutboxMailer } from '../../../../src/adapters/memory/outbox-mailer';
import { OffPathWork } from '../../../../src/application/account/off-path-work';
import { RequestPasswordReset } from '../../../../src/application/account/request-password-reset';
import { ResetPassword } from '../../../../src/application/account/reset-password';
import { VerifyEmail } from '../../../../src/application/account/verify-email';
import { Login } from '../../../../src/application/auth/login';
import type { RegisterUser } from '../../../../src/application/auth/register-user';
import type { AuditLog } from '../../../../src/application/ports/audit-log.port';
import type { AccountTokenStore } from '../../../../src/application/ports/account-token-store.port';
import type { RateDecision, RateLimiter } from '../../../../src/application/ports/rate-limiter.port';
import type { SecretTokens } from '../../../../src/application/ports/secret-tokens.port';
import { TYPES } from '../../../../src/application/symbols';
import type { Email } from '../../../../src/domain/users/email';
import type { User } from '../../../../src/domain/users/user';
import { loadConfig } from '../../../../src/infrastructure/config/load-config';
import { createNexus, type Nexus } from '../../../../src/infrastructure/nexus';
import { STRONG_PASSWORD, OTHER_STRONG_PASSWORD } from '../../../support/embedded';
import { FastPasswordHasher } from '../../../support/fast-hasher';
import { capturingLogger } from '../../../support/logger';

/** A limiter that lets everything through: the one-a-minute rule is the e2e tests' subject. */
class NoLimit implements RateLimiter {
  readonly limit = 1_000_000;
  private readonly open: RateDecision = { allowed: true, limit: this.limit, remaining: this.limit, resetMs: 0 };
  consume = async () => this.open;
  peek = async () => this.open;
  refund = async () => undefined;
}

const tokenIn = (text: string, page: string): string => new RegExp(`/${page}\\?token=([A-Za-z0-9_-]+)`).exec(text)?.[1] ?? '';

describe('Account use cases (embedded, unit)', () => {
  let nexus: Nexus;
  let mailer: OutboxMailer;
  let log: ReturnType<typeof capturingLogger>;

  const start = async (env: Record<string, string> = {}, limiter: RateLimiter = new NoLimit()) => {
    mailer = new OutboxMailer(capturingLogger().logger);
    log = capturingLogger();
    const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'unit-test-secret-unit-test-secret-0123', RATE_LIMIT_API_MAX: '1000000', RATE_LIMIT_AUTH_MAX: '1000000', ...env });
    nexus = await createNexus(config, { logger: log.logger, role: 'all', adapters: { passwordHasher: new FastPasswordHasher(), mailer, accountMailLimiter: limiter } });
  };
  afterEach(async () => nexus?.close());

  const get = <T>(id: ServiceIdentifier<T>): T => nexus.container.get<T>(id);
  const register = async (email: string): Promise<User> => {
    const made = await get<RegisterUser>(TYPES.RegisterUser).execute({ name: 'Ada Lovelace', email, password: STRONG_PASSWORD });
    if (E.isLeft(made)) throw new Error(JSON.stringify(made.left));
    return made.right;
  };
  const mailsTo = (email: string, page: string) => mailer.sent.filter((m) => m.to === email && tokenIn(m.text, page) !== '');
  const settle = async (count: number, email: string, page: string) => {
    await get<OffPathWork>(OffPathWork).idle();
    for (let i = 0; i < 200 && mailsTo(email, page).length < count; i++) await new Promise((r) => setTimeout(r, 10));
    return mailsTo(email, page).map((m) => tokenIn(m.text, page));
  };

  it('withdraws the older unused reset link when it mails a newer one: only the latest e-mail works', async () => {
    await start();
    await register('ada@example.com');
    const request = get<RequestPasswordReset>(RequestPasswordReset);
    await request.execute('ada@example.com' as Email);
    const [first] = await settle(1, 'ada@example.com', 'reset-password');
    await request.execute('ada@example.com' as Email);
    const [, second] = await settle(2, 'ada@example.com', 'reset-password');
    const reset = get<ResetPassword>(ResetPassword);
    const old = await reset.execute(first!, OTHER_STRONG_PASSWORD);
    expect(E.isLeft(old) && old.left).to.deep.include({ _tag: 'AccountTokenRefused', reason: 'revoked' });
    expect(E.isRight(await reset.execute(second!, OTHER_STRONG_PASSWORD))).to.equal(true);
  });

  it('mails nothing while the account limiter refuses, and says so in the log without the address', async () => {
    const closed: RateLimiter = { limit: 1, consume: async () => ({ allowed: false, limit: 1, remaining: 0, resetMs: 30_000 }), peek: async () => ({ allowed: false, limit: 1, remaining: 0, resetMs: 30_000 }), refund: async () => undefined };
    await start({}, closed);
    const user = await register('bob@example.com');
    await get<RequestPasswordReset>(RequestPasswordReset).execute('bob@example.com' as Email);
    await get<OffPathWork>(OffPathWork).idle();
    expect(mailsTo('bob@example.com', 'reset-password')).to.deep.equal([]);
    const line = log.lines().find((l) => String(l['message']).startsWith('password-reset e-mail not sent'));
    expect(line).to.deep.include({ userId: user.id });
    expect(JSON.stringify(line)).to.not.include('bob@example.com');
  });

  it('keeps tokens out of the token store, the audit log and the log: only their SHA-256 is stored', async () => {
    await start();
    await register('cy@example.com');
    await get<RequestPasswordReset>(RequestPasswordReset).execute('cy@example.com' as Email);
    const [reset] = await settle(1, 'cy@example.com', 'reset-password');
    const [verify] = await settle(1, 'cy@example.com', 'verify-email');
    const store = get<AccountTokenStore>(TYPES.AccountTokenStore);
    const secrets = get<SecretTokens>(TYPES.SecretTokens);
    const stored = JSON.stringify([...(store as unknown as { rows: Map<string, unknown> }).rows]);
    const audit = JSON.stringify(await get<AuditLog>(TYPES.AuditLog).list({ page: 1, limit: 100 }));
    for (const token of [reset!, verify!]) {
      expect(token).to.match(/^[A-Za-z0-9_-]{43}$/);
      expect(stored).to.include(secrets.digest(token));
      for (const [where, text] of [['token store', stored], ['audit log', audit], ['log', log.raw()]] as const) expect(text, where).to.not.include(token);
    }
    expect((await store.check('password-reset', secrets.digest(reset!), new Date())).status).to.equal('valid');
  });

  it('refuses a new password the policy refuses, and leaves the link as it was', async () => {
    await start();
    await register('dee@example.com');
    await get<RequestPasswordReset>(RequestPasswordReset).execute('dee@example.com' as Email);
    const [token] = await settle(1, 'dee@example.com', 'reset-password');
    const refused = await get<ResetPassword>(ResetPassword).execute(token!, 'short');
    expect(E.isLeft(refused) && refused.left._tag).to.equal('ValidationFailed');
    const digest = get<SecretTokens>(TYPES.SecretTokens).digest(token!);
    expect((await get<AccountTokenStore>(TYPES.AccountTokenStore).check('password-reset', digest, new Date())).status).to.equal('valid');
  });

  it('never answers a verification link with a reset, nor a reset link with a verification', async () => {
    await start();
    await register('eve@example.com');
    await get<RequestPasswordReset>(RequestPasswordReset).execute('eve@example.com' as Email);
    const [reset] = await settle(1, 'eve@example.com', 'reset-password');
    const [verify] = await settle(1, 'eve@example.com', 'verify-email');
    const asVerify = await get<VerifyEmail>(VerifyEmail).execute(reset!);
    expect(E.isLeft(asVerify) && asVerify.left).to.deep.include({ reason: 'unknown' });
    const asReset = await get<ResetPassword>(ResetPassword).execute(verify!, OTHER_STRONG_PASSWORD);
    expect(E.isLeft(asReset) && asReset.left).to.deep.include({ reason: 'unknown' });
  });

  context('with REQUIRE_VERIFIED_EMAIL=true', () => {
    it('refuses the right password of an unverified account as EmailNotVerified, a wrong one as InvalidCredentials, and lets it in once verified', async () => {
      await start({ REQUIRE_VERIFIED_EMAIL: 'true' });
      await register('fay@example.com');
      const login = get<Login>(Login);
      const right = await login.execute('fay@example.com', STRONG_PASSWORD);
      expect(E.isLeft(right) && right.left._tag).to.equal('EmailNotVerified');
      const wrong = await login.execute('fay@example.com', OTHER_STRONG_PASSWORD);
      expect(E.isLeft(wrong) && wrong.left._tag).to.equal('InvalidCredentials');
      const [token] = await settle(1, 'fay@example.com', 'verify-email');
      expect(E.isRight(await get<VerifyEmail>(VerifyEmail).execute(token!))).to.equal(true);
      expect(E.isRight(await login.execute('fay@example.com', STRONG_PASSWORD))).to.equal(true);
    });
  });
});
