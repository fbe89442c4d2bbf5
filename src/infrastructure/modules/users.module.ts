import { ContainerModule } from 'inversify';
import { usersRoutes } from '../../adapters/http/users/users.routes';
import { AssignRoles } from '../../application/roles/assign-roles';
import { TYPES } from '../../application/symbols';
import { AccessCache } from '../../application/cache/access-cache';
import { CachedUserLookup } from '../../application/users/cached-user-lookup';
import { ManageUsers } from '../../application/users/manage-users';
import { UpdateUser } from '../../application/users/update-user';
import type { NexusModule } from './module';

export const usersModule: NexusModule = {
  name: 'users',
  bindings: new ContainerModule(({ bind }) => {
    bind(AccessCache).toSelf();
    bind(CachedUserLookup).toSelf();
    bind(UpdateUser).toSelf();
    bind(ManageUsers).toSelf();
    bind(TYPES.ManageUsers).toService(ManageUsers);
  }),
  routes: (resolve) => usersRoutes({ users: resolve(ManageUsers), assignRoles: resolve(AssignRoles) }),
};
