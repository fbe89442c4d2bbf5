import { ContainerModule } from 'inversify';
import { auditRoutes } from '../../adapters/http/audit/audit.routes';
import { AuditRecorder } from '../../application/audit/audit-recorder';
import { ListAudit } from '../../application/audit/list-audit';
import type { NexusModule } from './module';

export const auditModule: NexusModule = {
  name: 'audit',
  bindings: new ContainerModule(({ bind }) => {
    bind(AuditRecorder).toSelf();
    bind(ListAudit).toSelf();
  }),
  routes: (resolve) => auditRoutes(resolve(ListAudit)),
};
