import type * as t from 'io-ts';
import { type Access, API_ROUTES, type ApiRoute, type Codec, type DocumentedHeader, type SuccessResponse } from './api-routes';
import { type JsonSchema, toJsonSchema } from './json-schema';
import { COMPONENTS } from './views';
import { BODY_METHODS } from '../middleware/json-body';

/** A response object, or a reference to one under #/components/responses. */
export interface OpenApiResponse {
  readonly $ref?: string;
  readonly content?: Record<string, { schema: JsonSchema }>;
  readonly headers?: Record<string, unknown>;
}

/** An OpenAPI 3.1 document (plain JSON). */
export type OpenApiDocument = { readonly openapi: string; readonly paths: Record<string, Record<string, OpenApiOperation>> } & Record<string, unknown>;
export interface OpenApiOperation {
  readonly operationId: string;
  readonly responses: Record<string, OpenApiResponse>;
  readonly [key: string]: unknown;
}

/**
 * Failures every route can answer, whatever it does: a malformed request (path not canonical, a
 * malformed header or JSON body: 400), a bearer token or API key that does not check out (401,
 * public routes included), the rate limits (429), an unexpected fault (500), a dependency down or
 * the server overloaded (503). Every POST, PUT, PATCH and DELETE adds 413 and 415: the JSON body
 * parser reads what such a request sends (middleware/json-body.ts), whether the route uses it or not.
 */
export const COMMON_ERRORS = [400, 401, 429, 500, 503] as const;
export const BODY_ERRORS = [413, 415] as const;

const REASONS: Readonly<Record<number, string>> = {
  400: 'The request is not valid: `errors` names each bad field',
  401: 'No valid credentials (or a credential check failed)',
  403: 'Not allowed (a permission, an API key where a token is needed, a CSRF mismatch)',
  404: 'Not found',
  409: 'Conflicts with the current state',
  412: '`If-Match` names a version that is not the current one',
  413: 'The body is too large',
  415: 'The body is not JSON, or its Content-Encoding is not supported',
  429: 'Too many requests; Retry-After says when to try again',
  500: 'Internal error (logged with the request id)',
  503: 'A dependency is unavailable, or the server is overloaded; try again shortly',
};

const HEADERS: Readonly<Record<DocumentedHeader, { description: string; schema: JsonSchema }>> = {
  ETag: { description: 'Strong entity tag of the representation: send it back in If-None-Match (reads) or If-Match (writes)', schema: { type: 'string' } },
  Location: { description: 'Where the created resource is', schema: { type: 'string' } },
  'Retry-After': { description: 'Seconds to wait before trying again', schema: { type: 'string', pattern: '^\\d+$' } },
  'Set-Cookie': { description: 'Session cookies: nexus_refresh (httpOnly, /api/auth), nexus_csrf_binding (httpOnly, /api) and nexus_csrf (readable, /)', schema: { type: 'string' } },
  'Content-Disposition': { description: 'attachment; filename="users.json" or "users.ndjson"', schema: { type: 'string' } },
};

const SECURITY: Readonly<Record<Access, ReadonlyArray<Record<string, string[]>>>> = {
  public: [],
  caller: [{ bearerAuth: [] }, { apiKey: [] }],
  token: [{ bearerAuth: [] }],
  // A refresh token in the body needs no credential; the cookie needs the CSRF header with it.
  refresh: [{}, { refreshCookie: [], csrfHeader: [] }],
};

/** `/api/users/:id` -> `/api/users/{id}`. */
export const openApiPath = (template: string): string => template.replace(/:(\w+)/g, '{$1}');

const operationIdOf = (r: ApiRoute): string =>
  r.method.toLowerCase() +
  r.path
    .split('/')
    .filter((s) => s !== '' && s !== 'api')
    .map((s) => (s.startsWith(':') ? `By${cap(s.slice(1))}` : s.split(/[-.]/).map(cap).join('')))
    .join('');
const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The statuses a route's failures may have (its own and every route's). */
export const errorStatusesOf = (r: ApiRoute): number[] =>
  [...new Set([...COMMON_ERRORS, ...(r.body || BODY_METHODS.includes(r.method) ? BODY_ERRORS : []), ...(r.errors ?? [])])].sort((a, b) => a - b);

/** Every answer carries its request id (the client's X-Request-ID if sane, or a new one). */
const REQUEST_ID = { description: 'The request id: the one the client sent if it is a sane token, else a new one; also in error bodies and the logs', required: true, schema: { type: 'string' } };

const headersOf = (names: readonly DocumentedHeader[] = [], optional: readonly DocumentedHeader[] = []) => ({
  headers: {
    'X-Request-ID': REQUEST_ID,
    ...Object.fromEntries(names.map((n) => [n, { required: true, ...HEADERS[n] }])),
    ...Object.fromEntries(optional.map((n) => [n, { required: false, ...HEADERS[n] }])),
  },
});

export const buildOpenApiDocument = (info: { version: string } = { version: '0.1.0' }): OpenApiDocument => {
  const refs = new Map<object, string>(COMPONENTS.map(([codec, name]) => [codec, name]));
  const schema = (codec: Codec | t.Mixed): JsonSchema => toJsonSchema(codec, { refs });
  // What the API answers is described closed: an undeclared field in an answer is a mismatch.
  const answer = (codec: t.Mixed): JsonSchema => toJsonSchema(codec, { refs, closed: true });

  const envelope = (r: SuccessResponse): JsonSchema => ({
    type: 'object',
    required: ['success', 'statusCode', 'message', ...(r.data ? ['data'] : [])],
    properties: { success: { const: true }, statusCode: { const: r.status }, message: { type: 'string' }, ...(r.data ? { data: answer(r.data) } : {}) },
    additionalProperties: false,
  });

  const success = (r: SuccessResponse) => {
    const content = r.empty
      ? {}
      : r.raw
        ? { content: Object.fromEntries(Object.entries(r.raw).map(([type, c]) => [type, { schema: c === 'text' ? { type: 'string' } : answer(c) }])) }
        : { content: { 'application/json': { schema: envelope(r) } } };
    return [String(r.status), { description: r.description, ...headersOf(r.headers, r.optionalHeaders), ...content }] as const;
  };

  /** A failure with `status`: the error envelope with that statusCode (429 always says when to retry). */
  const failureResponse = (status: number, extra: readonly DocumentedHeader[] = []) => ({
    description: REASONS[status] ?? 'Failure',
    ...headersOf([...new Set<DocumentedHeader>([...(status === 429 ? (['Retry-After'] as const) : []), ...extra])]),
    content: { 'application/json': { schema: { allOf: [{ $ref: '#/components/schemas/ErrorEnvelope' }, { type: 'object', properties: { statusCode: { const: status } } }] } } },
  });
  const usedStatuses = new Set<number>();
  // Each failure is written once under #/components/responses, unless a route adds a header to it.
  const failure = (route: ApiRoute, status: number) => {
    const extra = route.errorHeaders?.[status];
    if (extra && extra.length > 0) return [String(status), failureResponse(status, extra)] as const;
    usedStatuses.add(status);
    return [String(status), { $ref: `#/components/responses/Error${status}` }] as const;
  };

  const parameters = (r: ApiRoute): unknown[] => {
    const out: unknown[] = [];
    const fromCodec = (codec: Codec | undefined, where: 'path' | 'query') => {
      if (!codec) return;
      const s = schema(codec);
      const required = new Set((s['required'] as string[] | undefined) ?? []);
      for (const [name, p] of Object.entries((s['properties'] as Record<string, JsonSchema> | undefined) ?? {})) {
        out.push({ name, in: where, required: where === 'path' || required.has(name), schema: p });
      }
    };
    fromCodec(r.params, 'path');
    fromCodec(r.query, 'query');
    if (r.conditional) {
      out.push({
        name: r.conditional,
        in: 'header',
        required: false,
        description: r.conditional === 'If-Match' ? 'The ETag of your last read: the write is refused with 412 if the resource changed since' : 'The ETag of your last read: 304 with no body if unchanged',
        schema: { type: 'string' },
      });
    }
    return out;
  };

  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  for (const r of API_ROUTES) {
    const path = openApiPath(r.path);
    const params = parameters(r);
    const operation: OpenApiOperation = {
      operationId: operationIdOf(r),
      tags: [r.tag],
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      security: SECURITY[r.access],
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(r.body
        ? { requestBody: { required: !r.bodyOptional, content: { 'application/json': { schema: schema(r.body) } }, ...(r.bodyOptional ? { description: 'An absent body is the same as {}' } : {}) } }
        : {}),
      responses: Object.fromEntries([...r.responses.map(success), ...errorStatusesOf(r).map((status) => failure(r, status))]),
    };
    (paths[path] ??= {})[r.method.toLowerCase()] = operation;
  }

  // Each component is written out in full once (its own entry left out of the references).
  const schemas = Object.fromEntries(COMPONENTS.map(([codec, name]) => [name, toJsonSchema(codec, { refs: new Map([...refs].filter(([c]) => c !== codec)), closed: true })]));
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'Nexus API',
      version: info.version,
      description:
        'User management, access control and background jobs. Every answer is the envelope `{success, statusCode, message, data}`; every failure `{success: false, statusCode, message, errors?, requestId}`, `errors` naming each bad field. Generated from the codecs the routes decode with (src/adapters/http/openapi).',
    },
    tags: [...new Set(API_ROUTES.map((r) => r.tag))].map((name) => ({ name })),
    security: SECURITY.caller,
    paths,
    components: {
      schemas,
      responses: Object.fromEntries([...usedStatuses].sort((a, b) => a - b).map((status) => [`Error${status}`, failureResponse(status)])),
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The accessToken of POST /api/auth/login' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'A key from POST /api/api-keys (never for managing credentials)' },
        refreshCookie: { type: 'apiKey', in: 'cookie', name: 'nexus_refresh', description: 'The refresh cookie set at login (httpOnly, path /api/auth); needs X-CSRF-Token' },
        csrfHeader: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'The value of the nexus_csrf cookie (GET /api/csrf-token), sent with the refresh cookie' },
      },
    },
  };
};
