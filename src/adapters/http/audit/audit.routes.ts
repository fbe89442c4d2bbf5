import type Router from '@koa/router';
import { createRouter } from '../routing';
import type { ListAudit } from '../../../application/audit/list-audit';
import { AUDIT_ACTIONS } from '../../../domain/audit/audit-entry';
import { decodeOrThrow, ObjectIdString, oneOf, strictObject } from '../decode';
import { actorOf, requireActor } from '../middleware/authenticate';
import { paged, PageQuery, pageOf } from '../pagination.codecs';
import { presentAudit } from '../presenters';
import { respond } from '../respond';

export const AuditQuery = strictObject('AuditQuery', {}, { ...PageQuery.props, actorId: ObjectIdString, action: oneOf(AUDIT_ACTIONS) });

export const auditRoutes = (listAudit: ListAudit): Router => {
  const router = createRouter({ prefix: '/api/audit' });
  router.use(requireActor);
  router.get('/', async (ctx) => {
    const q = decodeOrThrow(AuditQuery, ctx.query);
    const { page, limit } = pageOf(q);
    const result = await listAudit.execute(actorOf(ctx), {
      page,
      limit,
      ...(q.actorId ? { actorId: q.actorId } : {}),
      ...(q.action ? { action: q.action } : {}),
    });
    respond(ctx, result, 200, 'Audit entries', (r) => paged(r.items.map(presentAudit), r.total, page, limit));
  });
  return router;
};
