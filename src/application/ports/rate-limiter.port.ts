export interface RateDecision {
  readonly allowed: boolean;
  readonly limit: number;
  readonly remaining: number;
  /** Milliseconds until the window resets. */
  readonly resetMs: number;
}

/** Counts events per key in a fixed window. */
export interface RateLimiter {
  readonly limit: number;
  /** Counts one event and says whether it was within the limit. */
  consume(key: string): Promise<RateDecision>;
  /** Says where a key stands without counting. */
  peek(key: string): Promise<RateDecision>;
}
