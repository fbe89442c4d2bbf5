/** An open transaction, opaque outside the adapter that made it. */
export type Tx = { readonly __transaction: unique symbol };

/**
 * Runs work atomically where the store can. `atomic` says whether it really does: when false,
 * a use case orders its writes and compensates on failure instead.
 */
export interface UnitOfWork {
  readonly atomic: boolean;
  run<T>(work: (tx: Tx | undefined) => Promise<T>): Promise<T>;
}
