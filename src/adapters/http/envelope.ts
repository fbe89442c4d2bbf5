import type { Context } from 'koa';
import type { FieldError } from '../../domain/shared/field-error';

/** The one response shape of the API (see DESIGN.md, HTTP contract). */
export const reply = (ctx: Context, statusCode: number, message: string, data?: unknown): void => {
  ctx.status = statusCode;
  // Built whole rather than spread into: the same keys in the same order.
  ctx.body = data === undefined ? { success: true, statusCode, message } : { success: true, statusCode, message, data };
};

export const replyError = (ctx: Context, statusCode: number, message: string, errors: readonly FieldError[] = []): void => {
  ctx.status = statusCode;
  ctx.body = {
    success: false,
    statusCode,
    message,
    ...(errors.length > 0 ? { errors } : {}),
    requestId: ctx.state['requestId'] as string | undefined,
  };
};
