import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import type { FieldError } from '../../domain/shared/field-error';
import { parseDateTime } from '../../domain/shared/date-time';
import { isObjectIdString } from '../../domain/shared/id';

/** An input that failed its codec: a 400 naming every bad field. */
export class BadInput extends Error {
  override readonly name = 'BadInput';
  constructor(readonly errors: readonly FieldError[]) {
    super('The request is not valid');
  }
}

/** Decodes or throws `BadInput`; the error middleware turns that into a 400 with field paths. */
export const decodeOrThrow = <A, O>(codec: t.Type<A, O, unknown>, value: unknown): A => {
  const result = codec.decode(value);
  if (E.isRight(result)) return result.right;
  throw new BadInput(toFieldErrors(result.left));
};

export const toFieldErrors = (errors: t.Errors): FieldError[] => {
  const seen = new Set<string>();
  const out: FieldError[] = [];
  for (const error of errors) {
    // One message per field: a `number | null` field fails both members, but one reason is enough.
    const path = fieldPath(error.context);
    if (seen.has(path)) continue;
    seen.add(path);
    out.push({ path: path || '(body)', message: error.message ?? describeExpected(error) });
  }
  return out;
};

const fieldPath = (context: t.Context): string =>
  context
    .filter((entry, i) => i > 0 && entry.key !== '' && !isUnionIndex(context, i))
    .map((entry) => entry.key)
    .join('.');

// io-ts puts union members and intersection parts in the context with numeric keys; they are not
// part of the field's path.
const isUnionIndex = (context: t.Context, i: number): boolean => {
  const parent = context[i - 1]?.type;
  return parent instanceof t.UnionType || parent instanceof t.IntersectionType;
};

const describeExpected = (error: t.ValidationError): string => {
  const last = error.context[error.context.length - 1];
  if (error.value === undefined) return 'is required';
  return `must be ${last?.type.name ?? 'valid'}`;
};

/**
 * An object codec that refuses keys it does not know, naming each one: a typo in a field name
 * must not be silently ignored. `optional` fields may be absent.
 */
export const strictObject = <P extends t.Props, O extends t.Props = Record<string, never>>(
  name: string,
  required: P,
  optional?: O,
) => {
  const inner = optional ? t.intersection([t.type(required), t.partial(optional)]) : t.type(required);
  const known = new Set([...Object.keys(required), ...Object.keys(optional ?? {})]);
  type A = t.TypeOf<t.TypeC<P>> & Partial<t.TypeOf<t.TypeC<O>>>;
  const codec = new t.Type<A, unknown, unknown>(
    name,
    (u): u is A => inner.is(u),
    (u, c) => {
      if (typeof u !== 'object' || u === null || Array.isArray(u)) return t.failure(u, c, 'must be a JSON object');
      const unknownKeys = Object.keys(u).filter((k) => !known.has(k));
      const unknownErrors: t.Errors = unknownKeys.map((k) => ({
        value: (u as Record<string, unknown>)[k],
        context: [...c, { key: k, type: t.never, actual: u }],
        message: 'is not an allowed field',
      }));
      const validated = inner.validate(u, t.appendContext(c, '', inner, u)) as t.Validation<A>;
      if (unknownErrors.length === 0) return validated;
      return t.failures([...unknownErrors, ...(E.isLeft(validated) ? validated.left : [])]);
    },
    (a) => a,
  );
  // The fields it takes, for tools that walk codecs (the OpenAPI document): no other key is allowed.
  return Object.assign(codec, { shape: inner, closed: true as const });
};

/** A string that satisfies `parse`; the parser's message becomes the field's error. */
export const parsedString = <B>(name: string, parse: (s: string) => E.Either<string, B>) =>
  new t.Type<B, string, unknown>(
    name,
    (u): u is B => typeof u === 'string' && E.isRight(parse(u)),
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c, u === undefined ? 'is required' : 'must be a string');
      const parsed = parse(u);
      return E.isRight(parsed) ? t.success(parsed.right) : t.failure(u, c, parsed.left);
    },
    (b) => b as unknown as string,
  );

/**
 * An ISO 8601 date-time with a zone, as a `Date`; a date that does not exist (30 February) is a
 * 400 naming the field, never rolled over into another day. Every date-time field uses this.
 */
export const DateTimeString = parsedString('DateTime', parseDateTime);

/** Scalars with human messages (io-ts's own names them by type, which a client cannot act on). */
export const Str = (max: number) =>
  new t.Type<string, string, unknown>(
    `string(<=${max})`,
    (u): u is string => typeof u === 'string' && u.length <= max,
    (u, c) =>
      typeof u !== 'string'
        ? t.failure(u, c, u === undefined ? 'is required' : 'must be a string')
        : u.length > max
          ? t.failure(u, c, `must be at most ${max} characters`)
          : t.success(u),
    t.identity,
  );

export const Int = (min: number, max: number) =>
  new t.Type<number, number, unknown>(
    `integer(${min}..${max})`,
    (u): u is number => typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max,
    (u, c) =>
      typeof u === 'number' && Number.isInteger(u) && u >= min && u <= max
        ? t.success(u)
        : t.failure(u, c, u === undefined ? 'is required' : `must be a whole number from ${min} to ${max}`),
    t.identity,
  );

/** A whole number in a query string (`?page=2`). */
export const IntFromQuery = (min: number, max: number) =>
  new t.Type<number, string, unknown>(
    `integer(${min}..${max})`,
    (u): u is number => typeof u === 'number',
    (u, c) => {
      const n = typeof u === 'string' && /^-?\d{1,15}$/.test(u) ? Number(u) : NaN;
      return Number.isInteger(n) && n >= min && n <= max ? t.success(n) : t.failure(u, c, `must be a whole number from ${min} to ${max}`);
    },
    String,
  );

/**
 * An entity id from the request, branded by its domain parser: the one way an id from outside
 * gets its type (`IdOf(parseUserId)` decodes to a `UserId`). Named like `ObjectIdString`, since
 * both accept the same strings.
 */
export const IdOf = <A extends string>(parse: (s: string) => E.Either<string, A>) =>
  new t.Type<A, string, unknown>(
    'ObjectId',
    (u): u is A => typeof u === 'string' && E.isRight(parse(u)),
    (u, c) => {
      const parsed = typeof u === 'string' ? parse(u) : E.left('');
      return E.isRight(parsed) ? t.success(parsed.right) : t.failure(u, c, 'must be a 24-character hex id');
    },
    t.identity,
  );

export const ObjectIdString = new t.Type<string, string, unknown>(
  'ObjectId',
  (u): u is string => typeof u === 'string' && isObjectIdString(u),
  (u, c) => (typeof u === 'string' && isObjectIdString(u) ? t.success(u.toLowerCase()) : t.failure(u, c, 'must be a 24-character hex id')),
  t.identity,
);

export const oneOf = <L extends string>(values: readonly L[]) =>
  new t.Type<L, string, unknown>(
    values.join('|'),
    (u): u is L => typeof u === 'string' && (values as readonly string[]).includes(u),
    (u, c) =>
      typeof u === 'string' && (values as readonly string[]).includes(u) ? t.success(u as L) : t.failure(u, c, `must be one of: ${values.join(', ')}`),
    t.identity,
  );
