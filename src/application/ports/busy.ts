/**
 * A bounded resource (the password hasher's pool) has no room for this call now: it was refused
 * at once instead of queueing without bound. Nothing was done; the same request may succeed
 * after `retryAfterSeconds`. The HTTP edge answers 503 with `Retry-After`.
 */
export class Busy extends Error {
  override readonly name = 'Busy';
  constructor(
    readonly resource: string,
    readonly retryAfterSeconds = 1,
  ) {
    super(`${resource} is at capacity; try again in ${retryAfterSeconds} s`);
  }
}
