import { expect } from 'chai';
import * as E from 'fp-ts/Either';
import { InMemoryCache } from '../../../src/adapters/memory/in-memory-cache';
import { InMemoryOutboxStore } from '../../../src/adapters/memory/in-memory-outbox';
import { InMemoryUserRepository } from '../../../src/adapters/memory/in-memory-user-repository';
import { AesGcmSecretBox } from '../../../src/adapters/security/aes-gcm-secret-box';
import { ObjectIdGenerator } from '../../../src/adapters/system/object-id-generator';
import { AccountMail } from '../../../src/application/jobs/account-mail';
import { emailJob, type EmailPayload, SendEmail } from '../../../src/application/jobs/email.job';
import { RelayOutbox } from '../../../src/application/jobs/outbox-relay';
import type { Clock } from '../../../src/application/ports/clock.port';
import { PermanentJobFailure, type RunningJob } from '../../../src/application/ports/job-queue.port';
import type { Mailer, OutgoingMail } from '../../../src/application/ports/mailer.port';
import type { OutboxMessage } from '../../../src/application/ports/outbox.port';
import type { SecretBox } from '../../../src/application/ports/secret-box.port';
import { capturingLogger } from '../../support/logger';
import { testMailTemplates, testSecretBox, TEST_APP_URL } from '../../support/mail';
import { RecordingJobQueue } from '../../support/recording-job-queue';

const SECRET = 'c00ebbb3d980f984956aa84227c43c991ef6a47135b020c77a56cd881ff1258e';
const TOKEN = 'Zk9_q8X-zR3tY5uI7oP9aS1dF3gH5jK7lZ9xC1vB3nM';
const LINK = `${TEST_APP_URL}/reset-password?token=${TOKEN}`;
const ada = { email: 'ada@example.com', name: 'Ada <Lovelace>' };
const clock: Clock = { now: () => new Date('2030-01-01T00:00:00Z') };

class KeepingMailer implements Mailer {
  readonly sent: OutgoingMail[] = [];
  async send(mail: OutgoingMail) {
    this.sent.push(mail);
    return { messageId: mail.messageId ?? 'x' };
  }
  async ping() {}
}

/** The account mail's path from `send` to the mailer, every step of it on memory adapters, with what each step stored kept. */
const world = (box: SecretBox = new AesGcmSecretBox(SECRET), workerBox: SecretBox = box) => {
  const stored: OutboxMessage[] = [];
  const outbox = new InMemoryOutboxStore();
  const add = outbox.add.bind(outbox);
  outbox.add = async (message: OutboxMessage) => {
    stored.push(structuredClone(message));
    return add(message);
  };
  const queue = new RecordingJobQueue();
  const mail = new AccountMail(outbox, new RelayOutbox(outbox, queue, new InMemoryUserRepository(), clock, capturingLogger().logger), new ObjectIdGenerator(), clock, box);
  const mailer = new KeepingMailer();
  const logs = capturingLogger();
  const sendEmail = new SendEmail(mailer, new InMemoryCache(), logs.logger, testMailTemplates(), workerBox);
  let jobs = 0;
  /** Runs the queued job the way the worker does: payload decoded with the job type's codec, then the use case. */
  const work = async (index = 0, attemptsMade = 0) => {
    const queued = queue.enqueued[index]!;
    const decoded = emailJob.payload.decode(JSON.parse(JSON.stringify(queued.data)));
    if (E.isLeft(decoded)) throw new Error('the queued payload does not decode');
    const job: RunningJob = { id: queued.options.jobId ?? String(++jobs), queue: 'email', name: queued.name, data: queued.data, attemptsMade, reportProgress: async () => undefined };
    return sendEmail.execute(job, decoded.right);
  };
  return { stored, queue, mail, mailer, logs, work, sendEmail };
};

describe('Jobs :: account e-mails, sealed from the outbox to the worker', () => {
  it('stores and queues the mail with its token, link and name sealed, and sends it worded from the templates', async () => {
    const { stored, queue, mail, mailer, work } = world();

    await mail.dispatch(await mail.send('password-reset', ada, { link: LINK, expiresInMinutes: 60 }));

    expect(stored).to.have.length(1);
    expect(queue.enqueued).to.have.length(1);
    for (const [where, data] of [
      ['the outbox', stored[0]],
      ['the queue', queue.enqueued[0]],
    ] as const) {
      const seen = JSON.stringify(data);
      expect(seen, where).to.not.include(TOKEN);
      expect(seen, where).to.not.include('reset-password');
      expect(seen, where).to.not.include('Lovelace');
    }
    expect(queue.enqueued[0]!.data).to.have.keys('kind', 'to', 'sealed').and.include({ kind: 'password-reset', to: 'ada@example.com' });

    await work();

    expect(mailer.sent).to.have.length(1);
    const sent = mailer.sent[0]!;
    expect(sent).to.include({ to: 'ada@example.com', subject: 'Reset your password' });
    expect(sent.text).to.include(LINK).and.include('Hello Ada <Lovelace>,');
    expect(sent.html).to.include(`href="${LINK}"`).and.include('Hello Ada &lt;Lovelace&gt;,');
  });

  it('never writes the token to the log on the way', async () => {
    const { mail, work, logs } = world();
    await mail.dispatch(await mail.send('email-verification', ada, { link: `${TEST_APP_URL}/verify-email?token=${TOKEN}` }));
    await work();
    expect(logs.raw()).to.include('email sent');
    expect(logs.raw()).to.not.include(TOKEN);
  });

  it('sends an account mail once per job: a retry after a success does not send again', async () => {
    const { mail, mailer, work } = world();
    await mail.dispatch(await mail.send('password-changed', ada, {}));
    const first = await work(0, 0);
    const retry = await work(0, 1);
    expect(mailer.sent).to.have.length(1);
    expect(retry.messageId).to.equal(first.messageId);
  });

  it('opens in another process of the same deployment (a box with the same secret)', async () => {
    const { mail, mailer, work } = world(new AesGcmSecretBox(SECRET), new AesGcmSecretBox(SECRET));
    await mail.dispatch(await mail.send('account-locked', ada, { lockedUntil: '2030-01-01T00:15:00.000Z' }));
    await work();
    expect(mailer.sent[0]?.text).to.include('2030-01-01 00:15 UTC');
  });

  it('sends a mail sealed under another key to the dead-letter queue, saying why, and sends nothing', async () => {
    const { mail, mailer, work, logs } = world(testSecretBox(), new AesGcmSecretBox(SECRET));
    await mail.dispatch(await mail.send('password-reset', ada, { link: LINK, expiresInMinutes: 60 }));

    const failure = await work().catch((e: unknown) => e);

    expect(failure).to.be.instanceOf(PermanentJobFailure);
    expect((failure as Error).message).to.include('sealed under another JWT_SECRET');
    expect((failure as Error).message).to.not.include(TOKEN);
    expect(mailer.sent).to.have.length(0);
    expect(logs.raw()).to.not.include(TOKEN);
  });

  it('does not send a sealed mail whose recipient or kind was changed in the queue', async () => {
    const { mail, queue, mailer, sendEmail } = world();
    await mail.dispatch(await mail.send('password-reset', ada, { link: LINK, expiresInMinutes: 60 }));
    const data = queue.enqueued[0]!.data as Extract<EmailPayload, { sealed: string }>;
    const job: RunningJob = { id: 'moved', queue: 'email', name: 'password-reset', data, attemptsMade: 0, reportProgress: async () => undefined };

    for (const changed of [
      { ...data, to: 'eve@example.com' },
      { ...data, kind: 'email-verification' as const },
    ]) {
      const failure = await sendEmail.execute(job, changed).catch((e: unknown) => e);
      expect(failure).to.be.instanceOf(PermanentJobFailure);
      expect((failure as Error).message).to.include('changed on the way');
    }
    expect(mailer.sent).to.have.length(0);
  });

  it('still sends a mail queued before the upgrade ({to, subject, body}): text as it was, no HTML part', async () => {
    const { mailer, sendEmail } = world();
    const old = { to: 'ada@example.com', subject: 'Reset your password', body: 'Hello Ada,\n\nlink: http://localhost:3000/reset-password?token=old\n' };
    const decoded = emailJob.payload.decode(old);
    expect(E.isRight(decoded)).to.equal(true);

    await sendEmail.execute({ id: 'old-1', queue: 'email', name: 'password-reset', data: old, attemptsMade: 0, reportProgress: async () => undefined }, (decoded as E.Right<EmailPayload>).right);

    expect(mailer.sent).to.have.length(1);
    expect(mailer.sent[0]).to.include({ to: old.to, subject: old.subject, text: old.body });
    expect(mailer.sent[0]?.html).to.equal(undefined);
  });

  it('decodes the old and the new payloads, and nothing else', () => {
    const ok = (data: unknown) => E.isRight(emailJob.payload.decode(data));
    expect(ok({ to: 'a@example.com', subject: 's', body: 'b' })).to.equal(true);
    expect(ok({ kind: 'welcome', to: 'a@example.com', sealed: 'v1.x.y' })).to.equal(true);
    expect(ok({ kind: 'no-such-kind', to: 'a@example.com', sealed: 'v1.x.y' })).to.equal(false);
    expect(ok({ kind: 'welcome', to: 'a@example.com' })).to.equal(false);
    expect(ok({ to: 'a@example.com', subject: 's' })).to.equal(false);
    expect(ok(null)).to.equal(false);
  });

  it('refuses a link that is not an http(s) URL before anything is recorded', async () => {
    const { stored, mail } = world();
    const refused = await mail.send('email-verification', ada, { link: 'javascript:alert(1)' }).catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(Error);
    expect(stored).to.have.length(0);
  });
});
