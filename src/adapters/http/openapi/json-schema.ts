import type * as t from 'io-ts';

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1). */
export type JsonSchema = { readonly [keyword: string]: unknown };

type AnyCodec = t.Decoder<unknown, unknown> & { readonly name: string };

interface Tagged {
  readonly _tag: string;
}

/**
 * What a codec checks that its structure does not show (a pattern, a format, a length), for
 * codecs io-ts cannot describe: refinements, brands and the hand-made `t.Type`s of decode.ts.
 * Registered by instance; the schema given is the whole schema of that codec.
 */
const annotations = new WeakMap<object, JsonSchema>();

/** `codec` is described by `schema` in the document (returns the codec, so it can wrap a declaration). */
export const annotate = <C extends object>(codec: C, schema: JsonSchema): C => {
  annotations.set(codec, schema);
  return codec;
};

/**
 * The hand-made codecs of decode.ts (and the codecs built with them), recognised by the names
 * their factories give them. The schema accepts what the codec accepts on input, as a client
 * writes it; a codec this table does not know is an error (teach it here or `annotate` it).
 */
const BY_NAME: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray) => JsonSchema]> = [
  [/^string\(<=(\d+)\)$/, (m) => ({ type: 'string', maxLength: Number(m[1]) })],
  [/^integer\((-?\d+)\.\.(-?\d+)\)$/, (m) => ({ type: 'integer', minimum: Number(m[1]), maximum: Number(m[2]) })],
  [/^ObjectId$/, () => ({ type: 'string', pattern: '^[0-9a-fA-F]{24}$', description: 'A 24-character hex id' })],
  // The domain's parser trims, folds case and refuses invisible characters; its limit is 254 after that.
  [/^Email$/, () => ({ type: 'string', minLength: 1, maxLength: 320, description: 'An e-mail address (case-folded, NFC)' })],
  [/^Name$/, () => ({ type: 'string', minLength: 1, maxLength: 400, description: 'A display name: 1 to 100 characters once normalised' })],
  [/^DateTime$/, () => ({ type: 'string', format: 'date-time', description: 'ISO 8601 date-time with a zone (a date that does not exist is refused)' })],
  [/^TotpCode$/, () => ({ type: 'string', pattern: '^\\s*(\\d\\s*){6}$', description: 'The 6-digit code of an authenticator app (spaces are ignored)' })],
];
const ONE_OF = /^[\w*.:-]+(\|[\w*.:-]+)+$|^[\w*.:-]+$/;

const isTagged = (u: unknown): u is Tagged => typeof u === 'object' && u !== null && typeof (u as Tagged)._tag === 'string';

export interface SchemaOptions {
  /** Codecs that are components of the document: referenced as `#/components/schemas/<name>`. */
  readonly refs?: ReadonlyMap<object, string>;
  /**
   * Objects allow no key beyond their properties (for what the API answers: a field a handler
   * adds without declaring it is a mismatch, not silently documented as "anything else").
   */
  readonly closed?: boolean;
}

/** The JSON Schema of what `codec` accepts (for response codecs: what they describe). */
export const toJsonSchema = (codec: AnyCodec, options: SchemaOptions = {}): JsonSchema => walk(codec, options, 0);

const walk = (codec: AnyCodec, options: SchemaOptions, depth: number): JsonSchema => {
  if (depth > 30) throw new Error(`toJsonSchema: codec "${codec.name}" nests deeper than 30 levels`);
  const ref = options.refs?.get(codec);
  if (ref) return { $ref: `#/components/schemas/${ref}` };
  const annotated = annotations.get(codec);
  if (annotated) return annotated;
  const next = (c: unknown): JsonSchema => walk(c as AnyCodec, options, depth + 1);
  if (!isTagged(codec)) return custom(codec, next);
  const c = codec as unknown as Record<string, unknown> & Tagged;
  switch (c._tag) {
    case 'InterfaceType':
    case 'StrictType':
      return object(c['props'] as t.Props, true, next, options.closed === true);
    case 'PartialType':
      return object(c['props'] as t.Props, false, next, options.closed === true);
    case 'ExactType':
      return closed(next(c['type']));
    case 'ReadonlyType':
      return next(c['type']);
    case 'RefinementType':
      // A brand or refinement with no annotation: its base type (the predicate says more than the schema).
      return next(c['type']);
    case 'IntersectionType':
      return intersection((c['types'] as unknown[]).map(next));
    case 'UnionType':
      return union((c['types'] as unknown[]).map(next));
    case 'LiteralType':
      return { const: c['value'] };
    case 'KeyofType':
      return { type: 'string', enum: Object.keys(c['keys'] as object) };
    case 'StringType':
      return { type: 'string' };
    case 'NumberType':
      return { type: 'number' };
    case 'BooleanType':
      return { type: 'boolean' };
    case 'NullType':
      return { type: 'null' };
    case 'UnknownType':
    case 'AnyType':
      return {};
    case 'UnknownRecordType':
      return { type: 'object' };
    case 'UnknownArrayType':
      return { type: 'array' };
    case 'ArrayType':
    case 'ReadonlyArrayType':
      return { type: 'array', items: next(c['type']) };
    case 'TupleType': {
      const items = (c['types'] as unknown[]).map(next);
      return { type: 'array', prefixItems: items, minItems: items.length, maxItems: items.length };
    }
    case 'DictionaryType':
      return { type: 'object', propertyNames: next(c['domain']), additionalProperties: next(c['codomain']) };
    default:
      throw new Error(`toJsonSchema: no rule for io-ts _tag "${c._tag}" (codec "${codec.name}")`);
  }
};

const custom = (codec: AnyCodec, next: (c: unknown) => JsonSchema): JsonSchema => {
  const shape = (codec as { shape?: unknown; closed?: boolean }).shape;
  // strictObject (decode.ts): its inner shape, with no other key allowed.
  if (shape !== undefined) return (codec as { closed?: boolean }).closed ? closed(next(shape)) : next(shape);
  for (const [pattern, schema] of BY_NAME) {
    const m = pattern.exec(codec.name);
    if (m) return schema(m);
  }
  // oneOf (decode.ts) is named after its values: `asc|desc`.
  if (ONE_OF.test(codec.name)) {
    const values = codec.name.split('|');
    if (values.every((v) => (codec as unknown as t.Mixed).is(v))) return { type: 'string', enum: values };
  }
  throw new Error(`toJsonSchema: cannot describe the codec "${codec.name}"; annotate it (openapi/json-schema.ts) or teach BY_NAME its factory`);
};

const object = (props: t.Props, required: boolean, next: (c: unknown) => JsonSchema, closedObjects: boolean): JsonSchema => {
  const properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, next(v)]));
  const keys = Object.keys(props);
  return { type: 'object', properties, ...(required && keys.length > 0 ? { required: keys } : {}), ...(closedObjects ? { additionalProperties: false } : {}) };
};

const isPlainObject = (s: JsonSchema): boolean =>
  s['type'] === 'object' && Object.keys(s).every((k) => ['type', 'properties', 'required', 'additionalProperties'].includes(k));

/** No key beyond the listed properties (an object schema, or an object-intersection flattened into one). */
const closed = (s: JsonSchema): JsonSchema => {
  if (isPlainObject(s)) return { ...s, properties: s['properties'] ?? {}, additionalProperties: false };
  // `unevaluatedProperties` sees the properties of every branch of an allOf / anyOf.
  return { ...s, unevaluatedProperties: false };
};

/** Object parts are merged into one object (properties and required keys), anything else is an allOf. */
const intersection = (parts: JsonSchema[]): JsonSchema => {
  const open = parts.every((p) => p['additionalProperties'] === undefined);
  const closedParts = parts.every((p) => p['additionalProperties'] === false);
  if (parts.every(isPlainObject) && (open || closedParts)) {
    const properties = Object.assign({}, ...parts.map((p) => p['properties'] as object));
    const required = parts.flatMap((p) => (p['required'] as string[] | undefined) ?? []);
    return { type: 'object', properties, ...(required.length > 0 ? { required } : {}), ...(closedParts ? { additionalProperties: false } : {}) };
  }
  // A referenced component is closed on its own: under allOf it would refuse the other parts' fields.
  if (!open && parts.some((p) => p['$ref'] !== undefined)) {
    throw new Error('toJsonSchema: a closed intersection with a component reference cannot be described (inline its parts)');
  }
  // Closed parts that cannot be merged: each part open, the whole closed (it sees every part's properties).
  if (!open) return { allOf: parts.map(({ additionalProperties: _, ...rest }) => rest), unevaluatedProperties: false };
  return { allOf: parts };
};

const union = (members: JsonSchema[]): JsonSchema => {
  // `X | null` reads better as X's type plus null when X is a single-typed schema.
  if (members.length === 2) {
    const nullIndex = members.findIndex((m) => m['type'] === 'null' && Object.keys(m).length === 1);
    const other = members[1 - nullIndex];
    if (nullIndex >= 0 && other && typeof other['type'] === 'string' && other['enum'] === undefined) {
      return { ...other, type: [other['type'], 'null'] };
    }
  }
  return { anyOf: members };
};
