import type Router from '@koa/router';
import Koa from 'koa';
import { createServer, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Authenticate } from '../../application/auth/authenticate';
import type { HealthCheck } from '../../application/ports/health-check.port';
import type { Logger } from '../../application/ports/logger.port';
import { docsRoutes } from './docs/docs.routes';
import { healthRoutes } from './health/health.routes';
import type { Metrics } from '../../application/ports/metrics.port';
import { type MetricsSource, metricsRoutes } from './metrics.routes';
import { accessLog } from './middleware/access-log';
import { jsonBody } from './middleware/json-body';
import { canonicalPath } from './middleware/canonical-path';
import { unrouted } from './middleware/unrouted';
import { mountRouter, mountRouters, RouteTable } from './routing';
import { compression, corsFor, securityHeaders } from './middleware/edge';
import { type RateLimits, rateLimit } from './middleware/rate-limit';
import { authenticate } from './middleware/authenticate';
import { errorHandler } from './middleware/errors';
import { refuseOperatorKeys } from './middleware/operator-keys';
import { requestContext } from './middleware/request-context';

export interface HttpOptions {
  readonly bodyLimit: string;
  /**
   * How many proxies in front of us append to X-Forwarded-For (0: none, the header is ignored).
   * The client is the address the farthest of them saw; entries to its left are the client's own.
   */
  readonly trustProxyHops: number;
  readonly healthTimeoutMs: number;
  readonly corsOrigins: readonly string[];
  /** Security headers, CORS, compression and rate limits; off only to measure their cost. */
  readonly edge: boolean;
  /** Serve /metrics here (false when it has a port of its own). */
  readonly metricsOnMainPort: boolean;
  readonly metricsToken?: string;
  /** Serve the API description (/openapi.json) and its reference page (/docs); DOCS_ENABLED. */
  readonly docs?: boolean;
  /** True once the process is shutting down (readiness answers 503). */
  readonly draining?: () => boolean;
}

export interface HttpDeps {
  readonly logger: Logger;
  readonly options: HttpOptions;
  readonly authenticate: Authenticate;
  /** Every module's routes, mounted in order after authentication. */
  readonly routers: readonly Router[];
  readonly healthChecks: readonly HealthCheck[];
  readonly metrics: Metrics & MetricsSource;
  readonly rateLimits: RateLimits;
}

/** The Koa application: middleware in the order a request meets it, then the routes. */
export const buildHttpApp = (deps: HttpDeps): Koa => {
  const hops = deps.options.trustProxyHops;
  // Koa takes the leftmost X-Forwarded-For entry unless told how many to keep from the right: an
  // appending proxy keeps whatever the client sent on the left, so that would let clients choose
  // their own rate-limit key.
  const app = new Koa({ proxy: hops > 0, ...(hops > 0 ? { maxIpsCount: hops } : {}) });
  // Koa's default handler prints every error to stderr; ours logs once, with the request id.
  app.silent = true;

  const health = healthRoutes({
    checks: deps.healthChecks,
    timeoutMs: deps.options.healthTimeoutMs,
    startedAt: Date.now(),
    logger: deps.logger,
    ...(deps.options.draining ? { draining: deps.options.draining } : {}),
  });
  const { routers } = deps;

  const { edge, metricsOnMainPort, metricsToken } = deps.options;
  const metrics = metricsRoutes(deps.metrics, metricsToken ? { token: metricsToken } : {});
  const docs = deps.options.docs === true ? docsRoutes() : undefined;
  const table = new RouteTable([health, ...(metricsOnMainPort ? [metrics] : []), ...(docs ? [docs] : []), ...routers]);

  app.use(requestContext());
  app.use(accessLog(deps.logger, deps.metrics, table));
  app.use(errorHandler(deps.logger));
  if (edge) {
    app.use(securityHeaders());
    app.use(corsFor(deps.options.corsOrigins));
    app.use(compression());
  }
  // One spelling per route, refused before anything routes or counts it; then 404/405 envelopes.
  app.use(canonicalPath());
  app.use(unrouted(table));
  app.use(mountRouter(health));
  // A scraper's metrics token is not a user's credential: it is checked before authentication.
  if (metricsOnMainPort && metricsToken) app.use(mountRouter(metrics));
  // Limits before the body is read: a client over its limit costs no parsing. (Accounts are
  // protected by the lockout, in the login use case.)
  if (edge) app.use(rateLimit(deps.rateLimits, table));
  app.use(jsonBody(deps.options.bodyLimit));
  app.use(refuseOperatorKeys());
  app.use(authenticate(deps.authenticate));
  if (metricsOnMainPort && !metricsToken) app.use(mountRouter(metrics));
  // Public (like every public route, a credential that is sent must be valid).
  if (docs) app.use(mountRouter(docs));
  app.use(mountRouters(routers));
  app.listen = ((...args: Parameters<Server['listen']>) => listenWithEnvelope(app, ...args)) as Koa['listen'];
  return app;
};

/**
 * `app.listen`, with what never reaches Koa answered with the envelope too: requests Node's own
 * parser refuses (raw bytes in the path, a malformed request line, an unknown method), which
 * would get Node's bare 400, and CONNECT, which would get a closed socket.
 */
const listenWithEnvelope = (app: Koa, ...args: Parameters<Server['listen']>): Server => {
  const server = createServer(app.callback());
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || (socket as { _httpMessage?: unknown })._httpMessage) return void socket.destroy();
    if (err.code === 'HPE_HEADER_OVERFLOW') return void socket.end(bareEnvelope(431, 'Request Header Fields Too Large', 'The request headers are too large'));
    if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') return void socket.end(bareEnvelope(408, 'Request Timeout', 'The request took too long'));
    socket.end(bareEnvelope(400, 'Bad Request', 'The request is not valid HTTP'));
  });
  server.on('connect', (_req, socket: Duplex) => socket.end(bareEnvelope(405, 'Method Not Allowed', 'CONNECT is not allowed')));
  return server.listen(...args);
};

const bareEnvelope = (status: number, reason: string, message: string): string => {
  const body = JSON.stringify({ success: false, statusCode: status, message });
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
};
