import * as E from 'fp-ts/Either';
import fc from 'fast-check';
import type * as t from 'io-ts';

/**
 * fast-check arbitraries derived from io-ts codecs: the values a well-behaved client would send
 * (the codec's *encoded* side, so a query integer comes out as the string `"5"`).
 *
 * io-ts's own combinators are walked by their `_tag`. The project's hand-made codecs in
 * src/adapters/http/decode.ts are plain `t.Type`s without a tag; they are recognised by their
 * names (`string(<=N)`, `integer(a..b)`, `ObjectId`, `a|b|c`, `Email`, `DateTime`), and `strictObject` is
 * opened by decoding a probe: its failure context names the inner io-ts type. A codec this file
 * cannot read is an error, so a new kind of codec cannot silently go unfuzzed.
 */

export interface CodecArbitraryOptions {
  /** Arbitraries by field name (the last key of the path), used instead of the codec's own. */
  readonly fields?: Readonly<Record<string, fc.Arbitrary<unknown>>>;
  /** Where ObjectId strings come from: a mix of ids that exist and ids that do not. */
  readonly objectIds?: fc.Arbitrary<string>;
  /** Upper bound on generated string length for long-limited fields (the limit itself is also tried). */
  readonly shortStrings?: number;
}

type AnyDecoder = t.Decoder<unknown, unknown> & { readonly name: string };

interface Tagged {
  readonly _tag: string;
}

const isTagged = (u: unknown): u is t.Mixed & Tagged => typeof u === 'object' && u !== null && typeof (u as Tagged)._tag === 'string';

const hex24 = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: 24, maxLength: 24 });

const PROBE = Symbol('codec-probe');

/**
 * `strictObject` hides its `t.type`/`t.partial` behind a custom validate. Decoding an object
 * whose every property reads as a symbol fails each field, and io-ts puts the inner type in
 * the failure's context: that is the shape to walk.
 */
const innerOfOpaqueObject = (codec: AnyDecoder): (t.Mixed & Tagged) | undefined => {
  const probe = new Proxy({}, { get: (_target, key) => (typeof key === 'string' ? PROBE : undefined) });
  const result = codec.decode(probe);
  if (E.isRight(result)) return undefined;
  for (const error of result.left) {
    const found = error.context.slice(1).find((entry) => isTagged(entry.type));
    if (found) return found.type as t.Mixed & Tagged;
  }
  return undefined;
};

const RANGE = /^integer\((-?\d+)\.\.(-?\d+)\)$/;
const MAX_LENGTH = /^string\(<=(\d+)\)$/;
const ONE_OF = /^[\w*.-]+(\|[\w*.-]+)*$/;

const stringUpTo = (max: number, short: number): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 8, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: Math.min(max, short) }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: Math.min(max, short) }) },
    // The limit itself: one character more is refused, this many must pass.
    { weight: 1, arbitrary: fc.constant('x'.repeat(max)) },
  );

/** A plausible e-mail address (fast-check's own RFC generator produces ones the domain may refuse). */
export const emailAddress = fc
  .tuple(fc.stringMatching(/^[a-z][a-z0-9]{0,11}$/), fc.stringMatching(/^[a-z0-9]{1,8}$/), fc.constantFrom('example.com', 'example.org', 'mail.example.net'))
  .map(([local, tag, domain]) => `${local}.${tag}@${domain}`);

const custom = (codec: AnyDecoder, key: string, options: CodecArbitraryOptions, depth: number): fc.Arbitrary<unknown> => {
  const encode = (a: unknown): unknown => ((codec as Partial<t.Mixed>).encode ? (codec as t.Mixed).encode(a) : a);
  const name = codec.name;
  const range = RANGE.exec(name);
  if (range) return fc.integer({ min: Number(range[1]), max: Number(range[2]) }).map(encode);
  const length = MAX_LENGTH.exec(name);
  if (length) return stringUpTo(Number(length[1]), options.shortStrings ?? 40).map(encode);
  if (name === 'ObjectId') return options.objectIds ?? hex24;
  if (name === 'Email') return emailAddress;
  if (name === 'TotpCode') return fc.stringMatching(/^\d{6}$/);
  if (name === 'DateTime') return fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
  if (ONE_OF.test(name)) {
    const values = name.split('|');
    if (values.every((v) => (codec as t.Mixed).is(v))) return fc.constantFrom(...values);
  }
  const inner = innerOfOpaqueObject(codec);
  if (inner) return walk(inner, key, options, depth);
  throw new Error(`arbitraries-from-codec: cannot derive values for the codec "${name}" (field "${key}"); teach test/fuzz/arbitraries-from-codec.ts about it`);
};

const record = (props: t.Props, required: boolean, options: CodecArbitraryOptions, depth: number): fc.Arbitrary<Record<string, unknown>> => {
  const model = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, walk(v, k, options, depth + 1)]));
  return required ? fc.record(model) : fc.record(model, { requiredKeys: [] });
};

const walk = (codec: AnyDecoder, key: string, options: CodecArbitraryOptions, depth: number): fc.Arbitrary<unknown> => {
  const hinted = options.fields?.[key];
  if (hinted) return hinted;
  if (depth > 12) throw new Error(`arbitraries-from-codec: codec "${codec.name}" nests deeper than 12 levels`);
  if (!isTagged(codec)) return custom(codec, key, options, depth);
  const c = codec as unknown as Record<string, unknown> & Tagged;
  switch (c._tag) {
    case 'InterfaceType':
    case 'StrictType':
      return record(c['props'] as t.Props, true, options, depth);
    case 'PartialType':
      return record(c['props'] as t.Props, false, options, depth);
    case 'ExactType':
    case 'ReadonlyType':
    case 'RecursiveType':
      return walk(c['type'] as AnyDecoder, key, options, depth + 1);
    case 'RefinementType': {
      // Branded types and t.refinement: the base values, kept only where the predicate holds.
      const predicate = c['predicate'] as (a: unknown) => boolean;
      return walk(c['type'] as AnyDecoder, key, options, depth + 1).filter((v) => predicate(v));
    }
    case 'IntersectionType': {
      const parts = (c['types'] as AnyDecoder[]).map((p) => walk(p, key, options, depth + 1));
      return fc.tuple(...parts).map((values) => Object.assign({}, ...values.map((v) => v as object)) as unknown);
    }
    case 'UnionType':
      return fc.oneof(...(c['types'] as AnyDecoder[]).map((p) => walk(p, key, options, depth + 1)));
    case 'LiteralType':
      return fc.constant(c['value']);
    case 'KeyofType':
      return fc.constantFrom(...Object.keys(c['keys'] as object));
    case 'StringType':
      return fc.string();
    case 'NumberType':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'BigIntType':
      return fc.bigInt();
    case 'BooleanType':
      return fc.boolean();
    case 'NullType':
      return fc.constant(null);
    case 'UndefinedType':
    case 'VoidType':
      return fc.constant(undefined);
    case 'UnknownType':
    case 'AnyType':
    case 'UnknownRecordType':
    case 'UnknownArrayType':
      return c._tag === 'UnknownArrayType' ? fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }) : c._tag === 'UnknownRecordType' ? fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }) : fc.jsonValue({ maxDepth: 2 });
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return fc.array(walk(c['type'] as AnyDecoder, key, options, depth + 1), { maxLength: 5 });
    case 'TupleType':
      return fc.tuple(...(c['types'] as AnyDecoder[]).map((p) => walk(p, key, options, depth + 1)));
    case 'DictionaryType':
      return fc.dictionary(walk(c['domain'] as AnyDecoder, key, options, depth + 1) as fc.Arbitrary<string>, walk(c['codomain'] as AnyDecoder, key, options, depth + 1), { maxKeys: 4 });
    default:
      throw new Error(`arbitraries-from-codec: no rule for io-ts _tag "${c._tag}" (codec "${codec.name}")`);
  }
};

/** Values `codec` accepts, as a client would send them. */
export const arbitraryFromCodec = (codec: AnyDecoder, options: CodecArbitraryOptions = {}): fc.Arbitrary<unknown> => walk(codec, '', options, 0);

/** The field names of an object codec (opened the same way), for junk that targets real fields. */
export const fieldNamesOf = (codec: AnyDecoder): string[] => {
  const shape = isTagged(codec) ? codec : innerOfOpaqueObject(codec);
  if (!shape) return [];
  const c = shape as unknown as Record<string, unknown> & Tagged;
  switch (c._tag) {
    case 'InterfaceType':
    case 'StrictType':
    case 'PartialType':
      return Object.keys(c['props'] as t.Props);
    case 'ExactType':
      return fieldNamesOf(c['type'] as AnyDecoder);
    case 'IntersectionType':
      return (c['types'] as AnyDecoder[]).flatMap(fieldNamesOf);
    default:
      return [];
  }
};
