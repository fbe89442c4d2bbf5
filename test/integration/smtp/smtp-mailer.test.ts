import { expect } from 'chai';
import { simpleParser } from 'mailparser';
import { SmtpMailer } from '../../../src/adapters/smtp/smtp-mailer';
import { type DeliveredMail, mailerContract } from '../../contract/mailer.contract';
import { SmtpCapture, type CapturedMail } from '../../support/smtp-capture';

/** A mail as the SMTP server received it, read by a MIME parser: its parts and headers. */
const deliveredOf = async (to: string, mail: CapturedMail): Promise<DeliveredMail> => {
  const parsed = await simpleParser(mail.raw);
  return {
    to,
    subject: parsed.subject ?? '',
    text: (parsed.text ?? '').replace(/\r\n/g, '\n').replace(/\n$/, ''),
    ...(parsed.html === false ? {} : { html: parsed.html }),
    messageId: mail.messageId,
    headers: [...parsed.headers.keys()],
  };
};

describe('SMTP :: mailer', function () {
  let smtp: SmtpCapture;
  const mailers: SmtpMailer[] = [];
  const mailerAt = (url: string) => {
    const mailer = new SmtpMailer(url, 'Nexus <nexus@example.com>');
    mailers.push(mailer);
    return mailer;
  };

  before(async () => {
    smtp = await SmtpCapture.start();
  });
  afterEach(() => {
    smtp.holding = false;
    for (const mailer of mailers.splice(0)) mailer.close();
  });
  after(async () => {
    await smtp?.stop();
  });

  mailerContract('SmtpMailer', async () => ({
    mailer: mailerAt(smtp.url),
    delivered: (to): Promise<DeliveredMail[]> => Promise.all(smtp.to(to).map((m) => deliveredOf(to, m))),
  }));

  it('sends a mail with an HTML part as multipart/alternative: the text part first, the HTML part last', async () => {
    await mailerAt(smtp.url).send({ to: 'both-parts@example.com', subject: 's', text: 'plain words', html: '<p>rich &amp; words</p>' });

    const raw = smtp.to('both-parts@example.com')[0]?.raw ?? '';
    expect(raw).to.match(/^Content-Type: multipart\/alternative;/m);
    const parts = [...raw.matchAll(/^Content-Type: (text\/(?:plain|html))/gm)].map((m) => m[1]);
    expect(parts).to.deep.equal(['text/plain', 'text/html']);
    const parsed = await simpleParser(raw);
    expect(parsed.text?.trim()).to.equal('plain words');
    expect(parsed.html).to.equal('<p>rich &amp; words</p>');
  });

  it('sends from the configured address', async () => {
    await mailerAt(smtp.url).send({ to: 'from-check@example.com', subject: 's', text: 't' });
    expect(smtp.to('from-check@example.com')[0]?.from).to.equal('nexus@example.com');
  });

  it('rejects a send, and a ping, when nothing listens at its address', async () => {
    const mailer = mailerAt('smtp://127.0.0.1:1');
    const sent = await mailer.send({ to: 'nobody@example.com', subject: 's', text: 't' }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(sent).to.be.instanceOf(Error);
    expect(sent?.message).to.match(/ECONNREFUSED/);
    const pinged = await mailer.ping().then(
      () => undefined,
      (e: Error) => e,
    );
    expect(pinged).to.be.instanceOf(Error);
  });

  it('rejects a send to a server that never greets, after its greeting timeout, instead of hanging', async () => {
    smtp.holding = true;
    const mailer = mailerAt(`${smtp.url}/?greetingTimeout=300`);
    const started = Date.now();
    const error = await mailer.send({ to: 'held@example.com', subject: 's', text: 't' }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error).to.be.instanceOf(Error);
    expect(Date.now() - started).to.be.below(5000);
    expect(smtp.to('held@example.com')).to.have.length(0);
  });

  it('rejects a send the server refuses', async () => {
    smtp.refuse(true);
    try {
      const error = await mailerAt(smtp.url).send({ to: 'refused@example.com', subject: 's', text: 't' }).then(
        () => undefined,
        (e: Error & { responseCode?: number }) => e,
      );
      expect(error?.responseCode).to.equal(451);
    } finally {
      smtp.refuse(false);
    }
  });
});
