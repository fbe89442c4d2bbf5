import type { Cluster, Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import type { Logger } from '../../application/ports/logger.port';
import type { RateDecision, RateLimiter } from '../../application/ports/rate-limiter.port';
import { consumeWith, decision, refundWith } from './memory-rate-limiter';

/** Whether the limiters on one Redis client answer from memory: shared, so an outage is logged once, not once per limiter. */
const fallingBack = new WeakMap<Redis | Cluster, boolean>();

/** One point back, in one step, and only from a count above zero (an expired window is left alone). */
const REFUND_SCRIPT = `local n = tonumber(redis.call('GET', KEYS[1]))
if n and n > 0 then return redis.call('DECR', KEYS[1]) end
return 0`;

/**
 * Limits shared by every API process, in Redis. When Redis is not ready the limiter does not
 * wait for it: it answers from an in-memory insurance limiter with the same rules (so each
 * process limits on its own). It logs once when it starts doing so and once when Redis is back.
 */
export class RedisRateLimiter implements RateLimiter {
  private readonly limiter: RateLimiterRedis;
  private readonly insurance: RateLimiterMemory;

  constructor(
    private readonly redis: Redis | Cluster,
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

  async refund(key: string): Promise<void> {
    this.noteFallback();
    if (this.redis.status !== 'ready') return refundWith(this.insurance, key);
    try {
      await this.redis.eval(REFUND_SCRIPT, 1, this.limiter.getKey(key));
    } catch {
      // Redis went away between the consume and now: the consume may have landed in the insurance.
      await refundWith(this.insurance, key);
    }
  }

  private noteFallback(): void {
    const ready = this.redis.status === 'ready';
    if (ready === !fallingBack.get(this.redis)) return;
    fallingBack.set(this.redis, !ready);
    if (ready) this.logger.info('Redis is back: rate limits are shared again');
    else this.logger.warn('Redis is unavailable: rate limits are kept in this process until it returns');
  }
}
