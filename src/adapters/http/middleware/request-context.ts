import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import { runInContext } from '../../../application/context';

// A client's id is echoed only if it is a sane token: it lands in our logs.
const ACCEPTABLE_ID = /^[\w.:-]{1,128}$/;

/** Gives every request an id (the client's `X-Request-ID`, or a new one) and runs it in that context. */
export const requestContext = (): Middleware => async (ctx, next) => {
  const given = ctx.get('X-Request-ID');
  const requestId = ACCEPTABLE_ID.test(given) ? given : randomUUID();
  ctx.state['requestId'] = requestId;
  ctx.set('X-Request-ID', requestId);
  await runInContext({ requestId }, next);
};
