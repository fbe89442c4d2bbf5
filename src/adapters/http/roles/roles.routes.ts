import type Router from '@koa/router';
import { createRouter } from '../routing';
import * as t from 'io-ts';
import type { CreateRole } from '../../../application/roles/create-role';
import type { DeleteRole } from '../../../application/roles/delete-role';
import type { GetRole } from '../../../application/roles/get-role';
import type { ListRoles } from '../../../application/roles/list-roles';
import type { UpdateRole } from '../../../application/roles/update-role';
import { parseRoleId } from '../../../domain/roles/role';
import { decodeOrThrow, IdOf, Str, strictObject } from '../decode';
import { actorOf, requireActor } from '../middleware/authenticate';
import { presentRole } from '../presenters';
import { PermissionBody } from '../permission.codec';
import { respond } from '../respond';

export const CreateRoleBody = strictObject('CreateRoleBody', { name: Str(40), permissions: t.array(PermissionBody) }, { description: Str(500) });
export const UpdateRoleBody = strictObject('UpdateRoleBody', {}, { name: Str(40), permissions: t.array(PermissionBody), description: Str(500) });
export const RoleIdParams = t.type({ id: IdOf(parseRoleId) });

export interface RolesRoutesDeps {
  readonly listRoles: ListRoles;
  readonly getRole: GetRole;
  readonly createRole: CreateRole;
  readonly updateRole: UpdateRole;
  readonly deleteRole: DeleteRole;
}

export const rolesRoutes = ({ listRoles, getRole, createRole, updateRole, deleteRole }: RolesRoutesDeps): Router => {
  const router = createRouter({ prefix: '/api/roles' });
  router.use(requireActor);

  router.get('/', async (ctx) => respond(ctx, await listRoles.execute(actorOf(ctx)), 200, 'Roles', (rs) => rs.map(presentRole)));

  router.post('/', async (ctx) => {
    const body = decodeOrThrow(CreateRoleBody, ctx.request.body);
    respond(ctx, await createRole.execute(actorOf(ctx), body), 201, 'Role created', presentRole);
  });

  router.get('/:id', async (ctx) => {
    const { id } = decodeOrThrow(RoleIdParams, ctx.params);
    respond(ctx, await getRole.execute(actorOf(ctx), id), 200, 'Role found', presentRole);
  });

  router.patch('/:id', async (ctx) => {
    const { id } = decodeOrThrow(RoleIdParams, ctx.params);
    const body = decodeOrThrow(UpdateRoleBody, ctx.request.body ?? {});
    respond(ctx, await updateRole.execute(actorOf(ctx), id, body), 200, 'Role updated', presentRole);
  });

  router.delete('/:id', async (ctx) => {
    const { id } = decodeOrThrow(RoleIdParams, ctx.params);
    respond(ctx, await deleteRole.execute(actorOf(ctx), id), 200, 'Role deleted', () => ({ id, deleted: true }));
  });

  return router;
};
