import type { Context } from 'koa';
import type { FieldError } from '../../domain/shared/field-error';
import { setHeader } from './middleware/headers';

/** Data that can never change, down to its last field (see `immutable`), with its envelopes as sent. */
const unchanging = new WeakMap<object, { statusCode: number; message: string; json: string }[]>();

/**
 * Declares `data` deeply immutable (frozen, and every object in it too, for good): `reply` then
 * serialises its envelope once per status and message and sends that text again, instead of
 * building and serialising the envelope on every request. Answers `data`.
 */
export const immutable = <T extends object>(data: T): T => {
  if (!unchanging.has(data)) unchanging.set(data, []);
  return data;
};

/** What Koa answers a JSON body with. */
const JSON_TYPE = 'application/json; charset=utf-8';

/** The one response shape of the API (see DESIGN.md, HTTP contract). */
export const reply = (ctx: Context, statusCode: number, message: string, data?: unknown): void => {
  ctx.status = statusCode;
  const sent = typeof data === 'object' && data !== null ? unchanging.get(data) : undefined;
  if (sent !== undefined) {
    let envelope = sent.find((e) => e.statusCode === statusCode && e.message === message);
    if (envelope === undefined) {
      envelope = { statusCode, message, json: JSON.stringify({ success: true, statusCode, message, data }) };
      sent.push(envelope);
    }
    // As Koa types an object body; the text is then what it would have sent.
    setHeader(ctx, 'Content-Type', JSON_TYPE);
    ctx.body = envelope.json;
    return;
  }
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
