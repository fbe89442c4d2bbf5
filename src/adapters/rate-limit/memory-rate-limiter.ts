import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateDecision, RateLimiter } from '../../application/ports/rate-limiter.port';

export const decision = (limit: number, res: RateLimiterRes | null, allowed: boolean): RateDecision => ({
  allowed,
  limit,
  remaining: res ? Math.max(0, limit - res.consumedPoints) : limit,
  resetMs: res ? Math.max(0, res.msBeforeNext) : 0,
});

/** Consumes through any rate-limiter-flexible limiter, turning its rejection into a decision. */
export const consumeWith = async (limiter: { consume(key: string): Promise<RateLimiterRes> }, limit: number, key: string): Promise<RateDecision> => {
  try {
    return decision(limit, await limiter.consume(key), true);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) return decision(limit, rejection, false);
    throw rejection;
  }
};

/**
 * Gives one point back through any rate-limiter-flexible limiter, only while the key holds a
 * count: `reward` on a key that has none (its window passed) would start a window below zero
 * and allow more than the limit in it.
 */
export const refundWith = async (limiter: RateLimiterMemory, key: string): Promise<void> => {
  const res = await limiter.get(key);
  if (res && res.consumedPoints > 0) await limiter.reward(key, 1);
};

/** Per-process limits: the embedded profile's limiter and the Redis limiter's insurance. */
export class MemoryRateLimiter implements RateLimiter {
  readonly limiter: RateLimiterMemory;

  constructor(
    readonly limit: number,
    windowSeconds: number,
    keyPrefix: string,
  ) {
    this.limiter = new RateLimiterMemory({ points: limit, duration: windowSeconds, keyPrefix });
  }

  consume(key: string): Promise<RateDecision> {
    return consumeWith(this.limiter, this.limit, key);
  }

  async peek(key: string): Promise<RateDecision> {
    const res = await this.limiter.get(key);
    return decision(this.limit, res, !res || res.consumedPoints < this.limit);
  }

  refund(key: string): Promise<void> {
    return refundWith(this.limiter, key);
  }
}
