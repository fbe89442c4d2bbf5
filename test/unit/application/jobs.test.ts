import { expect } from 'chai';
import { InMemoryCache } from '../../../src/adapters/memory/in-memory-cache';
import { SendEmail } from '../../../src/application/jobs/email.job';
import { PermanentJobFailure, type RunningJob } from '../../../src/application/ports/job-queue.port';
import { MailRejected, type Mailer, type OutgoingMail } from '../../../src/application/ports/mailer.port';
import { silentLogger } from '../../support/logger';
import { testMailTemplates, testSecretBox } from '../../support/mail';

class CountingMailer implements Mailer {
  readonly sent: OutgoingMail[] = [];
  failNext = false;
  async send(mail: OutgoingMail) {
    if (this.failNext) {
      this.failNext = false;
      throw new Error('smtp down');
    }
    this.sent.push(mail);
    return { messageId: mail.messageId ?? 'x' };
  }
  async ping() {}
}

const job = (id: string, attemptsMade = 0): RunningJob => ({ id, queue: 'email', name: 'send', data: {}, attemptsMade, reportProgress: async () => undefined });
const data = { to: 'a@example.com', subject: 'Hi', body: 'There' };

describe('Jobs :: SendEmail', () => {
  it('sends once per job id: a retry after a success does not send again', async () => {
    const mailer = new CountingMailer();
    const send = new SendEmail(mailer, new InMemoryCache(), silentLogger(), testMailTemplates(), testSecretBox());
    const first = await send.execute(job('42'), data);
    const retry = await send.execute(job('42', 1), data);
    expect(mailer.sent).to.have.length(1);
    expect(retry.messageId).to.equal(first.messageId).and.equal('<job-email-42@nexus>');
    await send.execute(job('43'), data);
    expect(mailer.sent).to.have.length(2);
  });

  it('sends on the retry when the first attempt failed', async () => {
    const mailer = new CountingMailer();
    mailer.failNext = true;
    const send = new SendEmail(mailer, new InMemoryCache(), silentLogger(), testMailTemplates(), testSecretBox());
    const first = await send.execute(job('7'), data).then(
      () => 'sent',
      (err: Error) => err.message,
    );
    expect(first, 'the first attempt fails with the mailer').to.equal('smtp down');
    expect(mailer.sent).to.have.length(0);
    await send.execute(job('7', 1), data);
    expect(mailer.sent).to.have.length(1);
  });

  it('turns a permanent refusal into a permanent job failure, and leaves a temporary one retryable', async () => {
    const refusing = (err: Error): Mailer => ({ send: async () => Promise.reject(err), ping: async () => undefined });
    const permanent = await new SendEmail(refusing(new MailRejected('permanent SMTP failure (550): no such mailbox', 550)), new InMemoryCache(), silentLogger(), testMailTemplates(), testSecretBox())
      .execute(job('8'), data)
      .catch((e: unknown) => e);
    expect(permanent).to.be.instanceOf(PermanentJobFailure);
    expect((permanent as Error).message).to.include('550');
    const temporary = await new SendEmail(refusing(new Error('451 try later')), new InMemoryCache(), silentLogger(), testMailTemplates(), testSecretBox())
      .execute(job('9'), data)
      .catch((e: unknown) => e);
    expect(temporary).to.not.be.instanceOf(PermanentJobFailure);
  });
});
