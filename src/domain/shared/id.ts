import * as E from 'fp-ts/Either';
import type { Brand } from './brand';

/** Ids are 24 lowercase hex characters (the MongoDB ObjectId shape), in every profile. */
export type EntityId<B extends string> = Brand<string, B>;

const OBJECT_ID = /^[0-9a-f]{24}$/i;

export const isObjectIdString = (s: string): boolean => OBJECT_ID.test(s);

export const parseId =
  <B extends string>(kind: B) =>
  (s: string): E.Either<string, EntityId<B>> =>
    OBJECT_ID.test(s) ? E.right(s.toLowerCase() as EntityId<B>) : E.left(`must be a 24-character hex ${kind}`);

/**
 * An id from a source we trust to make valid ones (our own generator, our own database),
 * branded by its parser all the same: a malformed one there is a bug, so it throws.
 */
export const trustedId = <B extends string>(parse: (s: string) => E.Either<string, EntityId<B>>, s: string): EntityId<B> => {
  const parsed = parse(s);
  if (E.isLeft(parsed)) throw new Error(`malformed id ${JSON.stringify(s)}: ${parsed.left}`);
  return parsed.right;
};
