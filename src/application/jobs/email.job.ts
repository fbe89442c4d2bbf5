import * as E from 'fp-ts/Either';
import { pipe } from 'fp-ts/function';
import { inject, injectable } from 'inversify';
import * as t from 'io-ts';
import { CACHE_KEYS, CACHE_TTL_SECONDS } from '../cache/cache-keys';
import type { Cache } from '../ports/cache.port';
import { type RunningJob, PermanentJobFailure } from '../ports/job-queue.port';
import type { Logger } from '../ports/logger.port';
import { MailRejected, type Mailer, type OutgoingMail } from '../ports/mailer.port';
import { ACCOUNT_MAIL_KINDS, type AccountMailKind, type AccountMailVars, type MailTemplates, type Recipient } from '../ports/mail-templates.port';
import type { SecretBox } from '../ports/secret-box.port';
import { TYPES } from '../symbols';
import type { JobDefinition } from './job-definition';

/**
 * A mail worded by whoever queued it: `POST /api/jobs/email`, the weekly report, and account
 * mails queued before they were worded from templates (their payloads may still be queued).
 */
export const PlainEmail = t.readonly(t.type({ to: t.string, subject: t.string, body: t.string }), 'PlainEmail');
export type PlainEmail = t.TypeOf<typeof PlainEmail>;

/**
 * An account mail on its way: its kind and recipient in the clear (for people looking at the
 * queue), the recipient's name and the mail's variables sealed (a link in them carries a
 * one-time token). The worker opens it and words it from the templates just before sending,
 * so the token is in the clear only in that process's memory and in the mail itself.
 */
export const SealedAccountMail = t.readonly(
  t.type({
    kind: t.keyof(Object.fromEntries(ACCOUNT_MAIL_KINDS.map((kind) => [kind, null])) as Record<AccountMailKind, null>),
    to: t.string,
    sealed: t.string,
  }),
  'SealedAccountMail',
);
export type SealedAccountMail = t.TypeOf<typeof SealedAccountMail>;

/** The payload of a job on the `email` queue. */
export const EmailPayload = t.union([SealedAccountMail, PlainEmail], 'EmailPayload');
export type EmailPayload = t.TypeOf<typeof EmailPayload>;

/** What each kind's sealed variables must hold; a kind whose variables change here and in `AccountMailVars` apart does not compile. */
const VARS: { readonly [K in AccountMailKind]: t.Decoder<unknown, AccountMailVars[K]> } = {
  'welcome': t.readonly(t.type({ link: t.string })),
  'email-verification': t.readonly(t.type({ link: t.string })),
  'password-reset': t.readonly(t.type({ link: t.string, expiresInMinutes: t.number })),
  'password-changed': t.type({}),
  'account-locked': t.readonly(t.type({ lockedUntil: t.string })),
  'email-changed': t.readonly(t.type({ newEmail: t.string })),
};

const SealedContent = t.type({ name: t.string, vars: t.unknown });

/** What a sealed mail is bound to: opened as another kind or for another address, it does not open. */
const sealContext = (kind: AccountMailKind, to: string): string => `account-mail:${kind}:${to}`;

export const sealAccountMail = <K extends AccountMailKind>(box: SecretBox, kind: K, to: Recipient, vars: AccountMailVars[K]): SealedAccountMail => ({
  kind,
  to: to.email,
  sealed: box.seal(JSON.stringify({ name: to.name, vars }), sealContext(kind, to.email)),
});

export interface OpenedAccountMail {
  readonly kind: AccountMailKind;
  readonly recipient: Recipient;
  readonly vars: AccountMailVars[AccountMailKind];
}

/** Opens a sealed account mail; the reason it does not open otherwise (never any of its content). */
export const openAccountMail = (box: SecretBox, mail: SealedAccountMail): E.Either<string, OpenedAccountMail> => {
  const plaintext = box.open(mail.sealed, sealContext(mail.kind, mail.to));
  if (plaintext === null) {
    return E.left(
      'its sealed part does not open here: it was sealed under another JWT_SECRET (changed since, or unset so that each process has its own key), or it was changed on the way (its recipient or kind included)',
    );
  }
  const decoder: t.Decoder<unknown, AccountMailVars[AccountMailKind]> = VARS[mail.kind];
  return pipe(
    E.tryCatch(
      () => JSON.parse(plaintext) as unknown,
      () => 'its sealed part is not JSON',
    ),
    E.chain((json) => E.mapLeft(() => 'its sealed part does not decode')(SealedContent.decode(json))),
    E.chain((content) =>
      pipe(
        decoder.decode(content.vars),
        E.mapLeft(() => `its variables do not fit a ${mail.kind} mail`),
        E.map((vars): OpenedAccountMail => ({ kind: mail.kind, recipient: { email: mail.to, name: content.name }, vars })),
      ),
    ),
  );
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Sends the e-mail of one `email` job, at most once per job after a success: the send is
 * recorded under the job id, and a retry of a job that already sent (its completion was lost
 * to a crash, say) returns the recorded result instead of sending again. The message id is
 * derived from the job id too, so a receiving server can drop a resend. An account mail is
 * opened and worded from the templates here, just before it is sent.
 */
@injectable()
export class SendEmail {
  constructor(
    @inject(TYPES.Mailer) private readonly mailer: Mailer,
    @inject(TYPES.Cache) private readonly cache: Cache,
    @inject(TYPES.Logger) private readonly logger: Logger,
    @inject(TYPES.MailTemplates) private readonly templates: MailTemplates,
    @inject(TYPES.SecretBox) private readonly box: SecretBox,
  ) {}

  async execute(job: RunningJob, data: EmailPayload): Promise<{ messageId: string; resent: boolean }> {
    const key = CACHE_KEYS.sentEmail(job.queue, job.id);
    const already = await this.cache.get<{ messageId: string }>(key).catch(() => undefined);
    if (already) {
      this.logger.info('email already sent for this job; not sending again', { jobId: job.id, messageId: already.messageId });
      return { messageId: already.messageId, resent: false };
    }
    const sent = await this.mailer.send({ ...this.compose(job, data), messageId: `<job-${job.queue}-${job.id}@nexus>` }).catch((err: unknown) => {
      // A refusal for good goes to the dead-letter queue now, not after hours of retries.
      throw err instanceof MailRejected ? new PermanentJobFailure(err.message) : err;
    });
    await this.cache.set(key, sent, CACHE_TTL_SECONDS.sentEmail).catch((err: unknown) => this.logger.warn('could not record the send', { jobId: job.id, error: String(err) }));
    this.logger.info('email sent', { jobId: job.id, attempt: job.attemptsMade + 1, messageId: sent.messageId });
    return { ...sent, resent: false };
  }

  private compose(job: RunningJob, data: EmailPayload): Omit<OutgoingMail, 'messageId'> {
    if (!('sealed' in data)) return { to: data.to, subject: data.subject, text: data.body };
    const opened = openAccountMail(this.box, data);
    // It will not open on a retry either: to the dead-letter queue, where a process with the right key can retry it.
    if (E.isLeft(opened)) throw new PermanentJobFailure(`the ${data.kind} mail cannot be opened: ${opened.left}`);
    const { subject, text, html } = this.templates.render(opened.right.kind, opened.right.recipient, opened.right.vars);
    return { to: data.to, subject, text, html };
  }
}

/** Any job name: the API queues `send`, the account flows `welcome` and the like, the report `weekly-report`. */
export const emailJob: JobDefinition<EmailPayload, 'email'> = {
  queue: 'email',
  payload: EmailPayload,
  runner: SendEmail,
  retry: { attempts: 6, backoffMs: [MINUTE, 5 * MINUTE, 15 * MINUTE, HOUR, 6 * HOUR] },
};
