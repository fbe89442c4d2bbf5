import { expect } from 'chai';
import { OffPathWork } from '../../src/application/account/off-path-work';
import { eventually } from '../support/eventually';
import { linkToken } from '../support/mail-links';
import { uniqueDbName } from '../support/services';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Two API instances on one MongoDB database and one Redis (the production profile scaled out):
 * the one-a-minute limit on account e-mails and the single use of a link hold across them.
 */
describe('e2e :: account e-mails across instances (production profile)', function () {
  this.timeout(120_000);
  let a: TestApp;
  let b: TestApp;

  before(async function () {
    const shared = { MONGO_DB: uniqueDbName('nexus_e2e_account'), REDIS_KEY_PREFIX: `e2e-account-${process.pid}` };
    a = await startTestApp(this, 'production', shared);
    b = await startTestApp(this, 'production', shared);
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  /** Both instances run workers, so a mail may leave through either one's SMTP capture. */
  const mailsTo = (email: string, page: 'reset-password' | 'verify-email') => [...a.smtp.to(email), ...b.smtp.to(email)].filter((m) => linkToken(m, page) !== undefined);
  const idle = () => Promise.all([a, b].map((app) => app.runtime.container.get(OffPathWork).idle()));

  it('mails one reset link a minute to an account, whichever instance is asked', async () => {
    const s = await a.newUser('x-forgot');
    for (const app of [a, b, a, b]) await app.http.post('/api/auth/password/forgot').send({ email: s.email }).expect(202);
    await idle();
    await eventually(() => mailsTo(s.email, 'reset-password')[0], 10_000, 'the reset e-mail');
    await new Promise((r) => setTimeout(r, 500));
    expect(mailsTo(s.email, 'reset-password')).to.have.length(1);
  });

  it('re-sends a verification link once a minute across instances: the second instance answers 429', async () => {
    const s = await a.newUser('x-resend');
    await a.http.post('/api/auth/email/verification').set('Authorization', s.auth).expect(202);
    const limited = await b.http.post('/api/auth/email/verification').set('Authorization', s.auth).expect(429);
    expect(Number(limited.headers['retry-after'])).to.be.within(1, 60);
  });

  it('lets a link be used once across instances, even when both are asked at the same moment', async () => {
    const s = await a.newUser('x-race');
    const welcome = await eventually(() => mailsTo(s.email, 'verify-email')[0], 10_000, 'the welcome e-mail');
    const token = linkToken(welcome, 'verify-email');
    const answers = await Promise.all([a, b, a, b].map((app) => app.http.post('/api/auth/email/verify').send({ token })));
    expect(answers.map((r) => r.status).sort()).to.deep.equal([200, 400, 400, 400]);
  });
});
