import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { buildOpenApiDocument, type OpenApiDocument, type OpenApiResponse } from '../../src/adapters/http/openapi/document';

/**
 * Every response the in-process test servers send, checked against the OpenAPI document: the
 * status must be one the operation documents, the content type one it lists, the body valid
 * against that schema and the headers it marks required present. Responses of paths the document
 * does not describe (unrouted 404s, 405s, /health, /metrics, /docs) are not checked here.
 *
 * A mismatch fails the test during which the response was sent (a root `afterEach` below), or
 * the app's `close()` if it came after the last test (in an `after` hook).
 */

export interface RecordedResponse {
  readonly method: string;
  readonly url: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | number | undefined>>;
  readonly body: Buffer;
}

interface Operation {
  readonly pattern: RegExp;
  readonly literals: number;
  readonly path: string;
  readonly method: string;
  readonly responses: OpenApiDocument['paths'][string][string]['responses'];
}

let compiled: { doc: OpenApiDocument; ajv: Ajv2020; operations: Operation[]; validators: Map<string, ValidateFunction> } | undefined;

const setup = () => {
  if (compiled) return compiled;
  const doc = buildOpenApiDocument();
  // strict: false, as the response schemas are compiled with the document's `components` beside
  // them (an unknown keyword to JSON Schema) so their `#/components/...` references resolve.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    const segments = path.split('/');
    const pattern = new RegExp(`^${segments.map((s) => (/^\{\w+\}$/.test(s) ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('/')}$`);
    for (const [method, operation] of Object.entries(methods)) {
      operations.push({ pattern, literals: segments.filter((s) => !s.startsWith('{')).length, path, method: method.toUpperCase(), responses: operation.responses });
    }
  }
  // The most specific template first (`/api/users/export` before `/api/users/{id}`), as the routers resolve them.
  operations.sort((a, b) => b.literals - a.literals);
  compiled = { doc, ajv, operations, validators: new Map() };
  return compiled;
};

const headerOf = (r: RecordedResponse, name: string): string | undefined => {
  const v = r.headers[name.toLowerCase()];
  return v === undefined ? undefined : Array.isArray(v) ? v.join(', ') : String(v);
};

const decoded = (r: RecordedResponse): Buffer => {
  const encoding = headerOf(r, 'content-encoding');
  if (encoding === 'gzip') return gunzipSync(r.body, { finishFlush: 2 });
  if (encoding === 'br') return brotliDecompressSync(r.body);
  if (encoding === 'deflate') return inflateSync(r.body);
  return r.body;
};

/** What is wrong with this response by the document, or undefined when it is allowed (or not described). */
export const checkResponse = (r: RecordedResponse): string | undefined => {
  const { doc, ajv, operations, validators } = setup();
  const path = r.url.split('?')[0] ?? '';
  const method = r.method === 'HEAD' ? 'GET' : r.method;
  const operation = operations.find((o) => o.method === method && o.pattern.test(path));
  if (!operation) return undefined;
  const where = `${r.method} ${path} (${operation.method} ${operation.path}) answered ${r.status}`;
  const listed = operation.responses[String(r.status)];
  const response = listed?.$ref ? (doc['components'] as { responses: Record<string, OpenApiResponse> }).responses[listed.$ref.split('/').pop()!] : listed;
  if (!response) return `${where}: the document lists no ${r.status} for this operation (it lists ${Object.keys(operation.responses).join(', ')})`;
  for (const [name, header] of Object.entries(response.headers ?? {})) {
    if ((header as { required?: boolean }).required && headerOf(r, name) === undefined) return `${where}: the required header ${name} is missing`;
  }
  const content = response.content;
  if (!content) {
    return r.body.length > 0 ? `${where}: the document says no body, but ${r.body.length} bytes were sent` : undefined;
  }
  if (r.method === 'HEAD') return undefined;
  const type = (headerOf(r, 'content-type') ?? '').split(';')[0]!.trim();
  const media = content[type];
  if (!media) return `${where}: content type "${type}" is not one the document lists (${Object.keys(content).join(', ')})`;
  if (type !== 'application/json') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(decoded(r).toString('utf8'));
  } catch (err) {
    return `${where}: the body is not JSON (${(err as Error).message})`;
  }
  const key = `${operation.method} ${operation.path} ${r.status} ${type}`;
  let validate = validators.get(key);
  if (!validate) {
    validate = ajv.compile({ ...media.schema, components: doc['components'] });
    validators.set(key, validate);
  }
  if (validate(body)) return undefined;
  const errors = (validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '(body)'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  return `${where}: the body does not match the document: ${errors.join('; ')}\n  body: ${JSON.stringify(body).slice(0, 600)}`;
};

const mismatches: string[] = [];
let checked = 0;

/** How many responses were checked (the harness's own test asserts it is not zero). */
export const responsesChecked = (): number => checked;

/** The mismatches so far, emptied. */
export const takeMismatches = (): string[] => mismatches.splice(0, mismatches.length);

const record = (req: IncomingMessage, res: ServerResponse): void => {
  const chunks: Buffer[] = [];
  const write = res.write.bind(res) as (...args: unknown[]) => boolean;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  const keep = (chunk: unknown, encoding?: unknown) => {
    if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
  };
  (res as { write: unknown }).write = (chunk: unknown, ...rest: unknown[]) => {
    keep(chunk, rest[0]);
    return write(chunk, ...rest);
  };
  (res as { end: unknown }).end = (chunk?: unknown, ...rest: unknown[]) => {
    keep(chunk, rest[0]);
    return end(chunk, ...rest);
  };
  res.once('finish', () => {
    checked += 1;
    try {
      const problem = checkResponse({ method: req.method ?? '', url: req.url ?? '', status: res.statusCode, headers: res.getHeaders(), body: Buffer.concat(chunks) });
      if (problem) mismatches.push(problem);
    } catch (err) {
      mismatches.push(`${req.method} ${req.url}: could not be checked against the document: ${(err as Error).message}`);
    }
  });
};

/** Checks every response `server` sends from now on. */
export const validateResponsesOf = (server: Server): void => {
  server.prependListener('request', record);
};

/** Throws, naming each one, when responses broke the document since the last check. */
export const assertNoMismatches = (): void => {
  const found = takeMismatches();
  if (found.length > 0) throw new Error(`${found.length} response(s) do not match the OpenAPI document (src/adapters/http/openapi):\n- ${found.join('\n- ')}`);
};

// A root hook: registered once, when the harness is first loaded by a spec file.
if (typeof afterEach === 'function') {
  afterEach('responses match the OpenAPI document', function () {
    assertNoMismatches();
  });
}
