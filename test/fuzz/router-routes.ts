import type Router from '@koa/router';
import type Koa from 'koa';

export interface RouterRoute {
  /** `GET /api/users/:id`: the method (HEAD folded into GET) and the route's template. */
  readonly key: string;
  readonly method: string;
  readonly template: string;
}

/**
 * The routes the real app serves, read from the routers mounted on it: `router.routes()`
 * returns a middleware that carries its router, and the router's `stack` lists its layers.
 * Layers without methods are `router.use(...)` middleware, not routes.
 */
export const routesOf = (app: Koa): RouterRoute[] => {
  const routes = new Map<string, RouterRoute>();
  for (const middleware of app.middleware) {
    // A router's own middleware carries `router`; mountRouters' (routing.ts) carries `routers`.
    const { router, routers } = middleware as { router?: Router; routers?: readonly Router[] };
    for (const layer of (routers ?? (router ? [router] : [])).flatMap((r) => r.stack)) {
      for (const method of layer.methods) {
        if (method === 'HEAD' && layer.methods.includes('GET')) continue;
        const key = `${method} ${layer.path}`;
        routes.set(key, { key, method, template: String(layer.path) });
      }
    }
  }
  return [...routes.values()];
};
