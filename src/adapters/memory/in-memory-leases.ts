import type { Lease, Leases } from '../../application/ports/leases.port';

/** One process, one event loop: a check-and-set on a map cannot interleave. */
export class InMemoryLeases implements Leases {
  private readonly held = new Map<string, { id: string; expiresAt: number }>();
  private next = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async tryAcquire(name: string, ttlMs: number): Promise<Lease | null> {
    const now = this.now();
    const current = this.held.get(name);
    if (current && current.expiresAt > now) return null;
    const id = `${name}#${++this.next}`;
    this.held.set(name, { id, expiresAt: now + ttlMs });
    return { name, id };
  }

  async release(lease: Lease): Promise<void> {
    if (this.held.get(lease.name)?.id === lease.id) this.held.delete(lease.name);
  }
}
