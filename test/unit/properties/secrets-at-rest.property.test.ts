import { expect } from 'chai';
import fc from 'fast-check';
import { inspect } from 'node:util';
import { Secret, TOTP } from 'otpauth';
import supertest from 'supertest';
import { OffPathWork } from '../../../src/application/account/off-path-work';
import type { Mailer, OutgoingMail } from '../../../src/application/ports/mailer.port';
import { loadConfig } from '../../../src/infrastructure/config/load-config';
import { createNexus } from '../../../src/infrastructure/nexus';
import { eventually } from '../../support/eventually';
import { FastPasswordHasher } from '../../support/fast-hasher';
import { capturingLogger } from '../../support/logger';

/** Keeps every mail it is handed: the one place a link's token may be read in the clear. */
class KeepingMailer implements Mailer {
  readonly sent: OutgoingMail[] = [];
  send(mail: OutgoingMail): Promise<{ messageId: string }> {
    this.sent.push(mail);
    return Promise.resolve({ messageId: `<kept-${this.sent.length}@test>` });
  }
  ping(): Promise<void> {
    return Promise.resolve();
  }
}

const ENV = { NODE_ENV: 'test', JWT_SECRET: 'secrets-at-rest-secret-secrets-at-rest-0123', RATE_LIMIT_API_MAX: '1000000', RATE_LIMIT_AUTH_MAX: '1000000' };

let accounts = 0;

/**
 * Every secret the account lifecycle hands out -- passwords, link tokens (verification and reset),
 * access and refresh tokens, the TOTP secret, recovery codes, the mfaToken -- taken from the
 * answers and mails of a whole lifecycle with generated names and passwords, then looked for in
 * everything the process keeps: every adapter's memory (stores, outbox, queue, cache, limiters)
 * and every log line. None may appear in the clear. (zxcvbn kept the last scored password on its
 * instance until this test found it.)
 */
describe('Property :: no token, code or password of the account lifecycle is kept or logged in the clear', function () {
  this.timeout(120_000);

  it('holds for generated accounts going through verification, reset, TOTP enrolment and an MFA login', async () => {
    const words = fc.stringMatching(/^[A-Za-z]{4,10}$/);
    await fc.assert(
      fc.asyncProperty(words, words, fc.integer({ min: 10, max: 99 }), fc.boolean(), async (first, last, digits, useRecoveryCode) => {
        const mailer = new KeepingMailer();
        const { logger, raw } = capturingLogger();
        const nexus = await createNexus(loadConfig(ENV), { logger, role: 'all', adapters: { passwordHasher: new FastPasswordHasher(), mailer } });
        try {
          const http = supertest(nexus.http!.callback());
          const secrets = new Map<string, string>();
          const keep = (what: string, value: unknown) => {
            expect(value, what).to.be.a('string').with.length.greaterThan(7);
            secrets.set(what, value as string);
            return value as string;
          };
          const email = `acct${++accounts}.${first.toLowerCase()}@example.com`;
          const password = keep('password', `${first}-${last}-Lantern-${digits}!`);
          const mailFor = async (page: string, count: number) =>
            eventually(() => {
              const links = mailer.sent.filter((m) => m.to === email).flatMap((m) => [...(m.text + (m.html ?? '')).matchAll(new RegExp(`/${page}\\?token=([\\w-]+)`, 'g'))].map((x) => x[1]!));
              return links.length >= count ? links[count - 1] : undefined;
            }, 10_000, `mail with a ${page} link`);

          await http.post('/api/auth/register').send({ name: `${first} ${last}`, email, password }).expect(201);
          await http.post('/api/auth/email/verify').send({ token: keep('verification token', await mailFor('verify-email', 1)) }).expect(200);

          await http.post('/api/auth/password/forgot').send({ email }).expect(202);
          await nexus.container.get(OffPathWork).idle();
          const newPassword = keep('new password', `${last}-${first}-Harbour-${digits + 1}?`);
          await http.post('/api/auth/password/reset').send({ token: keep('reset token', await mailFor('reset-password', 1)), newPassword }).expect(200);

          const login = await http.post('/api/auth/login').send({ email, password: newPassword }).expect(200);
          keep('refresh token', login.body.data.refreshToken);
          const auth = `Bearer ${keep('access token', login.body.data.accessToken)}`;
          const enrol = await http.post('/api/auth/mfa/totp').set('Authorization', auth).expect(200);
          const totp = new TOTP({ secret: Secret.fromBase32(keep('TOTP secret', enrol.body.data.secret)), digits: 6, period: 30, algorithm: 'SHA1' });
          const confirmed = await http.post('/api/auth/mfa/totp/confirm').set('Authorization', auth).send({ code: totp.generate() }).expect(200);
          const recoveryCodes = confirmed.body.data.recoveryCodes as string[];
          recoveryCodes.forEach((code, i) => keep(`recovery code ${i}`, code));

          const challenged = await http.post('/api/auth/login').send({ email, password: newPassword }).expect(200);
          const mfaToken = keep('mfaToken', challenged.body.data.mfaToken);
          // The confirming code's step is spent: a recovery code, or the next step's code.
          const factor = useRecoveryCode ? { recoveryCode: recoveryCodes[0] } : { code: totp.generate({ timestamp: Date.now() + 30_000 }) };
          const second = await http.post('/api/auth/login/mfa').send({ mfaToken, ...factor }).expect(200);
          keep('refresh token after MFA', second.body.data.refreshToken);
          await nexus.container.get(OffPathWork).idle();

          const kept = Object.entries(nexus.adapters)
            // The mailer is where mails leave (it must hold the links); the access-token adapter
            // keeps the tokens it verified, in this process only, to skip re-verifying them.
            .filter(([name]) => name !== 'mailer' && name !== 'accessTokens')
            .map(([name, adapter]) => [name, inspect(adapter, { depth: null, maxArrayLength: null, maxStringLength: null, breakLength: Infinity })] as const);
          const logged = raw();
          expect(logged.length, 'the lifecycle wrote log lines').to.be.greaterThan(0);
          for (const [what, secret] of secrets) {
            for (const [name, text] of kept) expect(text.includes(secret), `${what} kept in the clear by ${name}`).to.equal(false);
            expect(logged.includes(secret), `${what} in the log`).to.equal(false);
          }
        } finally {
          await nexus.close();
        }
      }),
      { numRuns: 3, seed: 20261201 },
    );
  });
});
