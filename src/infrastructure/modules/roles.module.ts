import { ContainerModule } from 'inversify';
import { rolesRoutes } from '../../adapters/http/roles/roles.routes';
import { PermissionResolver } from '../../application/roles/permission-resolver';
import { AssignRoles } from '../../application/roles/assign-roles';
import { ManageRoles } from '../../application/roles/roles';
import { SuperuserGuard } from '../../application/roles/superuser-guard';
import type { NexusModule } from './module';

export const rolesModule: NexusModule = {
  name: 'roles',
  bindings: new ContainerModule(({ bind }) => {
    bind(PermissionResolver).toSelf();
    bind(ManageRoles).toSelf();
    bind(AssignRoles).toSelf();
    bind(SuperuserGuard).toSelf();
  }),
  routes: (resolve) => rolesRoutes(resolve(ManageRoles)),
};
