import { inject, injectable } from 'inversify';
import type { AuditAction } from '../../domain/audit/audit-entry';
import { currentContext } from '../context';
import type { AuditLog } from '../ports/audit-log.port';
import type { Clock } from '../ports/clock.port';
import type { IdGenerator } from '../ports/id-generator.port';
import type { Tx } from '../ports/unit-of-work.port';
import { TYPES } from '../symbols';

export interface AuditFacts {
  readonly actorId: string | null;
  readonly action: AuditAction;
  readonly target: { readonly type: string; readonly id: string | null };
  readonly before?: unknown;
  readonly after?: unknown;
}

/** Writes audit entries stamped with an id, the time and the current request id. */
@injectable()
export class AuditRecorder {
  constructor(
    @inject(TYPES.AuditLog) private readonly log: AuditLog,
    @inject(TYPES.IdGenerator) private readonly ids: IdGenerator,
    @inject(TYPES.Clock) private readonly clock: Clock,
  ) {}

  record(facts: AuditFacts, tx?: Tx): Promise<void> {
    return this.log.append(
      {
        id: this.ids.next(),
        actorId: facts.actorId,
        action: facts.action,
        target: facts.target,
        ...(facts.before === undefined ? {} : { before: facts.before }),
        ...(facts.after === undefined ? {} : { after: facts.after }),
        requestId: currentContext()?.requestId ?? null,
        at: this.clock.now(),
      },
      tx,
    );
  }
}
