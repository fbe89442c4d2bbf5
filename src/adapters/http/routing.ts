import Router from '@koa/router';
import type { Context, Middleware, Next } from 'koa';
import type { HttpFailure } from './error-mapping';

/**
 * Every router of the API: paths are case-sensitive (`/API/users` is not `/api/users`). Trailing
 * slashes, empty and dot segments and percent-encoded letters never reach a router: the
 * canonical-path middleware refuses them first (see middleware/canonical-path.ts).
 */
export const createRouter = (options: { prefix?: string } = {}): Router => new Router({ ...options, sensitive: true });

const CREDENTIAL_CHECK = Symbol('credentialCheck');
type Marked = Middleware & { [CREDENTIAL_CHECK]?: true };

/** What a route's use case answered, recorded by `respond` (see respond.ts). */
export const FAILURE_STATE = 'failure';
/** Set when a credential-check route failed the check (read by the auth rate limit). */
export const CREDENTIAL_FAILED_STATE = 'credentialFailed';

/**
 * Declares a route that checks a credential (a password, a refresh token, a one-time code):
 * its failures count toward the auth rate limits. Put it first in the route's middleware:
 *
 *     router.post('/api/auth/login', credentialCheck(), handler)
 *
 * A check fails when the use case answers 401, or a 400 naming one of `fields` (the
 * credential fields, e.g. `currentPassword`). Malformed input (a codec's 400), bad bearer
 * tokens and CSRF refusals are not credential checks and are not counted.
 */
export const credentialCheck = (...fields: string[]): Middleware => {
  const mark: Marked = async (ctx, next) => {
    await next();
    const failure = ctx.state[FAILURE_STATE] as HttpFailure | undefined;
    if (!failure) return;
    if (failure.status === 401 || (failure.status === 400 && (failure.errors ?? []).some((e) => fields.includes(e.path)))) {
      ctx.state[CREDENTIAL_FAILED_STATE] = true;
    }
  };
  mark[CREDENTIAL_CHECK] = true;
  return mark;
};

export interface MatchedRoute {
  /** `/api/users/:id`: the route's template, never the raw path. */
  readonly template: string;
  readonly credentialCheck: boolean;
}

type Layer = Router['stack'][number];
interface Entry {
  readonly layer: Layer;
  readonly route: MatchedRoute;
  readonly routerIndex: number;
}

/**
 * The routes of every router, resolved the way the routers will resolve them (first registered
 * route whose template matches the path and serves the method). Used before routing, so limits
 * are keyed on the route a request will reach, and after it, to tell a 405 from a 404.
 *
 * Resolving is on every request's path (the rate limit), so what does not depend on the request
 * is worked out here, once: the routes are listed per method (in registration order, so the
 * first match is the routers' own), each with its template and credential-check mark already
 * read. A request then only tests the templates of routes serving its method.
 */
export class RouteTable {
  private readonly layers: Layer[];
  private readonly byMethod = new Map<string, Entry[]>();
  private readonly templates: ReadonlySet<string>;

  constructor(routers: readonly Router[]) {
    this.layers = routers.flatMap((r) => r.stack.filter((layer) => layer.methods.length > 0));
    this.templates = new Set(this.layers.map((layer) => String(layer.path)));
    routers.forEach((router, routerIndex) => {
      for (const layer of router.stack.filter((l) => l.methods.length > 0)) {
        const route: MatchedRoute = Object.freeze({
          template: String(layer.path),
          credentialCheck: layer.stack.some((fn) => (fn as Marked)[CREDENTIAL_CHECK] === true),
        });
        for (const method of new Set(layer.methods)) {
          const entries = this.byMethod.get(method) ?? [];
          entries.push({ layer, route, routerIndex });
          this.byMethod.set(method, entries);
        }
      }
    });
  }

  /**
   * Whether `route` is a route's template. @koa/router also names a router's own middleware
   * layer (`router.use(...)`, e.g. a sign-in check that answered 401) as the matched route: a
   * pattern such as `/api/users(?:\/|$)`, which is no route's.
   */
  isTemplate(route: string): boolean {
    return this.templates.has(route);
  }

  resolve(method: string, path: string): MatchedRoute | undefined {
    return this.entry(method, path)?.route;
  }

  /** Which of the routers (by its place in the list given) holds the route a request reaches. */
  routerOf(method: string, path: string): number | undefined {
    return this.entry(method, path)?.routerIndex;
  }

  private entry(method: string, path: string): Entry | undefined {
    const entries = this.byMethod.get(method === 'HEAD' ? 'GET' : method);
    if (entries === undefined) return undefined;
    for (const entry of entries) if (entry.layer.match(path)) return entry;
    return undefined;
  }

  /**
   * The template of the first route whose path matches `path`, whatever its method (a 405's
   * route), or undefined when no route has that path.
   */
  templateOf(path: string): string | undefined {
    const layer = this.layers.find((l) => l.match(path));
    return layer === undefined ? undefined : String(layer.path);
  }

  /** The methods served on `path` (`GET, HEAD, POST`), empty when no route has that path. */
  allowed(path: string): string[] {
    const methods = new Set(this.layers.filter((l) => l.match(path)).flatMap((l) => l.methods));
    if (methods.has('GET')) methods.add('HEAD');
    return [...methods].sort();
  }
}

/** Where a route template's literal beginning ends: its first parameter, wildcard, group or escape. */
const SPECIAL = /[:*?+(){}\\]/;

/**
 * `router.routes()`, passed over for a request whose path begins with none of its routes' literal
 * beginnings (`/health` for `/health/live`, `/docs/assets/` for `/docs/assets/:file`): no route of
 * it can match, and the router would only find that out at a cost (its host check, a match over
 * every route, an event to call on). Every request passes the health, metrics and docs routers
 * before it reaches its own. A router that matches by host or on another path, or a route
 * starting with a parameter, always runs.
 */
export const mountRouter = (router: Router): Middleware => {
  const routes = router.routes() as unknown as Middleware;
  const { host, routerPath, sensitive } = router.opts as { host?: unknown; routerPath?: unknown; sensitive?: boolean };
  const starts = router.stack.filter((layer) => layer.methods.length > 0).map((layer) => String(layer.path).split(SPECIAL)[0]!);
  if (host !== undefined || routerPath !== undefined || sensitive !== true || starts.includes('')) return routes;
  const mounted: Middleware & { router?: Router } = (ctx, next) => {
    const path = ctx.path;
    for (const start of starts) if (path.startsWith(start)) return routes(ctx, next);
    return next();
  };
  mounted.router = router;
  return mounted;
};

/**
 * Every router's routes as one middleware. Mounted one after another, each router would match
 * every request's path against each of its routes, and all but one would find nothing and pass it
 * on (a router whose routes do not serve the method and path runs none of its middleware). Here a
 * request starts at the router holding the first route it matches (found as the table resolves
 * routes, once) and goes on through those after it, as before; a request no route serves skips
 * them all.
 */
export const mountRouters = (routers: readonly Router[]): Middleware => {
  const table = new RouteTable(routers);
  const mounted = routers.map((r) => r.routes() as unknown as Middleware);
  const from = (index: number, ctx: Context, next: Next): Promise<unknown> => {
    const routes = mounted[index];
    return routes === undefined ? next() : Promise.resolve(routes(ctx, () => from(index + 1, ctx, next)));
  };
  const dispatch: Middleware & { routers?: readonly Router[] } = (ctx, next) => {
    const index = table.routerOf(ctx.method, ctx.path);
    return index === undefined ? next() : from(index, ctx, next);
  };
  // As each router's own middleware carries `router`: what serves what stays readable from the app.
  dispatch.routers = routers;
  return dispatch;
};
