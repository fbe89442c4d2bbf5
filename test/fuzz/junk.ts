import fc from 'fast-check';

/*
 * What a hostile or broken client sends instead of what the codec asks for. Each arbitrary is
 * named after the class of junk it stands for; the route properties mix them with codec-valid
 * values and with near misses (a valid value with one field broken).
 */

/** encodeURIComponent, which throws on a lone surrogate; those become U+FFFD (raw bytes are sent elsewhere). */
export const percentEncode = (s: string): string => encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

/** Characters that have fooled identity checks, parsers and log readers. */
export const NASTY_CHARACTERS = [
  '\u0000', // NUL
  '\u0007',
  '\u001b', // ESC (terminal escapes in logs)
  '\u007f', // DEL
  '\u0085', // NEL (C1)
  '\u009b', // CSI (C1)
  '\u00a0', // NBSP
  '\u00ad', // soft hyphen
  '\u034f', // combining grapheme joiner
  '\u061c', // Arabic letter mark
  '\u180e', // Mongolian vowel separator
  '\u200b', // zero-width space
  '\u200c', // ZWNJ
  '\u200d', // ZWJ
  '\u200e', // LRM
  '\u200f', // RLM
  '\u2028', // line separator
  '\u2029', // paragraph separator
  '\u202a', // LRE
  '\u202e', // RLO (bidi override)
  '\u2066', // LRI
  '\u2069', // PDI
  '\u2060', // word joiner
  '\ufeff', // BOM / ZWNBSP
  '\ufffd',
  '\uffff',
  '\ud800', // lone high surrogate
  '\udfff', // lone low surrogate
  '\ud83d\ude00', // an emoji (a valid pair)
  'e\u0301', // decomposed é (NFD)
  '\u00e9', // composed é (NFC)
  '\u212a', // Kelvin sign (case-folds to k)
  'ß',
  'İ', // dotted capital I (case mapping grows)
  '\uff41', // fullwidth a
  'а', // Cyrillic a (homoglyph)
] as const;

/** Strings that mean something to some layer (a database, a template, a path, a shell, a log). */
const LOADED_STRINGS = [
  '',
  ' ',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '0x1f',
  ' 1',
  '1 ',
  '+1',
  '01',
  '1.5',
  '9007199254740993',
  'true',
  '$gt',
  '$where',
  '{"$ne":null}',
  '.*',
  '^(a+)+$',
  '(?=a)*',
  '\\',
  '../../etc/passwd',
  '%00',
  '%2e%2e%2f',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  "' OR '1'='1",
  '${7*7}',
  '{{7*7}}',
  '\r\nSet-Cookie: x=1',
  'admin@nexus.test\u0000',
  'ROOT@NEXUS.TEST',
  '*',
  '*:*',
  'sk_',
  'Bearer x',
] as const;

export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...LOADED_STRINGS),
  fc.array(fc.oneof(fc.constantFrom(...NASTY_CHARACTERS), fc.string({ maxLength: 3 })), { minLength: 1, maxLength: 8 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
);

/** Over every field limit, up to past the body limit (100 kB: a 413). */
export const hugeString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(257, 321, 1_001, 50_001, 99_000, 150_000).map((n) => 'A'.repeat(n)),
  fc.constantFrom(2_000, 40_000).map((n) => '\u200b'.repeat(n)),
  fc.constantFrom(1_000, 30_000).map((n) => '\ud83d\ude00'.repeat(n)),
);

/** Nesting around the operator-key scanner's limit (32); deeper nesting goes as raw text (see rawJunkBody). */
const deepNesting: fc.Arbitrary<unknown> = fc.tuple(fc.constantFrom(10, 31, 33, 40), fc.boolean()).map(([depth, arrays]) => {
  let v: unknown = 'x';
  for (let i = 0; i < depth; i++) v = arrays ? [v] : { a: v };
  return v;
});

/** JSON nested far deeper than any field, as text (as an object it would overflow the reporter's stack). */
const deepJsonText: fc.Arbitrary<RawBody> = fc.tuple(fc.constantFrom(200, 5_000, 40_000), fc.constantFrom('array', 'object', 'operator')).map(([depth, kind]) => {
  const [open, close] = kind === 'array' ? ['[', ']'] : kind === 'object' ? ['{"a":', '}'] : ['{"$where":', '}'];
  return { bytes: Buffer.from(`{"name":${open.repeat(depth)}1${close.repeat(depth)}}`), contentType: 'application/json' };
});

/** Keys a MongoDB query or a JS object treats specially. */
export const operatorKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('$gt', '$ne', '$in', '$regex', '$where', '$expr', '$or', '$set', '$function', 'a.b', 'email.$', '.', '$', 'user.role', '__proto__', 'constructor', 'prototype'),
  fc.string({ minLength: 1, maxLength: 6 }).map((s) => `$${s}`),
  fc.tuple(fc.string({ minLength: 1, maxLength: 4 }), fc.string({ maxLength: 4 })).map(([a, b]) => `${a}.${b}`),
);

const operatorObject: fc.Arbitrary<unknown> = fc.tuple(operatorKey, fc.oneof(fc.constant(''), fc.constant(null), fc.constant(1), fc.constant({ $ne: null }), fc.constant([]))).map(([k, v]) => ({ [k]: v }));

/** A value of the wrong kind for almost any field. */
export const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 1, arbitrary: hugeString },
  { weight: 2, arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, -0, 1e308, -1e308, 2 ** 53 + 2, 151, 1_000_001) },
  { weight: 2, arbitrary: fc.constantFrom([], {}, [null], [''], ['a', 'b'], { length: 1 }, [[[]]]) },
  { weight: 2, arbitrary: operatorObject },
  { weight: 1, arbitrary: deepNesting },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** A body that is not the JSON object the route wants: raw bytes and the content type they came with. */
export interface RawBody {
  readonly bytes: Buffer;
  readonly contentType?: string;
  readonly extraHeaders?: Readonly<Record<string, string>>;
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v) ?? 'null');

export const rawJunkBody: fc.Arbitrary<RawBody> = fc.oneof(
  // Not JSON, broken JSON, JSON that is not an object.
  fc.constantFrom('', '{', '{"a":', '{"a":1,}', "{'a':1}", 'nul', 'NaN', '[1,2', '{"a":1}{"b":2}', '\u0000', '{"a":"\\ud800"}', '{"a":"\\u0000"}').map((s) => ({ bytes: Buffer.from(s), contentType: 'application/json' })),
  fc.constantFrom('null', '0', '"text"', 'true', '[]', '[{}]').map((s) => ({ bytes: Buffer.from(s), contentType: 'application/json' })),
  // Prototype keys as JSON text (a JS object literal would set the prototype instead of a key).
  fc.constantFrom('{"__proto__":{"isAdmin":true}}', '{"constructor":{"prototype":{"isAdmin":true}}}', '{"email":"a@b.io","email":"root@nexus.test"}').map((s) => ({ bytes: Buffer.from(s), contentType: 'application/json' })),
  // Bytes that are not UTF-8, a BOM, another charset.
  fc.constantFrom(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), Buffer.from([0xff, 0xfe, 0x7b, 0x00, 0x7d, 0x00]), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json({})])).map((bytes) => ({ bytes, contentType: 'application/json' })),
  fc.constantFrom('application/json; charset=utf-16', 'application/json; charset=latin1', 'application/json; charset=nope').map((contentType) => ({ bytes: json({ a: 'é' }), contentType })),
  // JSON sent under another name, and other kinds of body.
  fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/merge-patch+json', 'application/vnd.api+json', '*/*', 'application/json, text/plain', 'invalid content type').map((contentType) => ({ bytes: json({ email: 'a@b.io' }), contentType })),
  fc.constant({ bytes: Buffer.from('email=a%40b.io&password=x'), contentType: 'application/x-www-form-urlencoded' }),
  // A content encoding the body does not have, or does not exist.
  fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip').map((encoding) => ({ bytes: json({ a: 1 }), contentType: 'application/json', extraHeaders: { 'content-encoding': encoding } })),
  // Over the body limit, and nested past any sane depth.
  fc.constant({ bytes: json({ a: 'A'.repeat(120_000) }), contentType: 'application/json' }),
  deepJsonText,
);

/** A query string (without the `?`), percent-encoded, with the classes of junk a query can carry. */
export const junkQuery: fc.Arbitrary<string> = fc.oneof(
  // The same key twice (Koa turns it into an array).
  fc.tuple(fc.constantFrom('page', 'limit', 'sortBy', 'search', 'status', 'format', 'action', 'actorId', 'x'), fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 })).map(([k, a, b]) => `${k}=${percentEncode(a)}&${k}=${percentEncode(b)}`),
  // Operator and dotted keys, bracket syntax.
  fc.tuple(operatorKey, fc.string({ maxLength: 5 })).map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`),
  fc.constantFrom('page[$gt]=1', 'page[]=1', 'limit[0]=1', 'search[$regex]=.*', 'a[b][c]=1', '__proto__[x]=1', 'constructor=1', 'toString=1', 'hasOwnProperty=1'),
  // Broken percent-encoding, NUL, raw unicode encoded, empty keys and values.
  fc.constantFrom('page=%zz', 'page=%', 'search=%E0%A4%A', 'search=%00', 'search=%C0%AE', 'search=%ED%A0%80', '=', '&&&', 'page', 'page=&limit=', 'search=+', 'a=1;b=2'),
  fc.tuple(fc.constantFrom('page', 'limit', 'search', 'sortBy', 'status', 'format', 'action', 'actorId'), fc.oneof(nastyString, fc.constantFrom('0', '-1', '101', '1000001', '1e2', '0x10', '2.5', ' 2', 'NaN'))).map(([k, v]) => `${k}=${percentEncode(v)}`),
  fc.constant(`search=${'a'.repeat(5_000)}`),
  fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 4 }), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 4 }).map((kv) => kv.map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&')),
);

/** A path segment where an id (or a queue name) goes. */
export const junkSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('', '.', '..', '%2e', '%2e%2e', '%2f', '..%2f..%2fhealth', '%00', '%', '%zz', '%E0%A4%A', '%C0%AE', 'null', 'undefined', '$gt', '%24ne', '*', ';x=1', 'me', 'stats', 'export'),
  fc.constantFrom(23, 25, 24).chain((n) => fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFgxz'), minLength: n, maxLength: n })),
  fc.constant('a'.repeat(2_000)),
  nastyString.map(percentEncode),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }).map(percentEncode),
);

/** Headers around the request that are not credentials: ids, content negotiation, cookies, origin. */
export const junkHeaders: fc.Arbitrary<Record<string, string>> = fc.record(
  {
    'x-request-id': fc.oneof(fc.constant('fuzz-id'), fc.constant('a'.repeat(200)), fc.constant('../../x'), fc.constant('id with spaces'), fc.constant('\u00e9\u00ff'), fc.constant('')),
    accept: fc.constantFrom('text/html', 'application/xml', '*/*', 'application/json;q=0', 'nonsense'),
    'accept-encoding': fc.constantFrom('gzip', 'br', 'deflate', 'identity;q=0', '*;q=0', 'x-unknown', 'gzip;q=2'),
    origin: fc.constantFrom('https://evil.example.com', 'null', 'https://app.example.com'),
    cookie: fc.constantFrom('nexus_refresh=abc', 'nexus_refresh=abc; nexus_csrf=x', 'nexus_csrf=', 'a=b; a=c', '=;;;', `nexus_refresh=${'x'.repeat(5_000)}`),
    'x-csrf-token': fc.constantFrom('x', '', 'a'.repeat(300)),
    'x-forwarded-for': fc.constantFrom('1.2.3.4', 'not-an-ip', '127.0.0.1, 10.0.0.1', ''),
    'x-no-compression': fc.constant('1'),
    'if-none-match': fc.constant('"x"'),
    range: fc.constant('bytes=0-1'),
  },
  { requiredKeys: [] },
);
