import type Router from '@koa/router';
import * as t from 'io-ts';
import type { EndOwnSession } from '../../../application/sessions/end-own-session';
import type { EndOwnSessions } from '../../../application/sessions/end-own-sessions';
import type { EndUserSessions } from '../../../application/sessions/end-user-sessions';
import type { ListOwnSessions } from '../../../application/sessions/list-own-sessions';
import type { ListUserSessions } from '../../../application/sessions/list-user-sessions';
import { decodeOrThrow, ObjectIdString, oneOf, strictObject } from '../decode';
import { actorOf, requireActor } from '../middleware/authenticate';
import { respond } from '../respond';
import { createRouter } from '../routing';
import { UserIdParams } from '../users/users.codecs';
import { presentSession } from './sessions.presenter';

export const SessionIdParams = t.type({ id: ObjectIdString });
/** `?includeCurrent=true` also ends the session the request is made with. */
export const EndSessionsQuery = strictObject('EndSessionsQuery', {}, { includeCurrent: oneOf(['true', 'false'] as const) });

export interface SessionsRoutesDeps {
  readonly listOwn: ListOwnSessions;
  readonly endOwn: EndOwnSession;
  readonly endOwnAll: EndOwnSessions;
  readonly listOfUser: ListUserSessions;
  readonly endOfUser: EndUserSessions;
}

/**
 * Sessions (logins, each a refresh-token family): one's own under /api/auth/sessions, anyone's
 * under /api/users/:id/sessions with `sessions:manage`. Every route needs a token: sessions are
 * credentials, and API keys never manage credentials (the use cases refuse them with 403).
 */
export const sessionsRoutes = (deps: SessionsRoutesDeps): Router => {
  const router = createRouter();

  router.get('/api/auth/sessions', requireActor, async (ctx) => {
    respond(ctx, await deps.listOwn.execute(actorOf(ctx)), 200, 'Your sessions', (sessions) => sessions.map(presentSession));
  });

  router.delete('/api/auth/sessions', requireActor, async (ctx) => {
    const query = decodeOrThrow(EndSessionsQuery, ctx.query);
    const includeCurrent = query.includeCurrent === 'true';
    const result = await deps.endOwnAll.execute(actorOf(ctx), { includeCurrent });
    respond(ctx, result, 200, includeCurrent ? 'Every session ended' : 'Every other session ended', (r) => r);
  });

  router.delete('/api/auth/sessions/:id', requireActor, async (ctx) => {
    const { id } = decodeOrThrow(SessionIdParams, ctx.params);
    respond(ctx, await deps.endOwn.execute(actorOf(ctx), id), 200, 'Session ended', (ended) => ({ id: ended.id, ended: true, current: ended.current }));
  });

  router.get('/api/users/:id/sessions', requireActor, async (ctx) => {
    const { id } = decodeOrThrow(UserIdParams, ctx.params);
    respond(ctx, await deps.listOfUser.execute(actorOf(ctx), id), 200, 'Sessions of the user', (sessions) => sessions.map(presentSession));
  });

  router.delete('/api/users/:id/sessions', requireActor, async (ctx) => {
    const { id } = decodeOrThrow(UserIdParams, ctx.params);
    respond(ctx, await deps.endOfUser.execute(actorOf(ctx), id), 200, 'Every session of the user ended', (r) => r);
  });

  return router;
};
