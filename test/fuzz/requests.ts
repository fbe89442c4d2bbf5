import fc from 'fast-check';
import { arbitraryFromCodec, fieldNamesOf, type CodecArbitraryOptions } from './arbitraries-from-codec';
import { percentEncode, junkHeaders, junkQuery, junkSegment, junkValue, operatorKey, rawJunkBody, type RawBody } from './junk';
import type { RawRequest } from './raw-http';
import { type Codec, FIELD_HINTS, type RouteSpec } from './route-codecs';
import type { RouterRoute } from './router-routes';
import { type CredentialName, FORGED_CREDENTIALS, ID_REFS, ref, REF_TOKEN, resolveRefs, upperRef, type World } from './world';

/**
 * One generated request, as plain data: what the fuzzer decided, not yet the bytes. Ids,
 * secrets and credentials are names resolved against the world when it is sent, which keeps
 * cases readable in a counterexample and valid across a world rebuild.
 */
export interface FuzzCase {
  readonly credential: CredentialName;
  readonly method: string;
  readonly params: Readonly<Record<string, string>>;
  readonly spelling: PathSpelling;
  readonly query?: string;
  readonly body?: { readonly json: unknown } | { readonly raw: RawBody };
  readonly headers: Readonly<Record<string, string>>;
  /** Which generator made the body: `valid` cases are the ones expected to reach the handler. */
  readonly shape: 'valid' | 'near-miss' | 'junk';
}

export const SPELLINGS = [
  'canonical',
  'upperCase',
  'upperFirstSegment',
  'trailingSlash',
  'doubleSlash',
  'leadingDoubleSlash',
  'dotSegment',
  'dotDotSegment',
  'encodedDotSegment',
  'encodedLetter',
  'encodedSlash',
  'matrixParameter',
  'backslash',
  'absoluteForm',
] as const;
export interface PathSpelling {
  readonly style: (typeof SPELLINGS)[number];
  /** Where in the path the change goes (taken modulo the number of places). */
  readonly at: number;
}

/** Methods Node's HTTP parser lets through to the app (others never reach it). */
const STANDARD_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'];
const ODD_METHODS = ['PROPFIND', 'PROPPATCH', 'MKCOL', 'COPY', 'MOVE', 'LOCK', 'UNLOCK', 'SEARCH', 'PURGE', 'REPORT', 'MKCALENDAR', 'LINK', 'UNLINK', 'NOTIFY', 'SUBSCRIBE', 'M-SEARCH', 'ACL', 'BIND', 'QUERY'];

const hex24 = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 24, maxLength: 24 });
/** Ids that exist (every kind, in every id slot), the same in upper case, and ids that do not. */
const objectIds: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ID_REFS).map(ref) },
  { weight: 2, arbitrary: hex24 },
  { weight: 1, arbitrary: fc.constantFrom(...ID_REFS).map(upperRef) },
);

const codecOptions = (spec: RouteSpec): CodecArbitraryOptions => ({ fields: { ...FIELD_HINTS, ...(spec.fields ?? {}) }, objectIds });

const credential: fc.Arbitrary<CredentialName> = fc.oneof(
  { weight: 5, arbitrary: fc.constant('admin' as const) },
  { weight: 3, arbitrary: fc.constant('user' as const) },
  { weight: 2, arbitrary: fc.constant('adminKey' as const) },
  { weight: 1, arbitrary: fc.constant('userKey' as const) },
  { weight: 1, arbitrary: fc.constant('adminLowercaseBearer' as const) },
  { weight: 2, arbitrary: fc.constant('none' as const) },
  { weight: 3, arbitrary: fc.constantFrom(...FORGED_CREDENTIALS) },
);

/** Percent-encodes a value for a path or query, leaving `@@ref:…@@` names to be resolved later. */
const encodeSegment = (value: unknown): string =>
  String(value)
    .split(REF_TOKEN)
    .map((part, i) => (i % 2 === 1 ? part : percentEncode(part)))
    .join('');

/** A valid object with one thing wrong: the commonest real-world bad request. */
const nearMiss = (valid: fc.Arbitrary<unknown>, fields: readonly string[]): fc.Arbitrary<unknown> =>
  fc
    .tuple(valid, fc.nat(), junkValue, operatorKey, fc.constantFrom('replace', 'remove', 'unknownKey', 'operatorKey', 'operatorInField', 'wrapInArray', 'asString', 'nullField'))
    .map(([v, i, junk, op, how]) => {
      if (typeof v !== 'object' || v === null || Array.isArray(v)) return junk;
      const o: Record<string, unknown> = { ...(v as Record<string, unknown>) };
      const field = fields.length > 0 ? fields[i % fields.length]! : 'field';
      switch (how) {
        case 'replace':
          o[field] = junk;
          return o;
        case 'remove':
          delete o[field];
          return o;
        case 'unknownKey':
          o[`extra${i % 7}`] = junk;
          return o;
        case 'operatorKey':
          Object.defineProperty(o, op, { value: junk, enumerable: true, configurable: true, writable: true });
          return o;
        case 'operatorInField':
          o[field] = { [op]: o[field] ?? '' };
          return o;
        case 'nullField':
          o[field] = null;
          return o;
        case 'wrapInArray':
          return [o];
        case 'asString':
          return JSON.stringify(o);
      }
    });

const paramsFor = (route: RouterRoute, spec: RouteSpec, withJunk: boolean): fc.Arbitrary<Record<string, string>> => {
  const names = [...route.template.matchAll(/:(\w+)/g)].map((m) => m[1]!);
  if (names.length === 0) return fc.constant({});
  const valid = spec.params ? arbitraryFromCodec(spec.params, codecOptions(spec)).map((p) => Object.fromEntries(Object.entries(p as object).map(([k, v]) => [k, encodeSegment(v)]))) : fc.constant(Object.fromEntries(names.map((n) => [n, 'x'])));
  const broken = fc.tuple(valid, fc.nat(), junkSegment).map(([p, i, junk]) => ({ ...p, [names[i % names.length]!]: junk }));
  return withJunk ? fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: broken }) : valid;
};

const validQuery = (codec: Codec, spec: RouteSpec): fc.Arbitrary<string> =>
  arbitraryFromCodec(codec, codecOptions(spec)).map((q) =>
    Object.entries(q as Record<string, unknown>)
      .map(([k, v]) => `${percentEncode(k)}=${encodeSegment(v)}`)
      .join('&'),
  );

const queryFor = (spec: RouteSpec): fc.Arbitrary<string | undefined> => {
  const none = fc.constant(undefined);
  if (!spec.query) return fc.oneof({ weight: 4, arbitrary: none }, { weight: 1, arbitrary: junkQuery });
  const valid = validQuery(spec.query, spec);
  return fc.oneof({ weight: 2, arbitrary: none }, { weight: 4, arbitrary: valid }, { weight: 2, arbitrary: junkQuery }, { weight: 1, arbitrary: fc.tuple(valid, junkQuery).map(([a, b]) => `${a}&${b}`) });
};

type Body = { readonly body?: FuzzCase['body']; readonly shape: FuzzCase['shape'] };

const bodyFor = (spec: RouteSpec): fc.Arbitrary<Body> => {
  const junk: fc.Arbitrary<Body> = fc.oneof(junkValue.map((json) => ({ body: { json }, shape: 'junk' as const })), rawJunkBody.map((raw) => ({ body: { raw }, shape: 'junk' as const })));
  if (!spec.body) return fc.oneof({ weight: 6, arbitrary: fc.constant({ shape: 'valid' as const }) }, { weight: 1, arbitrary: junk });
  const valid = arbitraryFromCodec(spec.body, codecOptions(spec));
  return fc.oneof(
    { weight: 9, arbitrary: valid.map((json) => ({ body: { json }, shape: 'valid' as const })) },
    { weight: 6, arbitrary: nearMiss(valid, fieldNamesOf(spec.body)).map((json) => ({ body: { json }, shape: 'near-miss' as const })) },
    { weight: 2, arbitrary: fc.dictionary(fc.constantFrom(...fieldNamesOf(spec.body), 'x'), junkValue, { maxKeys: 4 }).map((json) => ({ body: { json }, shape: 'junk' as const })) },
    { weight: 3, arbitrary: junk },
    { weight: 1, arbitrary: fc.constant({ shape: 'junk' as const }) },
  );
};

const methodFor = (route: RouterRoute): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 16, arbitrary: fc.constant(route.method) },
    { weight: route.method === 'GET' ? 2 : 0, arbitrary: fc.constant('HEAD') },
    { weight: 2, arbitrary: fc.constantFrom(...STANDARD_METHODS) },
    { weight: 1, arbitrary: fc.constantFrom(...ODD_METHODS) },
  );

const spelling: fc.Arbitrary<PathSpelling> = fc.oneof(
  { weight: 8, arbitrary: fc.constant({ style: 'canonical' as const, at: 0 }) },
  { weight: 3, arbitrary: fc.record({ style: fc.constantFrom(...SPELLINGS.slice(1)), at: fc.nat(20) }) },
);

/**
 * A request a well-behaved client with real credentials would send: codec-valid everywhere, the
 * route's own method and spelling. These reach the handlers and their use cases, with ids that
 * exist and ids that do not.
 */
const wellFormed = (route: RouterRoute, spec: RouteSpec): fc.Arbitrary<FuzzCase> =>
  fc
    .record({
      credential: fc.constantFrom<CredentialName>('admin', 'admin', 'user', 'adminKey', 'userKey'),
      params: paramsFor(route, spec, false),
      query: spec.query ? fc.option(validQuery(spec.query, spec), { nil: undefined, freq: 4 }) : fc.constant(undefined),
      body: spec.body ? arbitraryFromCodec(spec.body, codecOptions(spec)) : fc.constant(undefined),
    })
    .map(({ query, body, ...rest }) => ({
      ...rest,
      method: route.method,
      spelling: { style: 'canonical' as const, at: 0 },
      headers: {},
      shape: 'valid' as const,
      ...(query === undefined ? {} : { query }),
      ...(body === undefined ? {} : { body: { json: body } }),
    }));

/** Anything at all: every dimension of the request drawn from valid values and from junk. */
const mixed = (route: RouterRoute, spec: RouteSpec): fc.Arbitrary<FuzzCase> =>
  fc
    .record({
      credential,
      method: methodFor(route),
      params: paramsFor(route, spec, true),
      spelling,
      query: queryFor(spec),
      body: bodyFor(spec),
      headers: fc.oneof({ weight: 5, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: junkHeaders }),
    })
    .map(({ body, query, ...rest }) => ({ ...rest, ...(query === undefined ? {} : { query }), ...(body.body === undefined ? {} : { body: body.body }), shape: body.shape }));

/** Every kind of request the fuzzer makes to `route`. */
export const fuzzCase = (route: RouterRoute, spec: RouteSpec): fc.Arbitrary<FuzzCase> => fc.oneof({ weight: 1, arbitrary: wellFormed(route, spec) }, { weight: 2, arbitrary: mixed(route, spec) });

const boundaries = (path: string): number[] => [...path.matchAll(/\//g)].map((m) => m.index!).filter((i) => i > 0);

/** The path as `spelling` writes it. */
export const spell = (path: string, { style, at }: PathSpelling): string => {
  const slashes = boundaries(path);
  const slash = slashes.length > 0 ? slashes[at % slashes.length]! : path.length;
  const letters = [...path.matchAll(/[a-z]/g)].map((m) => m.index!);
  const letter = letters.length > 0 ? letters[at % letters.length]! : 1;
  switch (style) {
    case 'canonical':
      return path;
    case 'upperCase':
      return path.toUpperCase();
    case 'upperFirstSegment':
      return path.replace(/^\/[^/]+/, (s) => s.toUpperCase());
    case 'trailingSlash':
      return `${path}/`;
    case 'doubleSlash':
      return `${path.slice(0, slash)}/${path.slice(slash)}`;
    case 'leadingDoubleSlash':
      return `/${path}`;
    case 'dotSegment':
      return `${path.slice(0, slash)}/.${path.slice(slash)}`;
    case 'dotDotSegment':
      return `${path.slice(0, slash)}/x/..${path.slice(slash)}`;
    case 'encodedDotSegment':
      return `${path.slice(0, slash)}/%2e${path.slice(slash)}`;
    case 'encodedLetter':
      return `${path.slice(0, letter)}%${path.charCodeAt(letter).toString(16)}${path.slice(letter + 1)}`;
    case 'encodedSlash':
      return slashes.length > 0 ? `${path.slice(0, slash)}%2F${path.slice(slash + 1)}` : path;
    case 'matrixParameter':
      return `${path.slice(0, slash)};x=1${path.slice(slash)}`;
    case 'backslash':
      return slashes.length > 0 ? `${path.slice(0, slash)}\\${path.slice(slash + 1)}` : path;
    case 'absoluteForm':
      return `http://127.0.0.1${path}`;
  }
};

const resolve = (s: string, world: World): string => resolveRefs(s, world);
const resolveDeep = (value: unknown, world: World): unknown => {
  if (typeof value === 'string') return resolve(value, world);
  if (Array.isArray(value)) return value.map((v) => resolveDeep(v, world));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, k, { value: resolveDeep(v, world), enumerable: true, configurable: true, writable: true });
    return out;
  }
  return value;
};

/** The bytes of a case, against this world. */
export const toRawRequest = (route: RouterRoute, c: FuzzCase, world: World): RawRequest => {
  const path = route.template.replace(/:(\w+)/g, (_m, name: string) => resolve(c.params[name] ?? '', world));
  const headers: Record<string, string> = { ...c.headers, ...world.credentials[c.credential] };
  let body: Buffer | undefined;
  if (c.body && 'json' in c.body) {
    body = Buffer.from(JSON.stringify(resolveDeep(c.body.json, world)) ?? 'null');
    headers['content-type'] ??= 'application/json';
  } else if (c.body && 'raw' in c.body) {
    body = c.body.raw.bytes;
    if (c.body.raw.contentType) headers['content-type'] = c.body.raw.contentType;
    Object.assign(headers, c.body.raw.extraHeaders ?? {});
  }
  return { method: c.method, path: spell(path, c.spelling) + (c.query === undefined ? '' : `?${resolve(c.query, world)}`), headers, ...(body === undefined ? {} : { body }) };
};
