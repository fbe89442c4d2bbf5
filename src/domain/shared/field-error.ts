/** One thing wrong with one input field; `path` is dotted (`address.city`, `items.3`). */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

export const fieldError = (path: string, message: string): FieldError => ({ path, message });

/** Input that broke one or more rules; each broken rule names its field. */
export type ValidationFailed = { readonly _tag: 'ValidationFailed'; readonly errors: readonly FieldError[] };

export const validationFailed = (errors: readonly FieldError[]): ValidationFailed => ({ _tag: 'ValidationFailed', errors });
