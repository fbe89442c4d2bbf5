import type { Context } from 'koa';

/**
 * `ctx.set(name, value)` for one string value, as the steps every request passes use it. Koa's
 * `set` wraps each call in arrays and lower-cases the name to special-case array values of
 * Content-Type and Content-Length, which a single string never is; this writes the header directly,
 * with the same refusal once the headers are sent.
 */
export const setHeader = (ctx: Context, name: string, value: string): void => {
  if (!ctx.headerSent) ctx.res.setHeader(name, value);
};
