import * as E from 'fp-ts/Either';
import type { Context } from 'koa';
import { replyError, reply } from './envelope';
import { type AppError, toHttpFailure } from './error-mapping';
import { FAILURE_STATE } from './routing';

/** Turns a use case's result into the envelope: Right -> `status`, Left -> the mapped failure. */
export const respond = <A>(ctx: Context, result: E.Either<AppError, A>, status: number, message: string, present: (a: A) => unknown): void => {
  if (E.isRight(result)) return reply(ctx, status, message, present(result.right));
  const failure = toHttpFailure(result.left);
  // Kept for the route's own middleware (a credential check counts its failures).
  ctx.state[FAILURE_STATE] = failure;
  replyError(ctx, failure.status, failure.message, failure.errors ?? []);
};
