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

/**
 * `ctx.get(name)` for a header other than Referer, given in lower case: the request's value, or
 * '' when absent. Koa's `get` goes through two delegates and lower-cases the name on each call.
 */
export const requestHeader = (ctx: Context, lowerCaseName: string): string => {
  const value = ctx.req.headers[lowerCaseName];
  return typeof value === 'string' ? value : value === undefined ? '' : value.join(', ');
};
