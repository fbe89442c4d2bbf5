import { ContainerModule } from 'inversify';
import { rolesRoutes } from '../../adapters/http/roles/roles.routes';
import { AssignRole } from '../../application/roles/assign-role';
import { CreateRole } from '../../application/roles/create-role';
import { DeleteRole } from '../../application/roles/delete-role';
import { GetRole } from '../../application/roles/get-role';
import { GrantableRoleLookup } from '../../application/roles/grantable-role-lookup';
import { ListRoles } from '../../application/roles/list-roles';
import { PermissionResolver } from '../../application/roles/permission-resolver';
import { SuperuserGuard } from '../../application/roles/superuser-guard';
import { TransferRole } from '../../application/roles/transfer-role';
import { UnassignRole } from '../../application/roles/unassign-role';
import { UpdateRole } from '../../application/roles/update-role';
import { UserRolesWriter } from '../../application/roles/user-roles-writer';
import type { NexusModule } from './module';

export const rolesModule: NexusModule = {
  name: 'roles',
  bindings: new ContainerModule(({ bind }) => {
    for (const collaborator of <const>[PermissionResolver, SuperuserGuard, GrantableRoleLookup, UserRolesWriter]) bind<unknown>(collaborator).toSelf();
    for (const useCase of <const>[ListRoles, GetRole, CreateRole, UpdateRole, DeleteRole]) bind<unknown>(useCase).toSelf();
    // Assigning roles is served under /api/users (users.module.ts) but is this module's rule.
    for (const useCase of <const>[AssignRole, UnassignRole, TransferRole]) bind<unknown>(useCase).toSelf();
  }),
  routes: (resolve) =>
    rolesRoutes({ listRoles: resolve(ListRoles), getRole: resolve(GetRole), createRole: resolve(CreateRole), updateRole: resolve(UpdateRole), deleteRole: resolve(DeleteRole) }),
};
