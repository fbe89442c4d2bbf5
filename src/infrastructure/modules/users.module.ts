import { ContainerModule } from 'inversify';
import { usersRoutes } from '../../adapters/http/users/users.routes';
import { AssignRole } from '../../application/roles/assign-role';
import { TransferRole } from '../../application/roles/transfer-role';
import { UnassignRole } from '../../application/roles/unassign-role';
import { TYPES } from '../../application/symbols';
import { GetUser } from '../../application/users/get-user';
import { ManageUsers } from '../../application/users/manage-users';
import { UpdateUser } from '../../application/users/update-user';
import type { NexusModule } from './module';

export const usersModule: NexusModule = {
  name: 'users',
  bindings: new ContainerModule(({ bind }) => {
    bind(GetUser).toSelf();
    bind(UpdateUser).toSelf();
    bind(ManageUsers).toSelf();
    bind(TYPES.ManageUsers).toService(ManageUsers);
  }),
  routes: (resolve) => usersRoutes({ users: resolve(ManageUsers), assignRole: resolve(AssignRole), unassignRole: resolve(UnassignRole), transferRole: resolve(TransferRole) }),
};
