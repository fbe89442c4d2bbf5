import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { Logger } from '../../application/ports/logger.port';
import type { RateDecision, RateLimiter } from '../../application/ports/rate-limiter.port';
import { consumeWith, decision } from './memory-rate-limiter';

/**
 * Limits shared by every API process, in Redis. When Redis is not ready the limiter does not
 * wait for it: it answers from an in-memory insurance limiter with the same rules (so each
 * process limits on its own) and logs that it did, at most once a minute.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly limiter: RateLimiterRedis;
  private readonly insurance: RateLimiterMemory;
  private warnedAt = 0;

  constructor(
    private readonly redis: Redis,
    private readonly logger: Logger,
    readonly limit: number,
    windowSeconds: number,
    keyPrefix: string,
  ) {
    this.insurance = new RateLimiterMemory({ points: limit, duration: windowSeconds, keyPrefix });
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      points: limit,
      duration: windowSeconds,
      keyPrefix,
      rejectIfRedisNotReady: true,
      insuranceLimiter: this.insurance,
    });
  }

  consume(key: string): Promise<RateDecision> {
    this.noteFallback();
    return consumeWith(this.limiter, this.limit, key);
  }

  async peek(key: string): Promise<RateDecision> {
    this.noteFallback();
    const res = this.redis.status === 'ready' ? await this.limiter.get(key).catch(() => this.insurance.get(key)) : await this.insurance.get(key);
    return decision(this.limit, res, !res || res.consumedPoints < this.limit);
  }

  private noteFallback(): void {
    if (this.redis.status === 'ready' || Date.now() - this.warnedAt < 60_000) return;
    this.warnedAt = Date.now();
    this.logger.warn('Redis is unavailable: rate limits are kept in this process until it returns');
  }
}
