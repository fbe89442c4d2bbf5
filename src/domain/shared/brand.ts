/** A nominal type: a `string` that has been checked to be a `UserId` is no longer just a string. */
export type Brand<T, B extends string> = T & { readonly __brand: B };
