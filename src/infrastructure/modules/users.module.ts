import { ContainerModule } from 'inversify';
import { randomBytes } from 'node:crypto';
import { usersRoutes } from '../../adapters/http/users/users.routes';
import { AssignRole } from '../../application/roles/assign-role';
import { TransferRole } from '../../application/roles/transfer-role';
import { UnassignRole } from '../../application/roles/unassign-role';
import { AccessCache } from '../../application/cache/access-cache';
import { CachedUserLookup } from '../../application/users/cached-user-lookup';
import { CreateUser } from '../../application/users/create-user';
import { DeleteUser } from '../../application/users/delete-user';
import { ExportUsers } from '../../application/users/export-users';
import { ListUsers } from '../../application/users/list-users';
import { ReadUser } from '../../application/users/read-user';
import { RestoreUser } from '../../application/users/restore-user';
import { UpdateUserProfile } from '../../application/users/update-user-profile';
import { UserCredentials } from '../../application/users/user-credentials';
import { UserStatsByRole } from '../../application/users/user-stats-by-role';
import type { NexusModule } from './module';

export const usersModule: NexusModule = {
  name: 'users',
  bindings: new ContainerModule(({ bind }) => {
    // Shared with the auth and roles modules: the cached lookup and the one owner of cache invalidation.
    bind(AccessCache).toSelf();
    bind(CachedUserLookup).toSelf();
    bind(UserCredentials).toSelf();
    for (const useCase of <const>[ListUsers, ReadUser, CreateUser, UpdateUserProfile, DeleteUser, RestoreUser, UserStatsByRole, ExportUsers]) bind<unknown>(useCase).toSelf();
  }),
  routes: (resolve, config) =>
    usersRoutes({
      list: resolve(ListUsers),
      read: resolve(ReadUser),
      create: resolve(CreateUser),
      update: resolve(UpdateUserProfile),
      delete: resolve(DeleteUser),
      restore: resolve(RestoreUser),
      statsByRole: resolve(UserStatsByRole),
      export: resolve(ExportUsers),
      assignRole: resolve(AssignRole),
      unassignRole: resolve(UnassignRole),
      transferRole: resolve(TransferRole),
      // Without JWT_SECRET (never in production) list cursors, like access tokens, die with the process.
      cursorSecret: config.auth.jwtSecret ?? randomBytes(32).toString('base64url'),
    }),
};
