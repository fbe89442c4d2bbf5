import type { Middleware } from 'koa';
import type { FieldError } from '../../../domain/shared/field-error';
import { BadInput } from '../decode';

const MAX_DEPTH = 32;

/**
 * Refuses `$`-prefixed and dotted keys anywhere in the query or body. They are how NoSQL
 * operator injection arrives (`{"email": {"$ne": null}}`), and no field of ours is named so.
 */
export const refuseOperatorKeys = (): Middleware => (ctx, next) => {
  // Most requests are a GET without a query string: no query to parse, no body, nothing to scan.
  const body = (ctx.request as { body?: unknown }).body;
  if (ctx.querystring === '' && (body === null || typeof body !== 'object')) return next();
  const errors: FieldError[] = [];
  scan(ctx.query, 'query', errors, 0);
  scan(body, '', errors, 0);
  if (errors.length > 0) throw new BadInput(errors);
  return next();
};

export const scan = (value: unknown, path: string, errors: FieldError[], depth: number): void => {
  if (value === null || typeof value !== 'object') return;
  if (depth > MAX_DEPTH) {
    errors.push({ path: path || '(body)', message: `is nested more than ${MAX_DEPTH} levels deep` });
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    const childPath = path ? `${path}.${key}` : key;
    if (key.startsWith('$') || key.includes('.')) errors.push({ path: childPath, message: 'is not an allowed key (no "$" prefix or ".")' });
    else scan(child, childPath, errors, depth + 1);
  }
};
