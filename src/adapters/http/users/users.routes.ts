import type Router from '@koa/router';
import { createRouter } from '../routing';
import * as E from 'fp-ts/Either';
import { Readable } from 'node:stream';
import type { AssignRole } from '../../../application/roles/assign-role';
import type { TransferRole } from '../../../application/roles/transfer-role';
import type { UnassignRole } from '../../../application/roles/unassign-role';
import type { ManageUsers } from '../../../application/users/manage-users';
import type { RoleId } from '../../../domain/roles/role';
import type { User, UserId } from '../../../domain/users/user';
import { decodeOrThrow } from '../decode';
import { actorOf, requireActor } from '../middleware/authenticate';
import { paged, pageOf } from '../pagination.codecs';
import { respond } from '../respond';
import { AssignRoleBody, CreateUserBody, ExportQuery, ListUsersQuery, TransferRoleBody, UpdateUserBody, UserIdParams, UserRoleParams } from './users.codecs';
import { presentUser } from './users.presenter';

export interface UsersRoutesDeps {
  readonly users: ManageUsers;
  readonly assignRole: AssignRole;
  readonly unassignRole: UnassignRole;
  readonly transferRole: TransferRole;
}

export const usersRoutes = ({ users, assignRole, unassignRole, transferRole }: UsersRoutesDeps): Router => {
  const router = createRouter({ prefix: '/api/users' });
  router.use(requireActor);

  router.get('/', async (ctx) => {
    const q = decodeOrThrow(ListUsersQuery, ctx.query);
    const { page, limit } = pageOf(q);
    const result = await users.list(actorOf(ctx), {
      page,
      limit,
      sortBy: q.sortBy ?? 'createdAt',
      sortOrder: q.sortOrder ?? 'desc',
      ...(q.search ? { search: q.search } : {}),
      ...(q.status ? { status: q.status } : {}),
    });
    respond(ctx, result, 200, 'Users', (r) => paged(r.items.map(presentUser), r.total, page, limit));
  });

  router.post('/', async (ctx) => {
    const actor = actorOf(ctx);
    const body = decodeOrThrow(CreateUserBody, ctx.request.body);
    const result = await users.create(actor, body);
    if (E.isRight(result)) ctx.set('Location', `/api/users/${result.right.id}`);
    respond(ctx, result, 201, 'User created', presentUser);
  });

  // Literal paths before `/:id`, so `stats` and `export` are never taken for ids.
  router.get('/stats/by-role', async (ctx) => {
    respond(ctx, await users.statsByRole(actorOf(ctx)), 200, 'Users by role', (stats) => stats);
  });

  router.get('/export', async (ctx) => {
    const { format } = decodeOrThrow(ExportQuery, ctx.query);
    const result = await users.export(actorOf(ctx));
    if (E.isLeft(result)) return respond(ctx, result, 200, '', () => null);
    ctx.status = 200;
    ctx.type = format === 'ndjson' ? 'application/x-ndjson' : 'application/json';
    ctx.set('Content-Disposition', `attachment; filename="users.${format === 'ndjson' ? 'ndjson' : 'json'}"`);
    ctx.body = Readable.from(format === 'ndjson' ? ndjson(result.right) : jsonArray(result.right));
  });

  router.get('/:id', async (ctx) => {
    const { id } = decodeOrThrow(UserIdParams, ctx.params);
    respond(ctx, await users.get(actorOf(ctx), id as UserId), 200, 'User found', presentUser);
  });

  router.patch('/:id', async (ctx) => {
    const { id } = decodeOrThrow(UserIdParams, ctx.params);
    const actor = actorOf(ctx);
    const body = decodeOrThrow(UpdateUserBody, ctx.request.body ?? {});
    respond(ctx, await users.update(actor, id as UserId, body), 200, 'User updated', presentUser);
  });

  router.delete('/:id', async (ctx) => {
    const { id } = decodeOrThrow(UserIdParams, ctx.params);
    respond(ctx, await users.delete(actorOf(ctx), id as UserId), 200, 'User deleted', () => ({ id, deleted: true }));
  });

  router.post('/:id/restore', async (ctx) => {
    const { id } = decodeOrThrow(UserIdParams, ctx.params);
    respond(ctx, await users.restore(actorOf(ctx), id as UserId), 200, 'User restored', presentUser);
  });

  router.post('/:id/roles', async (ctx) => {
    const { id } = decodeOrThrow(UserIdParams, ctx.params);
    const actor = actorOf(ctx);
    const { roleId } = decodeOrThrow(AssignRoleBody, ctx.request.body);
    respond(ctx, await assignRole.execute(actor, id as UserId, roleId as RoleId), 200, 'Role assigned', presentUser);
  });

  router.delete('/:id/roles/:roleId', async (ctx) => {
    const { id, roleId } = decodeOrThrow(UserRoleParams, ctx.params);
    respond(ctx, await unassignRole.execute(actorOf(ctx), id as UserId, roleId as RoleId), 200, 'Role unassigned', presentUser);
  });

  router.post('/:id/roles/transfer', async (ctx) => {
    const { id } = decodeOrThrow(UserIdParams, ctx.params);
    const actor = actorOf(ctx);
    const body = decodeOrThrow(TransferRoleBody, ctx.request.body);
    respond(ctx, await transferRole.execute(actor, id as UserId, body.fromRoleId as RoleId, body.toRoleId as RoleId), 200, 'Role transferred', presentUser);
  });

  return router;
};

async function* jsonArray(users: AsyncIterable<User>): AsyncGenerator<string> {
  yield '[';
  let first = true;
  for await (const user of users) {
    yield (first ? '' : ',') + JSON.stringify(presentUser(user));
    first = false;
  }
  yield ']';
}

async function* ndjson(users: AsyncIterable<User>): AsyncGenerator<string> {
  for await (const user of users) yield `${JSON.stringify(presentUser(user))}\n`;
}
