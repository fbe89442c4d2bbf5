import type { CacheInvalidations, Invalidation, InvalidationListener } from '../../application/ports/cache-invalidations.port';

/**
 * Invalidations between caches in one process (tests, and several `createNexus` sharing an
 * in-memory cache): every member of one hub hears the others. `up` can be switched off to
 * play a lost subscription; what is published meanwhile is not delivered to that member.
 */
export class MemoryInvalidationHub {
  private readonly members = new Set<MemoryCacheInvalidations>();

  member(): MemoryCacheInvalidations {
    const m = new MemoryCacheInvalidations(this.members);
    this.members.add(m);
    return m;
  }
}

export class MemoryCacheInvalidations implements CacheInvalidations {
  private listener: InvalidationListener | undefined;
  private connected = true;

  constructor(private readonly members: Set<MemoryCacheInvalidations>) {}

  get up(): boolean {
    return this.connected;
  }

  async publish(invalidation: Invalidation): Promise<void> {
    const message: Invalidation = { keys: [...invalidation.keys], prefixes: [...invalidation.prefixes] };
    // Delivered after the publisher's turn, as a message over a connection would be.
    await Promise.resolve();
    for (const m of this.members) if (m !== this && m.connected) m.listener?.invalidated(message);
  }

  listen(listener: InvalidationListener): void {
    this.listener = listener;
  }

  /** Plays a lost (false) or restored (true) subscription. */
  setUp(up: boolean): void {
    if (up === this.connected) return;
    this.connected = up;
    this.listener?.hearing(up);
  }

  async close(): Promise<void> {
    this.members.delete(this);
    this.setUp(false);
  }
}
