import type { JobPriority, QueueName } from '../../domain/jobs/job';
import type { Tx } from './unit-of-work.port';

/**
 * A job recorded in the database with the change that causes it (a transactional outbox), so
 * the job does not depend on the queue being up at that instant: a relay hands it to the queue
 * later, under a job id derived from the message id, so relaying twice queues it once.
 */
export interface OutboxMessage {
  readonly id: string;
  readonly queue: QueueName;
  readonly name: string;
  readonly data: unknown;
  readonly priority?: JobPriority;
  readonly createdAt: Date;
  /**
   * The user whose creation this message belongs to. It is written BEFORE the user (the user
   * store cannot join our transaction), so the relay sends it only once that user exists and
   * drops it when the user never appeared.
   */
  readonly forUserId?: string;
  readonly requestId?: string;
}

/** A message one relay holds for a while; `claim` proves who holds it. */
export type ClaimedMessage = OutboxMessage & { readonly claim: string; readonly attempts: number };

export interface OutboxStore {
  /** Records a message, inside `tx` when the caller runs a unit of work. */
  add(message: OutboxMessage, tx?: Tx): Promise<void>;
  /**
   * Records a message already claimed by the caller for `leaseMs` from `now` (its first attempt),
   * in the one write of the record: for a caller that relays it at once, instead of `add` then
   * `claim`. Other claimers see it only once the lease has run out, as for any claim.
   */
  addClaimed(message: OutboxMessage, now: Date, leaseMs: number): Promise<ClaimedMessage>;
  /**
   * Claims one message due at `now` for `leaseMs`: the one with `id`, or else the oldest due.
   * Concurrent claimers (several API and worker processes) never hold the same message; a
   * lease that runs out makes the message claimable again. Null when there is none.
   */
  claim(now: Date, leaseMs: number, id?: string): Promise<ClaimedMessage | null>;
  /** The message is on the queue: never claimed again. False when `claim` no longer holds it. */
  markRelayed(id: string, claim: string, now: Date): Promise<boolean>;
  /** Gives a claimed message back, due again at `dueAt`. */
  release(id: string, claim: string, dueAt: Date): Promise<void>;
  /** Forgets a message that must never be sent. */
  discard(id: string): Promise<void>;
  /** Messages not yet relayed (for tests, health and metrics). */
  pending(): Promise<number>;
  /** Forgets relayed messages relayed before `before`; returns how many. */
  purgeRelayed(before: Date): Promise<number>;
}
