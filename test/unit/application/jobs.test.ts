import { expect } from 'chai';
import { InMemoryCache } from '../../../src/adapters/memory/in-memory-cache';
import { SendEmail } from '../../../src/application/jobs/processors';
import type { RunningJob } from '../../../src/application/ports/job-queue.port';
import type { Mailer, OutgoingMail } from '../../../src/application/ports/mailer.port';
import { silentLogger } from '../../support/logger';

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
    const send = new SendEmail(mailer, new InMemoryCache(), silentLogger());
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
    const send = new SendEmail(mailer, new InMemoryCache(), silentLogger());
    await send.execute(job('7'), data).catch(() => undefined);
    await send.execute(job('7', 1), data);
    expect(mailer.sent).to.have.length(1);
  });
});
