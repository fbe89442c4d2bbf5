import { inject, injectable } from 'inversify';
import { currentContext } from '../context';
import type { Clock } from '../ports/clock.port';
import type { IdGenerator } from '../ports/id-generator.port';
import type { OutboxStore } from '../ports/outbox.port';
import type { Tx } from '../ports/unit-of-work.port';
import { TYPES } from '../symbols';
import { type EmailPayload, emailJob } from './email.job';
import { RelayOutbox } from './outbox-relay';

/**
 * Every e-mail an account flow sends, and what each one is told. `link` carries a one-time
 * token: treat it as a secret (never log it, never store it in the clear).
 */
export interface AccountMailVars {
  'welcome': { readonly link: string };
  'email-verification': { readonly link: string };
  'password-reset': { readonly link: string; readonly expiresInMinutes: number };
  'password-changed': Record<string, never>;
  'account-locked': { readonly lockedUntil: string };
  'email-changed': { readonly newEmail: string };
}
export type AccountMailKind = keyof AccountMailVars;

export interface Recipient {
  readonly email: string;
  readonly name: string;
}

/** Placeholder wording until the templates land; `compose` is the one place mails are worded. */
const SUBJECTS: Record<AccountMailKind, string> = {
  'welcome': 'Welcome to Nexus',
  'email-verification': 'Confirm your e-mail address',
  'password-reset': 'Reset your password',
  'password-changed': 'Your password was changed',
  'account-locked': 'Someone is trying to sign in to your account',
  'email-changed': 'Your e-mail address was changed',
};

export const composeAccountMail = <K extends AccountMailKind>(kind: K, to: Recipient, vars: AccountMailVars[K]): EmailPayload => ({
  to: to.email,
  subject: SUBJECTS[kind],
  body: `Hello ${to.name},\n\n${Object.entries(vars).map(([k, v]) => `${k}: ${String(v)}`).join('\n')}\n`,
});

export interface RecordOptions {
  /** Set when the mail is recorded before this user is written (see `OutboxMessage.forUserId`). */
  readonly forUserId?: string;
  /** The caller's unit of work, so the mail is written with its change, atomically where the database can. */
  readonly tx?: Tx;
}

/**
 * The one path of every e-mail an account flow sends (welcome today; password reset and
 * verification use it too): recorded in the database's outbox with the change that causes
 * it, then relayed to the queue, now if the queue is up, by the relay loop when it is back.
 */
@injectable()
export class AccountMail {
  constructor(
    @inject(TYPES.OutboxStore) private readonly outbox: OutboxStore,
    @inject(RelayOutbox) private readonly relay: RelayOutbox,
    @inject(TYPES.IdGenerator) private readonly ids: IdGenerator,
    @inject(TYPES.Clock) private readonly clock: Clock,
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

  /** Records the account mail `kind` to `to` (see `record`); returns the outbox message id. */
  send<K extends AccountMailKind>(kind: K, to: Recipient, vars: AccountMailVars[K], options: RecordOptions = {}): Promise<string> {
    return this.record(kind, composeAccountMail(kind, to, vars), options);
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
