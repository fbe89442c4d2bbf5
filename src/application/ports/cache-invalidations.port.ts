/** Shared-cache keys that changed: these exact keys, and every key starting with one of the prefixes. */
export interface Invalidation {
  readonly keys: readonly string[];
  readonly prefixes: readonly string[];
}

/** What a subscriber is told: invalidations by other instances, and when it can (not) hear them. */
export interface InvalidationListener {
  /** Another instance changed these keys in the shared cache. */
  invalidated(invalidation: Invalidation): void;
  /**
   * Whether invalidations are being heard. `false` as soon as the subscription may have missed
   * one (connection lost, reconnecting, closed); `true` once subscribed again.
   */
  hearing(up: boolean): void;
}

/**
 * Tells every instance sharing a cache which keys changed, so each can drop its in-process copy
 * (see `TwoLevelCache`). Delivery is at most once: a subscriber that was not `up` when a
 * message was sent never gets it, which is why listeners are told when they stop hearing.
 */
export interface CacheInvalidations {
  /** Announces a change to every other instance's listener. Rejects when it could not be sent. */
  publish(invalidation: Invalidation): Promise<void>;
  /** The one listener of this instance (a second call replaces the first). */
  listen(listener: InvalidationListener): void;
  /** Subscribed and connected now. */
  readonly up: boolean;
  close(): Promise<void>;
}
