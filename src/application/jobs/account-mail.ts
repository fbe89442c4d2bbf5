import { inject, injectable } from 'inversify';
import { currentContext } from '../context';
import type { Clock } from '../ports/clock.port';
import type { IdGenerator } from '../ports/id-generator.port';
import type { AccountMailKind, AccountMailVars, Recipient } from '../ports/mail-templates.port';
import type { ClaimedMessage, OutboxStore } from '../ports/outbox.port';
import type { SecretBox } from '../ports/secret-box.port';
import type { Tx } from '../ports/unit-of-work.port';
import { TYPES } from '../symbols';
import { type EmailPayload, emailJob, sealAccountMail } from './email.job';
import { LEASE_MS, RelayOutbox } from './outbox-relay';

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

  /**
   * Messages this process recorded already claimed, until it dispatches or cancels them. Every
   * caller dispatches right after recording, so a message is written claimed by its writer (one
   * write) instead of written, then claimed (a read and two writes on MongoDB-wire servers): on
   * FerretDB's single writer that was a third of a registration's time under load. One that
   * is never dispatched (its caller failed in between) is taken by the relay loop once the lease
   * runs out, as a claim held by a process that died would be.
   */
  private readonly held = new Map<string, ClaimedMessage>();

  /** Records `mail` as a job called `name` on the `email` queue, due for any relay; returns the outbox message id. */
  record(name: string, mail: EmailPayload, options: RecordOptions = {}): Promise<string> {
    return this.write(name, mail, options, false);
  }

  /** As `record`, claimed for this process's `dispatch` when `claimed` and not in a unit of work (see `held`). */
  private async write(name: string, mail: EmailPayload, options: RecordOptions, claimed: boolean): Promise<string> {
    const id = this.ids.next();
    const requestId = currentContext()?.requestId;
    const now = this.clock.now();
    const message = {
      id,
      queue: emailJob.queue,
      name,
      data: mail,
      createdAt: now,
      ...(options.forUserId === undefined ? {} : { forUserId: options.forUserId }),
      ...(requestId === undefined ? {} : { requestId }),
    };
    if (options.tx || !claimed) {
      // Within a unit of work the message commits with it: relayed after, claimed then.
      await this.outbox.add(message, options.tx);
      return id;
    }
    this.forgetStale(now);
    this.held.set(id, await this.outbox.addClaimed(message, now, LEASE_MS));
    return id;
  }

  /**
   * Records the account mail `kind` to `to`, sealed (see `record`); returns the outbox message id.
   * Its caller dispatches it next: it is recorded claimed by this process (see `held`).
   */
  async send<K extends AccountMailKind>(kind: K, to: Recipient, vars: AccountMailVars[K], options: RecordOptions = {}): Promise<string> {
    const link = (vars as { readonly link?: unknown }).link;
    if (typeof link === 'string' && link !== '' && !/^https?:\/\//i.test(link)) throw new Error(`the ${kind} mail's link must be an http(s) URL`);
    return this.write(kind, sealAccountMail(this.box, kind, to, vars), options, true);
  }

  /** Hands a recorded mail to the queue now; never throws (the relay loop retries). */
  dispatch(id: string): Promise<void> {
    const held = this.held.get(id);
    if (!held) return this.relay.relay(id);
    this.held.delete(id);
    return this.relay.relayHeld(held);
  }

  /** Forgets a recorded mail whose change did not happen. Best effort: the relay drops it anyway. */
  async cancel(id: string): Promise<void> {
    this.held.delete(id);
    await this.outbox.discard(id).catch(() => undefined);
  }

  /** Claims held past their lease are no longer ours (the relay loop may hold them): let go of them. */
  private forgetStale(now: Date): void {
    for (const [id, message] of this.held) {
      if (now.getTime() - message.createdAt.getTime() >= LEASE_MS / 2) this.held.delete(id);
    }
  }
}
