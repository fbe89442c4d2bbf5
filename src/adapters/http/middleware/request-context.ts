import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import { runInContext } from '../../../application/context';
import { requestHeader, setHeader } from './headers';

// A client's id is echoed only if it is a sane token: it lands in our logs.
const ACCEPTABLE_ID = /^[\w.:-]{1,128}$/;

/** Gives every request an id (the client's `X-Request-ID`, or a new one) and runs it in that context. */
export const requestContext = (): Middleware => (ctx, next) => {
  const given = requestHeader(ctx, 'x-request-id');
  const requestId = given !== '' && ACCEPTABLE_ID.test(given) ? given : randomUUID();
  ctx.state['requestId'] = requestId;
  setHeader(ctx, 'X-Request-ID', requestId);
  return runInContext({ requestId }, next);
};
