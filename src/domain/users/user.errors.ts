/** Expected failures of the users module, as facts. */
export type UserError =
  | { readonly _tag: 'UserNotFound'; readonly userId: string }
  | { readonly _tag: 'EmailAlreadyInUse'; readonly email: string }
  | { readonly _tag: 'ConcurrentModification'; readonly userId: string }
  /** The caller asked to write only over a version (If-Match) that is no longer the stored one. */
  | { readonly _tag: 'UserVersionMismatch'; readonly userId: string };

export const userNotFound = (userId: string): UserError => ({ _tag: 'UserNotFound', userId });
export const emailAlreadyInUse = (email: string): UserError => ({ _tag: 'EmailAlreadyInUse', email });
export const concurrentModification = (userId: string): UserError => ({ _tag: 'ConcurrentModification', userId });
export const userVersionMismatch = (userId: string): UserError => ({ _tag: 'UserVersionMismatch', userId });
