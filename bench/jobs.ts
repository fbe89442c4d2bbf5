// Job throughput: our queue adapters against a bare BullMQ add/process loop, same Redis, same run.
import { Queue, Worker } from 'bullmq';
import { BullmqJobQueue } from '../src/adapters/bullmq/bullmq-job-queue';
import { BullmqJobWorker } from '../src/adapters/bullmq/bullmq-job-worker';
import { LogAlerts } from '../src/adapters/alerts/log-alerts';
import { InProcessJobQueue } from '../src/adapters/memory/in-process-job-queue';
import { connectRedis } from '../src/adapters/redis/redis-connection';
import type { JobQueue, JobWorker } from '../src/application/ports/job-queue.port';
import { DEFAULT_RETRY_POLICIES } from '../src/application/jobs/job-types';
import { QUEUE_NAMES } from '../src/domain/jobs/job';
import { WinstonLogger } from '../src/infrastructure/logger';
import { SystemClock } from '../src/adapters/system/system-clock';

export interface JobFigure {
  readonly name: string;
  readonly perSecond: number;
  readonly ratio?: number;
}

const N = Number(process.env['BENCH_JOBS'] ?? 3000);
const logger = new WinstonLogger({ level: 'error', format: 'json', service: 'bench', silent: true });

const timed = async (work: () => Promise<void>): Promise<number> => {
  const t = performance.now();
  await work();
  return N / ((performance.now() - t) / 1000);
};

const waitFor = async (done: () => boolean): Promise<void> => {
  while (!done()) await new Promise((r) => setTimeout(r, 5));
};

const bare = async (url: string, prefix: string) => {
  const connection = { url, maxRetriesPerRequest: null };
  const queue = new Queue('bare', { connection, prefix });
  await queue.waitUntilReady();
  const single = await timed(async () => {
    for (let i = 0; i < N; i++) await queue.add('noop', { i });
  });
  await queue.obliterate({ force: true });
  const bulk = await timed(async () => {
    for (let i = 0; i < N; i += 500) await queue.addBulk(Array.from({ length: Math.min(500, N - i) }, (_, k) => ({ name: 'noop', data: { i: i + k } })));
  });
  const processAt = async (concurrency: number) => {
    await queue.obliterate({ force: true });
    await queue.addBulk(Array.from({ length: N }, (_, i) => ({ name: 'noop', data: { i } })));
    let done = 0;
    const rate = await timed(async () => {
      const worker = new Worker('bare', async () => void (done += 1), { connection, prefix, concurrency });
      await waitFor(() => done >= N);
      await worker.close();
    });
    return rate;
  };
  const c1 = await processAt(1);
  const c10 = await processAt(10);
  await queue.obliterate({ force: true });
  await queue.close();
  return { single, bulk, c1, c10 };
};

const ours = async (makeQueue: () => Promise<{ queue: JobQueue; worker: (c: number) => Promise<JobWorker>; close: () => Promise<void> }>) => {
  const { queue, worker, close } = await makeQueue();
  const single = await timed(async () => {
    for (let i = 0; i < N; i++) await queue.enqueue('data-processing', 'noop', { i });
  });
  const bulk = await timed(async () => {
    for (let i = 0; i < N; i += 500) await queue.enqueueBulk('reports', Array.from({ length: Math.min(500, N - i) }, (_, k) => ({ name: 'noop', data: { i: i + k } })));
  });
  const processAt = async (concurrency: number, queueName: 'data-processing' | 'reports') => {
    let done = 0;
    return timed(async () => {
      const w = await worker(concurrency);
      await w.start({ [queueName]: async () => void (done += 1) });
      await waitFor(() => done >= N);
      await w.stop();
    });
  };
  const c1 = await processAt(1, 'data-processing');
  const c10 = await processAt(10, 'reports');
  await close();
  return { single, bulk, c1, c10 };
};

export const measureJobs = async (redisUrl: string | undefined): Promise<JobFigure[]> => {
  const figures: JobFigure[] = [];
  const row = (label: string, r: { single: number; bulk: number; c1: number; c10: number }, base?: typeof r) => {
    for (const [key, what] of [['single', 'add (one at a time)'], ['bulk', 'add (bulk of 500)'], ['c1', 'process, concurrency 1'], ['c10', 'process, concurrency 10']] as const) {
      figures.push({ name: `${label}: ${what}`, perSecond: Math.round(r[key]), ...(base ? { ratio: r[key] / base[key] } : {}) });
    }
  };
  if (redisUrl) {
    const prefix = `bench-jobs-${process.pid}`;
    // The first pass loads BullMQ's Lua scripts and warms the JIT; only the second is kept.
    await bare(redisUrl, `${prefix}-warm`);
    const base = await bare(redisUrl, prefix);
    row('bare BullMQ', base, base);
    const result = await ours(async () => {
      const producer = await connectRedis(redisUrl, { name: 'bench-producer', failFast: true });
      const consumer = await connectRedis(redisUrl, { name: 'bench-worker', failFast: false });
      const queue = new BullmqJobQueue(producer, prefix);
      return {
        queue,
        worker: async (concurrency) => new BullmqJobWorker(consumer, queue, logger, new LogAlerts(logger), { concurrency, retry: DEFAULT_RETRY_POLICIES, clock: new SystemClock() }, prefix),
        close: async () => {
          await Promise.all(QUEUE_NAMES.map((q) => queue.queue(q).obliterate({ force: true }).catch(() => undefined)));
          await queue.close();
          await producer.quit();
          await consumer.quit();
        },
      };
    });
    row('Nexus BullmqJobQueue', result, base);
  }
  const embedded = await ours(async () => {
    // The in-process queue is its own worker: the same object runs at each concurrency.
    const queue = new InProcessJobQueue(logger, { concurrency: 1, retry: DEFAULT_RETRY_POLICIES, keepFinished: 100, clock: new SystemClock() });
    return {
      queue,
      worker: async (concurrency) => {
        queue.setConcurrency(concurrency);
        return queue;
      },
      close: () => queue.stop(),
    };
  });
  row('Nexus InProcessJobQueue (embedded)', embedded);
  return figures;
};
