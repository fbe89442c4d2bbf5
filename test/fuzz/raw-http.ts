import { Agent, request as httpRequest } from 'node:http';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

/** A request exactly as the fuzzer means it: the path is sent byte for byte, unnormalised. */
export interface RawRequest {
  readonly method: string;
  /** Path and query as they go on the request line (already percent-encoded where needed). */
  readonly path: string;
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  /** The body bytes; absent means no body at all (no Content-Length). */
  readonly body?: Buffer;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

let agent: Agent | undefined;

/**
 * Sends one request with node:http, which (unlike supertest's URL handling) keeps `//`, `/./`,
 * `%2e` and friends on the wire, so the server sees the spelling a hostile client would send.
 */
export const send = (baseUrl: string, req: RawRequest, timeoutMs = 15_000): Promise<RawResponse> =>
  new Promise((resolve, reject) => {
    const url = new URL(baseUrl);
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = typeof v === 'string' ? v : [...v];
    if (req.body !== undefined) headers['content-length'] = String(req.body.length);
    const r = httpRequest(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers, agent: (agent ??= new Agent({ keepAlive: true, maxSockets: 1 })), setHost: true },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, headers: res.headers, text: decode(Buffer.concat(chunks), res.headers['content-encoding']) });
          } catch (err) {
            reject(new Error(`the ${String(res.headers['content-encoding'])} body of a ${res.statusCode} answer does not decode: ${(err as Error).message}`));
          }
        });
        res.on('error', reject);
      },
    );
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    r.on('error', reject);
    r.end(req.body);
  });

/** The body as text, undoing the content encoding the server chose. */
const decode = (bytes: Buffer, encoding: string | undefined): string => {
  if (bytes.length === 0) return '';
  switch (encoding) {
    case 'gzip':
      return gunzipSync(bytes, { finishFlush: 2 }).toString('utf8');
    case 'br':
      return brotliDecompressSync(bytes).toString('utf8');
    case 'deflate':
      return inflateSync(bytes).toString('utf8');
    default:
      return bytes.toString('utf8');
  }
};

/** Closes the kept-alive sockets so mocha can exit cleanly. */
export const closeRawHttp = (): void => {
  agent?.destroy();
  agent = undefined;
};

/** A one-line description of a request for failure reports (long bodies shortened). */
export const describeRequest = (req: RawRequest): string => {
  const body = req.body === undefined ? '' : ` body(${req.body.length} B)=${JSON.stringify(shorten(req.body.toString('utf8'), 400))}`;
  return `${req.method} ${shorten(req.path, 400)} headers=${JSON.stringify(redactLong(req.headers))}${body}`;
};

export const describeResponse = (res: RawResponse): string =>
  `${res.status} content-type=${String(res.headers['content-type'])} body=${JSON.stringify(shorten(res.text, 600))}`;

const shorten = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max)}…(+${s.length - max} chars)`);

const redactLong = (headers: RawRequest['headers']): Record<string, unknown> =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, typeof v === 'string' ? shorten(v, 200) : v.map((x) => shorten(x, 200))]));
