// The ceiling (Koa + @koa/router on GET /api/users/:id, as servers/koa-router.ts) with one of
// Nexus' edge steps in front, taken from the application build: `BENCH_STEP` names it (`none`,
// `request-context`, `access-log`, `helmet`, `cors`, `compression`, `rate-limit`, or `all` of
// them in the app's order). Its throughput over `none`'s in the same run is what the step costs.
import Router from '@koa/router';
import Koa, { type Middleware } from 'koa';
import type * as AccessLog from '../../src/adapters/http/middleware/access-log';
import type * as Edge from '../../src/adapters/http/middleware/edge';
import type * as RateLimit from '../../src/adapters/http/middleware/rate-limit';
import type * as RequestContext from '../../src/adapters/http/middleware/request-context';
import type * as Routing from '../../src/adapters/http/routing';
import type * as Metrics from '../../src/adapters/metrics/prometheus-metrics';
import type * as MemoryLimiter from '../../src/adapters/rate-limit/memory-rate-limiter';
import type * as Logging from '../../src/infrastructure/logger';
import { envelope, fromBuild, SAMPLE_USER } from '../fixtures';

const router = new Router({ prefix: '/api/users' });
router.get('/:id', (ctx) => {
  ctx.body = envelope({ ...SAMPLE_USER, id: ctx.params['id'] });
});

const steps = (): Record<string, () => Middleware> => {
  const { requestContext } = fromBuild<typeof RequestContext>('adapters/http/middleware/request-context.js');
  const { accessLog } = fromBuild<typeof AccessLog>('adapters/http/middleware/access-log.js');
  const { securityHeaders, corsFor, compression } = fromBuild<typeof Edge>('adapters/http/middleware/edge.js');
  const { rateLimit } = fromBuild<typeof RateLimit>('adapters/http/middleware/rate-limit.js');
  const { RouteTable } = fromBuild<typeof Routing>('adapters/http/routing.js');
  const { PrometheusMetrics } = fromBuild<typeof Metrics>('adapters/metrics/prometheus-metrics.js');
  const { MemoryRateLimiter } = fromBuild<typeof MemoryLimiter>('adapters/rate-limit/memory-rate-limiter.js');
  const { WinstonLogger } = fromBuild<typeof Logging>('infrastructure/logger.js');
  // As the bench runs Nexus: LOG_LEVEL=info, production's default, so every access line is written (stdout is /dev/null).
  const logger = new WinstonLogger({ level: 'info', format: 'json', service: 'bench' });
  const limiter = () => new MemoryRateLimiter(10_000_000, 900, 'bench');
  return {
    'request-context': () => requestContext(),
    'access-log': () => accessLog(logger, new PrometheusMetrics('bench')),
    helmet: () => securityHeaders(),
    cors: () => corsFor([]),
    compression: () => compression(),
    'rate-limit': () => rateLimit({ api: limiter(), authClient: limiter() }, new RouteTable([router])),
  };
};

const step = process.env['BENCH_STEP'] ?? 'none';
const app = new Koa();
if (step !== 'none') {
  const all = steps();
  const chosen = step === 'all' ? Object.keys(all) : [step];
  for (const name of chosen) {
    const make = all[name];
    if (!make) throw new Error(`BENCH_STEP: no step ${name} (one of none, all, ${Object.keys(all).join(', ')})`);
    app.use(make());
  }
}
app.use(router.routes());
const server = app.listen(Number(process.env['PORT']), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
