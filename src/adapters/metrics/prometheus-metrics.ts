import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Cache } from '../../application/ports/cache.port';
import type { Metrics } from '../../application/ports/metrics.port';
import { type JobState, QUEUE_NAMES, type QueueName } from '../../domain/jobs/job';

const JOB_STATES: readonly JobState[] = ['pending', 'scheduled', 'processing', 'completed', 'failed', 'dead'];

/** prom-client behind the Metrics port, with its own registry (so several apps in one process do not clash). */
export class PrometheusMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly durations: Histogram<'method' | 'route' | 'status'>;
  private readonly cache: Counter<'result'>;
  private readonly attempts: Counter<'queue' | 'outcome'>;
  private readonly attemptSeconds: Histogram<'queue' | 'outcome'>;
  private counts: ((queue: QueueName) => Promise<Partial<Record<JobState, number>>>) | undefined;

  constructor(service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry, prefix: 'nexus_' });
    const registers = [this.registry];
    this.requests = new Counter({ name: 'nexus_http_requests_total', help: 'HTTP requests by method, route template and status', labelNames: ['method', 'route', 'status'], registers });
    this.durations = new Histogram({
      name: 'nexus_http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    this.cache = new Counter({ name: 'nexus_cache_lookups_total', help: 'Cache lookups by result (hit, miss, error)', labelNames: ['result'], registers });
    this.attempts = new Counter({ name: 'nexus_job_attempts_total', help: 'Job attempts by queue and outcome', labelNames: ['queue', 'outcome'], registers });
    this.attemptSeconds = new Histogram({
      name: 'nexus_job_duration_seconds',
      help: 'Job attempt duration by queue and outcome',
      labelNames: ['queue', 'outcome'],
      buckets: [0.005, 0.025, 0.1, 0.5, 1, 5, 15, 60],
      registers,
    });
    const countsOf = (queue: QueueName) => this.counts?.(queue);
    new Gauge({
      name: 'nexus_jobs',
      help: 'Jobs by queue and state, read when scraped',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        for (const queue of QUEUE_NAMES) {
          const counts = await countsOf(queue)?.catch(() => undefined);
          if (!counts) continue;
          for (const state of JOB_STATES) this.set({ queue, state }, counts[state] ?? 0);
        }
      },
    });
  }

  httpRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.durations.observe(labels, seconds);
  }

  cacheLookup(hit: boolean): void {
    this.cache.inc({ result: hit ? 'hit' : 'miss' });
  }

  cacheError(): void {
    this.cache.inc({ result: 'error' });
  }

  jobAttempt(queue: QueueName, outcome: 'completed' | 'failed', seconds: number): void {
    this.attempts.inc({ queue, outcome });
    this.attemptSeconds.observe({ queue, outcome }, seconds);
  }

  watchQueues(counts: (queue: QueueName) => Promise<Partial<Record<JobState, number>>>): void {
    this.counts = counts;
  }

  contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Counts hits and misses of any Cache. */
export class MeteredCache implements Cache {
  constructor(
    private readonly inner: Cache,
    private readonly metrics: Metrics,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    try {
      const value = await this.inner.get<T>(key);
      this.metrics.cacheLookup(value !== undefined);
      return value;
    } catch (err) {
      this.metrics.cacheError();
      throw err;
    }
  }
  async getMany(keys: readonly string[]): Promise<unknown[]> {
    let values: unknown[];
    try {
      values = await this.inner.getMany(keys);
    } catch (err) {
      // Each key's lookup failed, as when each was read on its own.
      for (let i = 0; i < keys.length; i += 1) this.metrics.cacheError();
      throw err;
    }
    for (const value of values) this.metrics.cacheLookup(value !== undefined);
    return values;
  }
  set<T>(key: string, value: T, ttlSeconds: number): Promise<void> {
    return this.inner.set(key, value, ttlSeconds);
  }
  delete(...keys: string[]): Promise<void> {
    return this.inner.delete(...keys);
  }
  deleteByPrefix(prefix: string): Promise<number> {
    return this.inner.deleteByPrefix(prefix);
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
}
