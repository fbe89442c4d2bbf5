import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import { parseUserId } from '../../domain/users/user';
import type { Clock } from '../ports/clock.port';
import type { JobQueue } from '../ports/job-queue.port';
import type { Logger } from '../ports/logger.port';
import type { ClaimedMessage, OutboxStore } from '../ports/outbox.port';
import type { UserRepository } from '../ports/user-repository.port';
import { TYPES } from '../symbols';

/** The job id of a relayed message: the same on every relay, so relaying twice queues once. */
export const outboxJobId = (messageId: string): string => `outbox-${messageId}`;

export const LEASE_MS = 30_000;
/** A message written before its user is dropped when the user has not appeared by then. */
export const ORPHAN_AFTER_MS = 10 * 60_000;
const WAIT_FOR_USER_MS = 2_000;
const QUEUE_RETRY_MS = 3_000;
const KEEP_RELAYED_MS = 7 * 86_400_000;

type Outcome = 'relayed' | 'waiting' | 'dropped' | 'queue-down';

/**
 * Moves outbox messages to the job queue. Any number of API and worker processes run it at
 * once: each message is claimed by one of them at a time, queued under a job id derived from
 * its own id, then marked relayed. A relay that dies between the two leaves a claim that runs
 * out, and the next relay queues the same job id again: a no-op.
 */
@injectable()
export class RelayOutbox {
  private queueDown = false;

  constructor(
    @inject(TYPES.OutboxStore) private readonly outbox: OutboxStore,
    @inject(TYPES.JobQueue) private readonly queue: JobQueue,
    @inject(TYPES.UserRepository) private readonly users: UserRepository,
    @inject(TYPES.Clock) private readonly clock: Clock,
    @inject(TYPES.Logger) private readonly logger: Logger,
  ) {}

  /** Relays one message now unless another relay holds it; a failure is left to the loop. */
  async relay(id: string): Promise<void> {
    try {
      const message = await this.outbox.claim(this.clock.now(), LEASE_MS, id);
      if (message) await this.relayClaimed(message);
    } catch (err) {
      this.logger.warn('outbox relay failed; the relay loop will retry', { messageId: id, error: String(err) });
    }
  }

  /** Relays a message its writer recorded already claimed (`OutboxStore.addClaimed`); never throws. */
  async relayHeld(message: ClaimedMessage): Promise<void> {
    try {
      await this.relayClaimed(message);
    } catch (err) {
      this.logger.warn('outbox relay failed; the relay loop will retry', { messageId: message.id, error: String(err) });
    }
  }

  /** Relays due messages until none is left, the queue is down, or `limit` were tried. */
  async relayDue(limit = 100): Promise<number> {
    let relayed = 0;
    for (let i = 0; i < limit; i++) {
      const message = await this.outbox.claim(this.clock.now(), LEASE_MS);
      if (!message) break;
      const outcome = await this.relayClaimed(message);
      if (outcome === 'relayed') relayed += 1;
      if (outcome === 'queue-down') break;
    }
    return relayed;
  }

  /** Forgets messages relayed more than a week ago. */
  purge(): Promise<number> {
    return this.outbox.purgeRelayed(new Date(this.clock.now().getTime() - KEEP_RELAYED_MS));
  }

  private async relayClaimed(message: ClaimedMessage): Promise<Outcome> {
    const now = this.clock.now().getTime();
    if (message.forUserId !== undefined && !(await this.userExists(message.forUserId))) {
      if (now - message.createdAt.getTime() < ORPHAN_AFTER_MS) {
        await this.outbox.release(message.id, message.claim, new Date(now + WAIT_FOR_USER_MS));
        return 'waiting';
      }
      await this.outbox.discard(message.id);
      this.logger.warn('outbox message dropped: its user was never created', { messageId: message.id, name: message.name });
      return 'dropped';
    }
    try {
      await this.queue.enqueue(message.queue, message.name, message.data, {
        jobId: outboxJobId(message.id),
        ...(message.priority === undefined ? {} : { priority: message.priority }),
        ...(message.requestId === undefined ? {} : { requestId: message.requestId }),
      });
    } catch (err) {
      await this.outbox.release(message.id, message.claim, new Date(now + QUEUE_RETRY_MS)).catch(() => undefined);
      if (!this.queueDown) this.logger.warn('job queue unavailable: outbox messages wait in the database until it returns', { error: String(err) });
      this.queueDown = true;
      return 'queue-down';
    }
    if (this.queueDown) this.logger.info('job queue is back: relaying the outbox');
    this.queueDown = false;
    await this.outbox.markRelayed(message.id, message.claim, this.clock.now());
    return 'relayed';
  }

  private async userExists(id: string): Promise<boolean> {
    const userId = parseUserId(id);
    return E.isRight(userId) && (await this.users.findById(userId.right)) !== null;
  }
}

/** Runs the relay every `intervalMs` (and the purge hourly) until `stop`. */
export const startOutboxRelay = (relay: RelayOutbox, logger: Logger, intervalMs: number): { stop(): Promise<void> } => {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let lastPurge = 0;
  const tick = async (): Promise<void> => {
    try {
      await relay.relayDue();
      if (Date.now() - lastPurge > 3_600_000) {
        lastPurge = Date.now();
        await relay.purge();
      }
    } catch (err) {
      logger.warn('outbox relay round failed', { error: String(err) });
    }
  };
  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, intervalMs);
    timer.unref();
  };
  schedule();
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
};
