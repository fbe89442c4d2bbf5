import type Router from '@koa/router';
import type { HealthCheck } from '../../../application/ports/health-check.port';
import type { Logger } from '../../../application/ports/logger.port';
import { createRouter } from '../routing';

export interface HealthOptions {
  readonly checks: readonly HealthCheck[];
  readonly timeoutMs: number;
  readonly startedAt: number;
  /** Where a failing check's reason goes (never into the response: it names hosts and users). */
  readonly logger?: Logger;
  /** True once the process is shutting down: readiness fails so a balancer stops routing here. */
  readonly draining?: () => boolean;
}

interface CheckResult {
  readonly status: 'up' | 'down';
  readonly latencyMs: number;
}

/** Liveness (the process answers) and readiness (every dependency answers within the timeout). */
export const healthRoutes = ({ checks, timeoutMs, startedAt, logger, draining }: HealthOptions): Router => {
  const router = createRouter();

  router.get('/health/live', (ctx) => {
    ctx.body = { success: true, statusCode: 200, message: 'alive', data: { status: 'ok' } };
  });

  router.get('/health', async (ctx) => {
    if (draining?.()) {
      ctx.status = 503;
      ctx.body = { success: false, statusCode: 503, message: 'shutting down', data: { status: 'draining', timestamp: new Date().toISOString() } };
      return;
    }
    const results = await Promise.all(checks.map(async (c) => [c.name, await run(c, timeoutMs, logger)] as const));
    const ok = results.every(([, r]) => r.status === 'up');
    const memory = process.memoryUsage();
    const data = {
      status: ok ? 'ok' : 'unavailable',
      timestamp: new Date().toISOString(),
      checks: Object.fromEntries(results),
      uptime: Math.round((Date.now() - startedAt) / 1000),
      memory: { rss: memory.rss, heapUsed: memory.heapUsed, heapTotal: memory.heapTotal },
    };
    ctx.status = ok ? 200 : 503;
    ctx.body = { success: ok, statusCode: ctx.status, message: ok ? 'ready' : 'not ready', data };
  });

  return router;
};

const run = async (check: HealthCheck, timeoutMs: number, logger: Logger | undefined): Promise<CheckResult> => {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      check.check(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return { status: 'up', latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    const latencyMs = Math.round(performance.now() - started);
    logger?.warn('health check failed', { check: check.name, latencyMs, error: (err as Error)?.message ?? String(err) });
    return { status: 'down', latencyMs };
  } finally {
    clearTimeout(timer);
  }
};
