/** A lease held by this caller; opaque outside the adapter that granted it. */
export interface Lease {
  readonly name: string;
  readonly id: string;
}

/**
 * Short-lived, named, exclusive leases shared by every process on one store: one holder at a
 * time, and a holder that crashes loses its lease when the time-to-live runs out, so nobody is
 * blocked for good. Use cases hold one around a check-and-write that must not interleave.
 */
export interface Leases {
  /** The lease, or null while someone else holds it. */
  tryAcquire(name: string, ttlMs: number): Promise<Lease | null>;
  /** Hands it back early; a lease that already expired is left to whoever holds the name now. */
  release(lease: Lease): Promise<void>;
}
