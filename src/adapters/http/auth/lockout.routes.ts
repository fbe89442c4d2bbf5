import type Router from '@koa/router';
import type { UnlockAccount } from '../../../application/auth/unlock-account';
import { decodeOrThrow, strictObject } from '../decode';
import { actorOf, requireActor } from '../middleware/authenticate';
import { respond } from '../respond';
import { createRouter } from '../routing';
import { UserIdParams } from '../users/users.codecs';

/** No body is needed; one that names fields is refused by name, as everywhere. */
const UnlockBody = strictObject('UnlockBody', {});

export interface LockoutRoutesDeps {
  readonly unlock: UnlockAccount;
}

/** `POST /api/users/:id/unlock`: an administrator lifts a login lockout early. */
export const lockoutRoutes = ({ unlock }: LockoutRoutesDeps): Router => {
  const router = createRouter();
  router.post('/api/users/:id/unlock', requireActor, async (ctx) => {
    const { id } = decodeOrThrow(UserIdParams, ctx.params);
    decodeOrThrow(UnlockBody, ctx.request.body ?? {});
    const result = await unlock.execute(actorOf(ctx), id);
    respond(ctx, result, 200, 'Account unlocked', (r) => ({ id: r.userId, wasLocked: r.wasLocked, lockedUntil: r.lockedUntil?.toISOString() ?? null }));
  });
  return router;
};
