import Router from '@koa/router';
import type { CreateUser } from '../../../application/users/create-user';
import type { GetUser } from '../../../application/users/get-user';
import type { UpdateUser } from '../../../application/users/update-user';
import type { UserId } from '../../../domain/users/user';
import { decodeOrThrow } from '../decode';
import { respond } from '../respond';
import { CreateUserBody, UpdateUserBody, UserIdParams } from './users.codecs';
import { presentUser } from './users.presenter';

export interface UsersRoutesDeps {
  readonly createUser: CreateUser;
  readonly getUser: GetUser;
  readonly updateUser: UpdateUser;
}

export const usersRoutes = ({ createUser, getUser, updateUser }: UsersRoutesDeps): Router => {
  const router = new Router({ prefix: '/api/users' });

  router.post('/', async (ctx) => {
    const body = decodeOrThrow(CreateUserBody, ctx.request.body);
    const result = await createUser.execute(body, ctx.state['requestId'] as string);
    if (result._tag === 'Right') ctx.set('Location', `/api/users/${result.right.id}`);
    respond(ctx, result, 201, 'User created', presentUser);
  });

  router.get('/:id', async (ctx) => {
    const { id } = decodeOrThrow(UserIdParams, ctx.params);
    respond(ctx, await getUser.execute(id as UserId), 200, 'User found', presentUser);
  });

  router.patch('/:id', async (ctx) => {
    const { id } = decodeOrThrow(UserIdParams, ctx.params);
    const body = decodeOrThrow(UpdateUserBody, ctx.request.body ?? {});
    respond(ctx, await updateUser.execute(id as UserId, body), 200, 'User updated', presentUser);
  });

  return router;
};
