import { inject, injectable } from 'inversify';
import { currentContext } from '../context';
import type { Clock } from '../ports/clock.port';
import type { IdGenerator } from '../ports/id-generator.port';
import type { AccountMailKind, AccountMailVars, Recipient } from '../ports/mail-templates.port';
import type { OutboxStore } from '../ports/outbox.port';
import type { SecretBox } from '../ports/secret-box.port';
import type { Tx } from '../ports/unit-of-work.port';
import { TYPES } from '../symbols';
import { type EmailPayload, emailJob, sealAccountMail } from './email.job';
import { RelayOutbox } from './outbox-relay';

export type { AccountMailKind, AccountMailVars, Recipient } from '../ports/mail-templates.port';

export interface RecordOptions {
  /** Set when the mail is recorded before this user is written (see `OutboxMessage.forUserId`). */
  readonly forUserId?: string;
  /** The caller's unit of work, so the mail is written with its change, atomically where the database can. */
  readonly tx?: Tx;
}

/**
 * The one path of every e-mail an account flow sends (welcome, verification, password reset,
 * password changed, lockout, e-mail changed): recorded in the database's outbox with the
 * change that causes it, then relayed to the queue, now if the queue is up, by the relay loop
 * when it is back. The recipient's name and the mail's variables are sealed before they are
 * recorded (a link carries a one-time token): neither the outbox nor the queue ever holds
 * them in the clear; the worker opens them and words the mail from the templates.
 */
@injectable()
export class AccountMail {
  constructor(
    @inject(TYPES.OutboxStore) private readonly outbox: OutboxStore,
    @inject(RelayOutbox) private readonly relay: RelayOutbox,
    @inject(TYPES.IdGenerator) private readonly ids: IdGenerator,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.SecretBox) private readonly box: SecretBox,
  ) {}

  /** Records `mail` as a job called `name` on the `email` queue; returns the outbox message id. */
  async record(name: string, mail: EmailPayload, options: RecordOptions = {}): Promise<string> {
    const id = this.ids.next();
    const requestId = currentContext()?.requestId;
    await this.outbox.add(
      {
        id,
        queue: emailJob.queue,
        name,
        data: mail,
        createdAt: this.clock.now(),
        ...(options.forUserId === undefined ? {} : { forUserId: options.forUserId }),
        ...(requestId === undefined ? {} : { requestId }),
      },
      options.tx,
    );
    return id;
  }

  /** Records the account mail `kind` to `to`, sealed (see `record`); returns the outbox message id. */
  async send<K extends AccountMailKind>(kind: K, to: Recipient, vars: AccountMailVars[K], options: RecordOptions = {}): Promise<string> {
    const link = (vars as { readonly link?: unknown }).link;
    if (typeof link === 'string' && link !== '' && !/^https?:\/\//i.test(link)) throw new Error(`the ${kind} mail's link must be an http(s) URL`);
    return this.record(kind, sealAccountMail(this.box, kind, to, vars), options);
  }

  /** Hands a recorded mail to the queue now; never throws (the relay loop retries). */
  dispatch(id: string): Promise<void> {
    return this.relay.relay(id);
  }

  /** Forgets a recorded mail whose change did not happen. Best effort: the relay drops it anyway. */
  async cancel(id: string): Promise<void> {
    await this.outbox.discard(id).catch(() => undefined);
  }
}
