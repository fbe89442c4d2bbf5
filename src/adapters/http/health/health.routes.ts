import Router from '@koa/router';
import type { HealthCheck } from '../../../application/ports/health-check.port';

export interface HealthOptions {
  readonly checks: readonly HealthCheck[];
  readonly timeoutMs: number;
  readonly startedAt: number;
}

interface CheckResult {
  readonly status: 'up' | 'down';
  readonly latencyMs: number;
  readonly error?: string;
}

/** Liveness (the process answers) and readiness (every dependency answers within the timeout). */
export const healthRoutes = ({ checks, timeoutMs, startedAt }: HealthOptions): Router => {
  const router = new Router();

  router.get('/health/live', (ctx) => {
    ctx.body = { success: true, statusCode: 200, message: 'alive', data: { status: 'ok' } };
  });

  router.get('/health', async (ctx) => {
    const results = await Promise.all(checks.map(async (c) => [c.name, await run(c, timeoutMs)] as const));
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

const run = async (check: HealthCheck, timeoutMs: number): Promise<CheckResult> => {
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
    return { status: 'down', latencyMs: Math.round(performance.now() - started), error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
};
