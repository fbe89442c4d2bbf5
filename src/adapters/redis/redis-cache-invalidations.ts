import { randomUUID } from 'node:crypto';
import type { CacheInvalidations, Invalidation, InvalidationListener } from '../../application/ports/cache-invalidations.port';
import type { Logger } from '../../application/ports/logger.port';

/**
 * What this adapter uses of an ioredis client: commands and events that both `Redis` and
 * `Cluster` have (PUBLISH is broadcast to every node of a cluster by Redis itself).
 */
export interface PublishingClient {
  publish(channel: string, message: string): Promise<number>;
}
export interface SubscribingClient {
  readonly status: string;
  subscribe(channel: string): Promise<unknown>;
  unsubscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'ready' | 'close' | 'end' | 'reconnecting', listener: () => void): unknown;
  quit(): Promise<unknown>;
  disconnect(): void;
}

interface Wire {
  /** The sending instance, so it does not drop its own keys twice. */
  readonly o: string;
  readonly k: readonly string[];
  readonly p: readonly string[];
}

/**
 * Cache invalidations over Redis pub/sub: published on the cache's own connection, heard on a
 * connection of its own in subscriber mode (a subscribed connection can send nothing else).
 * `up` is true only between a confirmed SUBSCRIBE and the next sign of trouble on that
 * connection ('close', 'reconnecting', 'end'); on 'ready' after a reconnect it subscribes again
 * and is up once Redis confirms, so the listener knows exactly when messages may have been missed.
 */
export class RedisCacheInvalidations implements CacheInvalidations {
  private readonly origin = randomUUID();
  private listener: InvalidationListener | undefined;
  private subscribed = false;
  private closing = false;

  private constructor(
    private readonly publisher: PublishingClient,
    private readonly subscriber: SubscribingClient,
    private readonly channel: string,
    private readonly logger?: Logger,
  ) {}

  /** Subscribes on `subscriber` (a connection for this alone) and resolves once Redis confirmed. */
  static async start(publisher: PublishingClient, subscriber: SubscribingClient, channel: string, logger?: Logger): Promise<RedisCacheInvalidations> {
    const bus = new RedisCacheInvalidations(publisher, subscriber, channel, logger);
    subscriber.on('message', (ch, message) => bus.received(ch, message));
    const lost = (): void => bus.setSubscribed(false);
    subscriber.on('close', lost);
    subscriber.on('reconnecting', lost);
    subscriber.on('end', lost);
    subscriber.on('ready', () => void bus.subscribe());
    await subscriber.subscribe(channel);
    bus.setSubscribed(true);
    return bus;
  }

  get up(): boolean {
    return this.subscribed && this.subscriber.status === 'ready';
  }

  async publish(invalidation: Invalidation): Promise<void> {
    const wire: Wire = { o: this.origin, k: invalidation.keys, p: invalidation.prefixes };
    await this.publisher.publish(this.channel, JSON.stringify(wire));
  }

  listen(listener: InvalidationListener): void {
    this.listener = listener;
  }

  async close(): Promise<void> {
    this.closing = true;
    this.setSubscribed(false);
    await this.subscriber.quit().catch(() => this.subscriber.disconnect());
  }

  private async subscribe(): Promise<void> {
    if (this.closing) return;
    try {
      await this.subscriber.subscribe(this.channel);
      if (this.subscriber.status === 'ready') this.setSubscribed(true);
    } catch (err) {
      this.logger?.warn('could not subscribe to cache invalidations; the in-process cache stays off', { error: String(err) });
    }
  }

  private setSubscribed(up: boolean): void {
    if (up === this.subscribed) return;
    this.subscribed = up;
    this.listener?.hearing(up);
  }

  private received(channel: string, message: string): void {
    if (channel !== this.channel) return;
    let wire: Wire | undefined;
    try {
      wire = JSON.parse(message) as Wire;
    } catch {
      wire = undefined;
    }
    if (wire?.o === this.origin) return;
    // A message it cannot read drops every copy: it was meant to invalidate something.
    if (!wire || !Array.isArray(wire.k) || !Array.isArray(wire.p)) this.listener?.invalidated({ keys: [], prefixes: [''] });
    else this.listener?.invalidated({ keys: wire.k.filter(isString), prefixes: wire.p.filter(isString) });
  }
}

const isString = (v: unknown): v is string => typeof v === 'string';
