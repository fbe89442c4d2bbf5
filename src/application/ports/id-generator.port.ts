/** Makes new entity ids: 24 lowercase hex characters, roughly ordered by creation time. */
export interface IdGenerator {
  next(): string;
}
