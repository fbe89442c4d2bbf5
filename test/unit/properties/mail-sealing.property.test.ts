import { expect } from 'chai';
import fc from 'fast-check';
import * as E from 'fp-ts/Either';
import { InMemoryOutboxStore } from '../../../src/adapters/memory/in-memory-outbox';
import { InMemoryUserRepository } from '../../../src/adapters/memory/in-memory-user-repository';
import { AesGcmSecretBox } from '../../../src/adapters/security/aes-gcm-secret-box';
import { ObjectIdGenerator } from '../../../src/adapters/system/object-id-generator';
import { AccountMail } from '../../../src/application/jobs/account-mail';
import { emailJob, openAccountMail, sealAccountMail, SealedAccountMail } from '../../../src/application/jobs/email.job';
import { RelayOutbox } from '../../../src/application/jobs/outbox-relay';
import type { AccountMailKind, AccountMailVars } from '../../../src/application/ports/mail-templates.port';
import type { OutboxMessage } from '../../../src/application/ports/outbox.port';
import { silentLogger } from '../../support/logger';
import { RecordingJobQueue } from '../../support/recording-job-queue';

const SECRET = 'c00ebbb3d980f984956aa84227c43c991ef6a47135b020c77a56cd881ff1258e';

/** Tokens as the flows make them (32 random bytes, base64url) and arbitrary ones, long enough not to turn up by chance. */
const token = fc.oneof(
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('base64url')),
  fc.string({ unit: 'grapheme', minLength: 16, maxLength: 64 }),
  fc.string({ unit: 'binary', minLength: 16, maxLength: 64 }),
);
const appUrl = fc.constantFrom('http://localhost:3000', 'https://app.example.com', 'https://example.org/nexus', 'http://127.0.0.1:8080');
const name = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom('<script>alert(1)</script>', `"&'`, 'Ada\r\nBcc: x@example.com'));
const email = fc.emailAddress();

/** A mail of a kind that carries a link, with the link's token; or one of the others. */
const mailWithToken = fc
  .tuple(token, appUrl, fc.constantFrom<AccountMailKind>('welcome', 'email-verification', 'password-reset'), fc.integer({ min: 1, max: 10_000 }))
  .map(([secret, base, kind, minutes]) => {
    const link = `${base}/${kind === 'password-reset' ? 'reset-password' : 'verify-email'}?token=${encodeURIComponent(secret)}`;
    const vars = kind === 'password-reset' ? { link, expiresInMinutes: minutes } : { link };
    return { token: secret, link, kind, vars: vars as AccountMailVars[typeof kind] };
  });

/** Where the token could show in a JSON document: as written, URL-encoded, or JSON-escaped. */
const spellings = (secret: string, link: string): string[] => [secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1), link, JSON.stringify(link).slice(1, -1)];

describe('Properties :: sealed account mails', function () {
  this.timeout(120_000);

  it('a sealed payload never holds the token or the link, and opens to the same name and variables', () => {
    const box = new AesGcmSecretBox(SECRET);
    fc.assert(
      fc.property(mailWithToken, name, email, (mail, recipientName, to) => {
        const payload = sealAccountMail(box, mail.kind, { email: to, name: recipientName }, mail.vars);
        const stored = JSON.stringify(payload);

        for (const spelling of spellings(mail.token, mail.link)) expect(stored).to.not.include(spelling);
        expect(E.isRight(SealedAccountMail.decode(JSON.parse(stored)))).to.equal(true);
        const opened = openAccountMail(box, JSON.parse(stored) as SealedAccountMail);
        expect(opened).to.deep.equal(E.right({ kind: mail.kind, recipient: { email: to, name: recipientName }, vars: mail.vars }));
      }),
      { numRuns: 300 },
    );
  });

  it('from AccountMail.send through the outbox to the queue, no stored or queued document holds the token', async () => {
    await fc.assert(
      fc.asyncProperty(mailWithToken, name, email, async (mail, recipientName, to) => {
        const stored: OutboxMessage[] = [];
        const outbox = new InMemoryOutboxStore();
        const add = outbox.add.bind(outbox);
        outbox.add = async (message: OutboxMessage) => {
          stored.push(structuredClone(message));
          return add(message);
        };
        const queue = new RecordingJobQueue();
        const clock = { now: () => new Date('2030-01-01T00:00:00Z') };
        const box = new AesGcmSecretBox(SECRET);
        const accountMail = new AccountMail(outbox, new RelayOutbox(outbox, queue, new InMemoryUserRepository(), clock, silentLogger()), new ObjectIdGenerator(), clock, box);

        await accountMail.dispatch(await accountMail.send(mail.kind, { email: to, name: recipientName }, mail.vars));

        expect(stored).to.have.length(1);
        expect(queue.enqueued).to.have.length(1);
        const everything = JSON.stringify({ stored, queued: queue.enqueued });
        for (const spelling of spellings(mail.token, mail.link)) expect(everything).to.not.include(spelling);
        // What the worker reads back opens to what was sent.
        const decoded = emailJob.payload.decode(JSON.parse(JSON.stringify(queue.enqueued[0]!.data)));
        if (E.isLeft(decoded) || !('sealed' in decoded.right)) throw new Error('the queued payload is not a sealed account mail');
        expect(openAccountMail(box, decoded.right)).to.deep.equal(E.right({ kind: mail.kind, recipient: { email: to, name: recipientName }, vars: mail.vars }));
      }),
      { numRuns: 100 },
    );
  });
});
