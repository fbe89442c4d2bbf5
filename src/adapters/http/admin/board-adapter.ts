import Router from '@koa/router';
import type { AppControllerRoute, AppViewRoute, BullBoardQueues, ControllerHandlerReturnType, HTTPMethod, IServerAdapter, UIConfig } from '@bull-board/api/typings/app';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import type { Context, Next } from 'koa';
import type { DashboardAction } from '../../../domain/audit/audit-entry';
import { BOARD_CSP, escapeHtml } from './admin-pages';

/** A bull-board operation that succeeded, or errored (5xx) after it may have changed something: what the audit records. */
export interface BoardMutation {
  readonly action: DashboardAction;
  readonly queue: string | null;
  readonly jobId: string | null;
  readonly detail?: Readonly<Record<string, string>>;
}

/**
 * Every bull-board API route that changes something, by `METHOD template`, with its audit action.
 * A changing route that is not here is refused (403), so a bull-board upgrade that adds one
 * cannot act unaudited: it needs a line here first.
 */
const MUTATIONS: Readonly<Record<string, DashboardAction>> = {
  'put /api/queues/:queueName/:jobId/retry': 'jobs.dashboard.retry',
  'put /api/queues/:queueName/:jobId/clean': 'jobs.dashboard.remove',
  'put /api/queues/:queueName/:jobId/promote': 'jobs.dashboard.promote',
  'patch /api/queues/:queueName/:jobId/update-data': 'jobs.dashboard.update-data',
  'patch /api/queues/:queueName/:jobId/delay': 'jobs.dashboard.change-delay',
  'patch /api/queues/:queueName/:jobId/priority': 'jobs.dashboard.change-priority',
  'put /api/queues/:queueName/:jobId/remove-unprocessed-children': 'jobs.dashboard.remove-children',
  'post /api/queues/:queueName/add': 'jobs.dashboard.add',
  'put /api/queues/:queueName/retry/:queueStatus': 'jobs.dashboard.retry-all',
  'put /api/queues/:queueName/promote': 'jobs.dashboard.promote-all',
  'put /api/queues/:queueName/clean/:queueStatus': 'jobs.dashboard.clean-all',
  'put /api/queues/:queueName/pause': 'jobs.dashboard.pause',
  'put /api/queues/:queueName/resume': 'jobs.dashboard.resume',
  'put /api/queues/pause': 'jobs.dashboard.pause-all',
  'put /api/queues/resume': 'jobs.dashboard.resume-all',
  'put /api/queues/:queueName/empty': 'jobs.dashboard.empty',
  'put /api/queues/:queueName/obliterate': 'jobs.dashboard.obliterate',
  'put /api/queues/:queueName/concurrency': 'jobs.dashboard.concurrency',
  'put /api/queues/:queueName/rate-limit': 'jobs.dashboard.rate-limit',
  'put /api/queues/:queueName/rate-limit/release': 'jobs.dashboard.rate-limit-release',
  'put /api/queues/:queueName/job-schedulers/:schedulerId/remove': 'jobs.dashboard.scheduler-remove',
  'patch /api/queues/:queueName/job-schedulers/:schedulerId': 'jobs.dashboard.scheduler-update',
  'put /api/queues/:queueName/job-schedulers/:schedulerId/run': 'jobs.dashboard.scheduler-run',
};

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

export interface BoardRequest {
  readonly ctx: Context;
  /** Why the signed-in person may not take `action` (asked before it runs), or null when they may. */
  readonly refusal: (action: DashboardAction) => string | null;
  /** Called once a changing operation succeeded or failed part-way (5xx), before its answer is sent. */
  readonly audited: (mutation: BoardMutation) => Promise<void>;
}

/**
 * bull-board's server side on our own Koa app, written against bull-board's documented
 * `IServerAdapter` (what `@bull-board/koa` implements) rather than mounting `@bull-board/koa`:
 * that one builds a second Koa app behind koa-mount, with its own body parser, error handler,
 * koa-views/ejs and koa-static, hidden from our route table (so our canonical-path, 404/405 and
 * rate-limit middleware could not see its routes), and it gives no hook to learn which
 * operation ran, which the audit needs. Here each operation is dispatched by a router of ours,
 * knows its route, and the page is rendered without a template engine, without the external font
 * stylesheet bull-board's template links, under a strict content-security policy.
 */
export class NexusBoardAdapter implements IServerAdapter {
  private queues: BullBoardQueues | undefined;
  private viewsPath = '';
  private statics: { route: string; path: string } | undefined;
  private entry: AppViewRoute | undefined;
  private errorHandler: ((error: Error) => ControllerHandlerReturnType) | undefined;
  private apiRoutes: AppControllerRoute[] = [];
  private uiConfig: UIConfig = {} as UIConfig;
  private router: Router | undefined;
  private page: string | undefined;

  /** `basePath`: where the board is mounted (`/admin/queues`), without a trailing slash. */
  constructor(private readonly basePath: string) {}

  setQueues(queues: BullBoardQueues): this {
    this.queues = queues;
    return this;
  }
  setViewsPath(viewPath: string): this {
    this.viewsPath = viewPath;
    return this;
  }
  setStaticPath(staticsRoute: string, staticsPath: string): this {
    this.statics = { route: staticsRoute, path: resolve(staticsPath) };
    return this;
  }
  setEntryRoute(route: AppViewRoute): this {
    this.entry = route;
    return this;
  }
  setErrorHandler(handler: (error: Error) => ControllerHandlerReturnType): this {
    this.errorHandler = handler;
    return this;
  }
  setApiRoutes(routes: AppControllerRoute[]): this {
    this.apiRoutes = routes;
    return this;
  }
  setUIConfig(config: UIConfig): this {
    this.uiConfig = config;
    return this;
  }

  /** True when `method path` is one of bull-board's changing API operations (or an unknown change). */
  static isMutation(method: string): boolean {
    return !['GET', 'HEAD', 'OPTIONS'].includes(method);
  }

  /** Answers one request under the base path; `next` when no bull-board route matches. */
  async handle(request: BoardRequest, next: Next): Promise<void> {
    const router = (this.router ??= this.buildRouter());
    const { ctx } = request;
    ctx.state['boardRequest'] = request;
    await router.routes()(ctx as Parameters<ReturnType<Router['routes']>>[0], next);
  }

  private buildRouter(): Router {
    if (!this.queues || !this.statics || !this.entry || !this.errorHandler) throw new Error('bull-board did not configure its server adapter (createBullBoard was not called)');
    const router = new Router({ sensitive: true, strict: true });
    const base = this.basePath;
    const entry = this.entry;
    const viewRoutes = Array.isArray(entry.route) ? entry.route : [entry.route];
    for (const path of viewRoutes) {
      // `/` of the board is the base path itself: no trailing slash (our paths have one spelling).
      router.get(path === '/' ? base : `${base}${path}`, (ctx) => this.renderPage(ctx));
    }
    router.get(`${base}${this.statics.route}/*file`, (ctx) => this.serveStatic(ctx, String((ctx.params as Record<string, string>)['file'] ?? '')));
    for (const route of this.apiRoutes) {
      const methods: HTTPMethod[] = Array.isArray(route.method) ? route.method : [route.method];
      const paths = Array.isArray(route.route) ? route.route : [route.route];
      for (const method of methods) {
        for (const path of paths) router.register(`${base}${path}`, [method.toUpperCase()], (ctx: Context) => this.callApi(ctx, route, method, path));
      }
    }
    return router;
  }

  private async callApi(ctx: Context, route: AppControllerRoute, method: HTTPMethod, path: string): Promise<void> {
    const request = ctx.state['boardRequest'] as BoardRequest;
    const key = `${method} ${path}`;
    const action = MUTATIONS[key];
    if (method !== 'get' && !action) {
      ctx.status = 403;
      ctx.body = { error: 'This operation is not enabled on the Nexus queue dashboard', message: 'This operation is not enabled on the Nexus queue dashboard' };
      return;
    }
    const refused = action ? request.refusal(action) : null;
    if (refused !== null) {
      ctx.status = 403;
      ctx.body = { error: refused, message: refused };
      return;
    }
    const body = (ctx.request.body as Record<string, unknown> | undefined) ?? {};
    // One job, never a schedule: `repeat` would make a job scheduler that runs for ever from one
    // click, which nothing in Nexus offers (schedules come from the modules' configuration).
    const options = body['options'];
    if (action === 'jobs.dashboard.add' && typeof options === 'object' && options !== null && 'repeat' in options) {
      const message = 'options.repeat is not allowed: the dashboard adds one job, not a schedule';
      ctx.status = 400;
      ctx.body = { error: message, message };
      return;
    }
    const params = { ...(ctx.params as Record<string, string>) };
    let response: ControllerHandlerReturnType;
    try {
      response = await route.handler({
        queues: this.queues!,
        uiConfig: this.uiConfig,
        params,
        query: ctx.query as Record<string, string>,
        body,
        headers: ctx.request.headers as Record<string, string | undefined>,
      });
    } catch (err) {
      // bull-board's answer to a throw carries the stack as `details` when NODE_ENV is
      // development (Nexus's default): paths and code of this server, to whoever holds a cookie.
      const answer = this.errorHandler!(err as Error);
      const { details: _stack, ...body } = (answer.body ?? {}) as Record<string, unknown>;
      response = { ...answer, body };
    }
    const status = response.status ?? 200;
    // Refused before acting (4xx: no such job, wrong state, read-only queue): nothing to record.
    // A success is recorded; so is an error (5xx), since a bulk operation may have moved jobs
    // before it failed (retry-all moves page by page).
    if (action && (status < 300 || status >= 500)) {
      const detail: Record<string, string> = {};
      if (status >= 500) detail['outcome'] = 'error';
      if (params['queueStatus']) detail['status'] = params['queueStatus'];
      if (params['schedulerId']) detail['schedulerId'] = params['schedulerId'];
      // A job the operation made (add) is named by its answer, not by the path.
      const made = (response.body as { job?: { id?: unknown; name?: unknown } } | undefined)?.job;
      if (!params['jobId'] && typeof made?.name === 'string') detail['name'] = made.name;
      const jobId = params['jobId'] ?? (made?.id === undefined || made.id === null ? null : String(made.id));
      await request.audited({ action, queue: params['queueName'] ?? null, jobId, detail });
    }
    ctx.status = status;
    ctx.set('Cache-Control', 'no-store');
    if (status !== 204) ctx.body = response.body;
  }

  /** bull-board's page: its template with our values, less the stylesheet it links from a font CDN. */
  private renderPage(ctx: Context): void {
    const { name, params } = this.entry!.handler({ basePath: this.basePath, uiConfig: this.uiConfig });
    this.page ??= readFileSync(join(this.viewsPath, name), 'utf8');
    const html = this.page
      .replace(/^\s*<link[^>]*fonts\.googleapis\.com[^>]*>\s*$/m, '')
      // Its "Loading" placeholder is inline styles, which the policy refuses: an empty root instead.
      .replace(/<div id="root">[\s\S]*?(?=<script defer)/, '<div id="root"></div>\n')
      .replace(/<%=\s*(\w+)\s*%>/g, (_m, key: string) => escapeHtml(params[key] ?? ''))
      .replace(/<%-\s*uiConfig\s*%>/g, () => params['uiConfig'] ?? '{}');
    // A template this adapter does not understand any more fails loudly, never half-rendered.
    if (html.includes('<%')) throw new Error(`bull-board's ${name} has template tags this adapter does not render`);
    ctx.status = 200;
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Content-Security-Policy', BOARD_CSP);
    ctx.set('Cache-Control', 'no-store');
    ctx.body = html;
  }

  /** A file of bull-board's UI build; the path is already canonical (no `..`), and checked again. */
  private serveStatic(ctx: Context, file: string): void {
    const root = this.statics!.path;
    const full = resolve(root, file);
    const type = CONTENT_TYPES[extname(full)];
    const stat = full.startsWith(root + sep) && type ? statOf(full) : undefined;
    if (!stat?.isFile()) {
      ctx.status = 404;
      ctx.body = { error: 'Not found', message: 'Not found' };
      return;
    }
    ctx.status = 200;
    ctx.type = type!;
    ctx.length = stat.size;
    // The build's file names carry a content hash; the rest is small.
    ctx.set('Cache-Control', /\.[0-9a-f]{10}\./.test(file) ? 'private, max-age=31536000, immutable' : 'private, max-age=3600');
    // A script may start a worker (bull-board's highlighter does), and a worker runs under the
    // policy of its own script's response: the board's, not the API's deny-all.
    ctx.set('Content-Security-Policy', BOARD_CSP);
    ctx.body = createReadStream(full);
  }
}

const statOf = (path: string) => {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
};
