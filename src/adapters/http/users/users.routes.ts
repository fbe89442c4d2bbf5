import type Router from '@koa/router';
import type { Context } from 'koa';
import { createRouter } from '../routing';
import * as E from 'fp-ts/Either';
import { Readable } from 'node:stream';
import type { AssignRole } from '../../../application/roles/assign-role';
import type { TransferRole } from '../../../application/roles/transfer-role';
import type { UnassignRole } from '../../../application/roles/unassign-role';
import type { CreateUser } from '../../../application/users/create-user';
import type { DeleteUser } from '../../../application/users/delete-user';
import type { ExportUsers } from '../../../application/users/export-users';
import type { ListUsers } from '../../../application/users/list-users';
import type { ReadUser } from '../../../application/users/read-user';
import type { RestoreUser } from '../../../application/users/restore-user';
import type { UpdateUserProfile } from '../../../application/users/update-user-profile';
import type { UserStatsByRole } from '../../../application/users/user-stats-by-role';
import type { UserListQuery } from '../../../application/ports/user-repository.port';
import { listMeta } from '../../../domain/shared/pagination';
import type { User, UserId } from '../../../domain/users/user';
import { ifMatchOf, notModified } from '../conditional';
import { decodeOrThrow } from '../decode';
import { reply } from '../envelope';
import { actorOf, requireActor } from '../middleware/authenticate';
import { ListCursors, listPage } from '../pagination.codecs';
import { respond } from '../respond';
import { listETag, userETag, versionsNamed } from './user-etags';
import {
  AssignRoleBody,
  CreateUserBody,
  ExportQuery,
  ListUsersQuery,
  openUserListCursor,
  TransferRoleBody,
  UpdateUserBody,
  UserIdParams,
  userListCursor,
  UserRoleParams,
} from './users.codecs';
import { presentUser } from './users.presenter';

export interface UsersRoutesDeps {
  readonly list: ListUsers;
  readonly read: ReadUser;
  readonly create: CreateUser;
  readonly update: UpdateUserProfile;
  readonly delete: DeleteUser;
  readonly restore: RestoreUser;
  readonly statsByRole: UserStatsByRole;
  readonly export: ExportUsers;
  readonly assignRole: AssignRole;
  readonly unassignRole: UnassignRole;
  readonly transferRole: TransferRole;
  /** Seals list cursors (JWT_SECRET: every instance of a deployment opens the others' cursors). */
  readonly cursorSecret: string;
}

/** The versions `If-Match` allows a write over: none given or `*` is no version check (400 if malformed). */
const ifVersionOf = (ctx: Context, id: UserId): readonly number[] | undefined => {
  const ifMatch = ifMatchOf(ctx);
  return ifMatch === undefined || ifMatch === '*' ? undefined : versionsNamed(ifMatch, id);
};

/** A user in the answer, with its ETag. */
const withETag =
  (ctx: Context) =>
  (user: User): ReturnType<typeof presentUser> => {
    ctx.set('ETag', userETag(user));
    return presentUser(user);
  };

export const usersRoutes = (deps: UsersRoutesDeps): Router => {
  const { assignRole, unassignRole, transferRole } = deps;
  const cursors = new ListCursors(deps.cursorSecret);
  const router = createRouter({ prefix: '/api/users' });
  router.use(requireActor);

  router.get('/', async (ctx) => {
    const q = decodeOrThrow(ListUsersQuery, ctx.query);
    const limit = q.limit ?? 20;
    const filters = { ...(q.search ? { search: q.search } : {}), ...(q.status ? { status: q.status } : {}) };
    let query: UserListQuery;
    if (q.after !== undefined) {
      const { sortBy, sortOrder, after } = openUserListCursor(cursors, { ...q, after: q.after });
      query = { limit, sortBy, sortOrder, ...filters, from: { after }, withTotal: false };
    } else {
      const page = q.page ?? 1;
      query = { limit, sortBy: q.sortBy ?? 'createdAt', sortOrder: q.sortOrder ?? 'desc', ...filters, from: { page }, withTotal: q.total !== 'false' };
    }
    const result = await deps.list.execute(actorOf(ctx), query);
    if (E.isLeft(result)) return respond(ctx, result, 200, '', () => null);
    const { items, total, next } = result.right;
    const meta = listMeta({
      page: 'page' in query.from ? query.from.page : null,
      limit,
      total,
      nextCursor: next ? userListCursor(cursors, query.sortBy, query.sortOrder, next) : null,
    });
    if (notModified(ctx, listETag(items, meta))) return;
    reply(ctx, 200, 'Users', listPage(items.map(presentUser), meta));
  });

  router.post('/', async (ctx) => {
    const actor = actorOf(ctx);
    const body = decodeOrThrow(CreateUserBody, ctx.request.body);
    const result = await deps.create.execute(actor, body);
    if (E.isRight(result)) ctx.set('Location', `/api/users/${result.right.id}`);
    respond(ctx, result, 201, 'User created', withETag(ctx));
  });

  // Literal paths before `/:id`, so `stats` and `export` are never taken for ids.
  router.get('/stats/by-role', async (ctx) => {
    respond(ctx, await deps.statsByRole.execute(actorOf(ctx)), 200, 'Users by role', (stats) => stats);
  });

  router.get('/export', async (ctx) => {
    const { format } = decodeOrThrow(ExportQuery, ctx.query);
    const result = await deps.export.execute(actorOf(ctx));
    if (E.isLeft(result)) return respond(ctx, result, 200, '', () => null);
    ctx.status = 200;
    ctx.type = format === 'ndjson' ? 'application/x-ndjson' : 'application/json';
    ctx.set('Content-Disposition', `attachment; filename="users.${format === 'ndjson' ? 'ndjson' : 'json'}"`);
    ctx.body = Readable.from(format === 'ndjson' ? ndjson(result.right) : jsonArray(result.right));
  });

  router.get('/:id', async (ctx) => {
    const { id } = decodeOrThrow(UserIdParams, ctx.params);
    const result = await deps.read.execute(actorOf(ctx), id);
    if (E.isRight(result) && notModified(ctx, userETag(result.right))) return;
    respond(ctx, result, 200, 'User found', presentUser);
  });

  router.patch('/:id', async (ctx) => {
    const { id } = decodeOrThrow(UserIdParams, ctx.params);
    const actor = actorOf(ctx);
    const ifVersion = ifVersionOf(ctx, id);
    const body = decodeOrThrow(UpdateUserBody, ctx.request.body ?? {});
    respond(ctx, await deps.update.execute(actor, id, body, ifVersion), 200, 'User updated', withETag(ctx));
  });

  router.delete('/:id', async (ctx) => {
    const { id } = decodeOrThrow(UserIdParams, ctx.params);
    const ifVersion = ifVersionOf(ctx, id);
    respond(ctx, await deps.delete.execute(actorOf(ctx), id, ifVersion), 200, 'User deleted', () => ({ id, deleted: true }));
  });

  router.post('/:id/restore', async (ctx) => {
    const { id } = decodeOrThrow(UserIdParams, ctx.params);
    respond(ctx, await deps.restore.execute(actorOf(ctx), id), 200, 'User restored', withETag(ctx));
  });

  router.post('/:id/roles', async (ctx) => {
    const { id } = decodeOrThrow(UserIdParams, ctx.params);
    const actor = actorOf(ctx);
    const { roleId } = decodeOrThrow(AssignRoleBody, ctx.request.body);
    respond(ctx, await assignRole.execute(actor, id, roleId), 200, 'Role assigned', withETag(ctx));
  });

  router.delete('/:id/roles/:roleId', async (ctx) => {
    const { id, roleId } = decodeOrThrow(UserRoleParams, ctx.params);
    respond(ctx, await unassignRole.execute(actorOf(ctx), id, roleId), 200, 'Role unassigned', withETag(ctx));
  });

  router.post('/:id/roles/transfer', async (ctx) => {
    const { id } = decodeOrThrow(UserIdParams, ctx.params);
    const actor = actorOf(ctx);
    const body = decodeOrThrow(TransferRoleBody, ctx.request.body);
    respond(ctx, await transferRole.execute(actor, id, body.fromRoleId, body.toRoleId), 200, 'Role transferred', withETag(ctx));
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
