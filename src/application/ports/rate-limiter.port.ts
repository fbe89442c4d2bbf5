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
  /** Counts one event and says whether it was within the limit (a refused event is counted too). */
  consume(key: string): Promise<RateDecision>;
  /** Says where a key stands without counting. */
  peek(key: string): Promise<RateDecision>;
  /**
   * Gives back one counted event, never going below zero: lets a caller reserve a place before
   * an outcome is known (an atomic `consume`) and return it when the outcome did not count.
   */
  refund(key: string): Promise<void>;
}
