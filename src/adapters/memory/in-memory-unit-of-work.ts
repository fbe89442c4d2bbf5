import type { Tx, UnitOfWork } from '../../application/ports/unit-of-work.port';

/**
 * Memory writes cannot fail half-way for reasons of their own, but they are not rolled back
 * either, so this says `atomic: false` and use cases compensate exactly as they do elsewhere.
 */
export class InMemoryUnitOfWork implements UnitOfWork {
  readonly atomic = false;
  run<T>(work: (tx: Tx | undefined) => Promise<T>): Promise<T> {
    return work(undefined);
  }
}
