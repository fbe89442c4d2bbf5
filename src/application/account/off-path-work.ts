import { inject, injectable } from 'inversify';
import type { Logger } from '../ports/logger.port';
import { TYPES } from '../symbols';

/**
 * Work a use case starts once its answer is settled and does not wait for, so the answer's
 * timing says nothing about what the work was (a password-reset request for a real account
 * against one for nobody). Failures are logged, never thrown; `idle()` waits for what runs.
 * What must survive the process is written to the database by the work itself (the outbox).
 */
@injectable()
export class OffPathWork {
  private readonly running = new Set<Promise<void>>();

  constructor(@inject(TYPES.Logger) private readonly logger: Logger) {}

  start(what: string, work: () => Promise<void>): void {
    // Not before the next turn of the event loop: the answer is written first, even where the
    // work is all in memory (the embedded profile) and would otherwise run as microtasks ahead of it.
    const run: Promise<void> = new Promise<void>((turn) => setImmediate(turn))
      .then(work)
      .catch((err: unknown) => this.logger.warn(`${what} failed`, { error: String(err) }))
      .finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Resolves once nothing started here is running (tests; a drain at shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }
}
