import * as E from 'fp-ts/Either';
import { inject, injectable } from 'inversify';
import type { AuditEntry } from '../../domain/audit/audit-entry';
import type { Actor } from '../../domain/auth/actor';
import type { AuthError } from '../../domain/auth/auth.errors';
import { authorize } from '../authorization';
import type { AuditLog, AuditQuery } from '../ports/audit-log.port';
import { TYPES } from '../symbols';

@injectable()
export class ListAudit {
  constructor(@inject(TYPES.AuditLog) private readonly log: AuditLog) {}

  async execute(actor: Actor, query: AuditQuery): Promise<E.Either<AuthError, { items: AuditEntry[]; total: number }>> {
    const allowed = authorize(actor, 'audit', 'read');
    return E.isLeft(allowed) ? allowed : E.right(await this.log.list(query));
  }
}
