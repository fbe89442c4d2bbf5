// Job throughput: our queue adapters against a bare BullMQ add/process loop, same Redis, same
// run. On a shared machine one pass of each is mostly noise, so each figure is taken ROUNDS
// times, bare and ours in turn (A B A B ...), and reported as the medians and the median of the
// round-by-round ratios.
import { type JobsOptions, Queue, Worker } from 'bullmq';
import { join } from 'node:path';
import { BULLMQ_PRIORITY, BullmqJobQueue } from '../src/adapters/bullmq/bullmq-job-queue';
import { BullmqJobWorker } from '../src/adapters/bullmq/bullmq-job-worker';
import { LogAlerts } from '../src/adapters/alerts/log-alerts';
import { InProcessJobQueue } from '../src/adapters/memory/in-process-job-queue';
import { PrometheusMetrics } from '../src/adapters/metrics/prometheus-metrics';
import { buildJobHandlers } from '../src/adapters/worker/job-handlers';
import { dataProcessingJob, ProcessData } from '../src/application/jobs/data-processing.job';
import type { JobDefinition } from '../src/application/jobs/job-definition';
import { connectRedis } from '../src/adapters/redis/redis-connection';
import type { JobHandler, JobHandlers, RunningJob } from '../src/application/ports/job-queue.port';
import { ATTEMPTS_CEILING } from '../src/application/jobs/job-failures';
import { DEFAULT_RETRY_POLICIES } from '../src/application/jobs/job-types';
import { QUEUE_NAMES, type QueueName } from '../src/domain/jobs/job';
import { WinstonLogger } from '../src/infrastructure/logger';
import { SystemClock } from '../src/adapters/system/system-clock';

export interface JobFigure {
  readonly name: string;
  readonly perSecond: number;
  readonly ratio?: number;
  readonly ref?: string;
  /** Median CPU per job of the bench's process (producer or worker) and of Redis, in microseconds. */
  readonly clientUs?: number;
  readonly redisUs?: number;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

const N = Number(process.env['BENCH_JOBS'] ?? 3000);
const ROUNDS = Number(process.env['BENCH_JOB_ROUNDS'] ?? 5);
const BULK = 500;
const logger = new WinstonLogger({ level: 'error', format: 'json', service: 'bench', silent: true });

/** Jobs per second of `work` on N jobs; `done` resolves when the last one is counted. */
const rate = (ms: number): number => N / (ms / 1000);

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** What one side of the comparison can do: add one at a time, add in bulk, process N. */
interface Side {
  readonly name: string;
  addOne(i: number): Promise<unknown>;
  addBulk(from: number, count: number, data?: (i: number) => unknown): Promise<unknown>;
  /** Processes the N jobs waiting at `concurrency` (as no-ops, or as `data-processing` jobs); resolves with the milliseconds it took. */
  process(concurrency: number, work: 'noop' | 'data'): Promise<number>;
  clear(): Promise<void>;
  close(): Promise<void>;
}

const ALL_MEASURES = ['add (one at a time)', 'add (bulk of 500)', 'process, concurrency 1', 'process, concurrency 10', 'data-processing jobs of 100 items, concurrency 10'] as const;
type Measure = (typeof ALL_MEASURES)[number];
/** `BENCH_JOB_MEASURES=bulk,data-processing`: only the measures whose name contains one of these. */
const MEASURE_FILTER = process.env['BENCH_JOB_MEASURES']?.split(',');
const MEASURES = ALL_MEASURES.filter((m) => !MEASURE_FILTER || MEASURE_FILTER.some((f) => m.includes(f)));

/** The payload of the data-processing measure: 100 numbers to summarise. */
const ITEMS = { items: Array.from({ length: 100 }, (_, i) => i) };

/** The code a Nexus side runs: this checkout's, or another build's (`BENCH_JOBS_COMPARE`). */
interface NexusCode {
  readonly BullmqJobQueue: typeof BullmqJobQueue;
  readonly BullmqJobWorker: typeof BullmqJobWorker;
  readonly buildJobHandlers: typeof buildJobHandlers;
  readonly dataProcessingJob: typeof dataProcessingJob;
  readonly ProcessData: typeof ProcessData;
}

const THIS_BUILD: NexusCode = { BullmqJobQueue, BullmqJobWorker, buildJobHandlers, dataProcessingJob, ProcessData };

/**
 * `BENCH_JOBS_COMPARE=<another checkout>`: that checkout's adapters, handlers and job types, from
 * its bench build (`npx tsc -p bench/tsconfig.json` there), as one more side of every round:
 * before and after a change in one run.
 */
const comparedBuild = (checkout: string): NexusCode => {
  const from = <T>(path: string): T =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a runtime path into another build
    require(join(checkout, 'dist/bench/src', path)) as T;
  return {
    BullmqJobQueue: from<{ BullmqJobQueue: typeof BullmqJobQueue }>('adapters/bullmq/bullmq-job-queue.js').BullmqJobQueue,
    BullmqJobWorker: from<{ BullmqJobWorker: typeof BullmqJobWorker }>('adapters/bullmq/bullmq-job-worker.js').BullmqJobWorker,
    buildJobHandlers: from<{ buildJobHandlers: typeof buildJobHandlers }>('adapters/worker/job-handlers.js').buildJobHandlers,
    ...from<{ dataProcessingJob: typeof dataProcessingJob; ProcessData: typeof ProcessData }>('application/jobs/data-processing.job.js'),
  };
};

/**
 * The data-processing job as a worker process runs it (nexus.ts): its name checked and payload
 * decoded (job-handlers.ts), ProcessData reporting progress every percent, the attempt timed
 * into the metrics. `counted` is called after each.
 */
const realHandlers = (counted: () => Promise<void>, code: NexusCode = THIS_BUILD): JobHandlers => {
  const metrics = new PrometheusMetrics('bench');
  const handlers = code.buildJobHandlers([code.dataProcessingJob as JobDefinition<unknown>], () => new code.ProcessData() as never);
  const handler = handlers['data-processing']!;
  const timed: JobHandler = async (job) => {
    const started = performance.now();
    try {
      const result = await handler(job);
      metrics.jobAttempt(job.queue, 'completed', (performance.now() - started) / 1000);
      return result;
    } catch (err) {
      metrics.jobAttempt(job.queue, 'failed', (performance.now() - started) / 1000);
      throw err;
    } finally {
      await counted();
    }
  };
  return { 'data-processing': timed } as JobHandlers;
};

/** One pass of a measure: jobs per second, and the CPU it cost this process and Redis, per job. */
interface Pass {
  readonly rate: number;
  /** This process' CPU (user + system) per job, in microseconds: the producer, or the worker. */
  readonly clientUs: number;
  /** Redis' CPU per job (INFO cpu), in microseconds: BullMQ's scripts and commands. */
  readonly redisUs: number;
}

/** Redis' own CPU seconds so far (user + system, its main thread and the rest). */
type RedisCpu = () => Promise<number>;

const measureOnce = async (side: Side, measure: Measure, redisCpu: RedisCpu): Promise<Pass> => {
  await side.clear();
  const timed = async (work: () => Promise<unknown>): Promise<Pass> => {
    const [cpu, redis, t] = [process.cpuUsage(), await redisCpu(), performance.now()];
    const ms = await work();
    const elapsed = typeof ms === 'number' ? ms : performance.now() - t;
    const used = process.cpuUsage(cpu);
    return { rate: rate(elapsed), clientUs: (used.user + used.system) / N, redisUs: ((await redisCpu()) - redis) * 1e6 / N };
  };
  if (measure === 'add (one at a time)') {
    return timed(async () => {
      for (let i = 0; i < N; i++) await side.addOne(i);
    });
  }
  if (measure === 'add (bulk of 500)') {
    return timed(async () => {
      for (let i = 0; i < N; i += BULK) await side.addBulk(i, Math.min(BULK, N - i));
    });
  }
  const data = measure.startsWith('data-processing');
  for (let i = 0; i < N; i += BULK) await side.addBulk(i, Math.min(BULK, N - i), data ? () => ITEMS : undefined);
  return timed(() => side.process(measure === 'process, concurrency 1' ? 1 : 10, data ? 'data' : 'noop'));
};

/** Times a worker from its start to its N-th job (not its close). */
const untilN = async (start: (handler: () => Promise<void>) => Promise<{ close(): Promise<void> }>): Promise<number> => {
  let done = 0;
  let finished!: () => void;
  const all = new Promise<void>((r) => (finished = r));
  let endedAt = 0;
  const t = performance.now();
  const worker = await start(async () => {
    if (++done === N) {
      endedAt = performance.now();
      finished();
    }
  });
  await all;
  await worker.close();
  return endedAt - t;
};

/**
 * Bare BullMQ: `queue.add(name, data)` with `jobOptions` (none: the goal's reference). Its
 * data-processing jobs run the same use case, with nothing around it and progress reports
 * going nowhere: the least a worker can do for that job.
 */
const bareSide = (url: string, prefix: string, name: string, jobOptions: JobsOptions): Side => {
  const connection = { url, maxRetriesPerRequest: null };
  const queue = new Queue('bare', { connection, prefix });
  const use = new ProcessData();
  return {
    name,
    addOne: (i) => queue.add('noop', { i }, jobOptions),
    addBulk: (from, count, data = (i) => ({ i })) =>
      queue.addBulk(Array.from({ length: count }, (_, k) => ({ name: 'noop', data: data(from + k), opts: jobOptions }))),
    process: (concurrency, work) =>
      untilN(async (counted) => {
        const handler =
          work === 'noop'
            ? counted
            : async (job: { data: typeof ITEMS }) => {
                await use.execute({ reportProgress: async () => undefined } as unknown as RunningJob, job.data);
                await counted();
              };
        const worker = new Worker('bare', handler, { connection, prefix, concurrency });
        await worker.waitUntilReady();
        return worker;
      }),
    clear: () => queue.obliterate({ force: true }),
    close: () => queue.close(),
  };
};

/**
 * `BENCH_JOB_OPTION_SIDES=1`: bare BullMQ given one of our job options at a time, to tell which
 * of them costs what (a priority on every job; the retry ceiling and backoff; the bounded
 * completed and failed sets), and all of them but the priority.
 */
const oneOptionSides = (url: string, prefix: string): Side[] => [
  bareSide(url, `${prefix}-prio`, 'bare BullMQ, a priority only', { priority: BULLMQ_PRIORITY.normal }),
  bareSide(url, `${prefix}-retry`, 'bare BullMQ, attempts and backoff only', { attempts: ATTEMPTS_CEILING, backoff: { type: 'nexus' } }),
  bareSide(url, `${prefix}-keep`, 'bare BullMQ, removeOnComplete {count: 1000} only', { removeOnComplete: { count: 1000 } }),
  bareSide(url, `${prefix}-keepfail`, 'bare BullMQ, removeOnFail {count: 5000} only', { removeOnFail: { count: 5000 } }),
  bareSide(url, `${prefix}-noprio`, 'bare BullMQ, our job options but the priority', { attempts: ATTEMPTS_CEILING, backoff: { type: 'nexus' }, removeOnComplete: { count: 1000 }, removeOnFail: { count: 5000 } }),
];

/** Our BullmqJobQueue and BullmqJobWorker, as the production profile builds them. */
const nexusSide = async (url: string, prefix: string, code: NexusCode = THIS_BUILD, name = 'Nexus BullmqJobQueue'): Promise<Side> => {
  const producer = await connectRedis(url, { name: 'bench-producer', failFast: true });
  const consumer = await connectRedis(url, { name: 'bench-worker', failFast: false });
  const queue = new code.BullmqJobQueue(producer, prefix);
  const target: QueueName = 'data-processing';
  return {
    name,
    addOne: (i) => queue.enqueue(target, 'noop', { i }),
    addBulk: (from, count, data = (i) => ({ i })) => queue.enqueueBulk(target, Array.from({ length: count }, (_, k) => ({ name: 'noop', data: data(from + k) }))),
    process: (concurrency, work) =>
      untilN(async (counted) => {
        const worker = new code.BullmqJobWorker(consumer, queue, logger, new LogAlerts(logger), { concurrency, retry: DEFAULT_RETRY_POLICIES, clock: new SystemClock() }, prefix);
        await worker.start(work === 'noop' ? ({ [target]: counted } as JobHandlers) : realHandlers(counted, code));
        return { close: () => worker.stop() };
      }),
    clear: async () => {
      await Promise.all(QUEUE_NAMES.map((q) => queue.queue(q).obliterate({ force: true }).catch(() => undefined)));
    },
    close: async () => {
      await queue.close();
      await producer.quit();
      await consumer.quit();
    },
  };
};

/** The in-process queue (embedded): no reference, its own figures. */
const embeddedSide = (): Side => {
  const make = () => new InProcessJobQueue(logger, { concurrency: 1, retry: DEFAULT_RETRY_POLICIES, keepFinished: 100, clock: new SystemClock() });
  let queue = make();
  return {
    name: 'Nexus InProcessJobQueue (embedded)',
    addOne: (i) => queue.enqueue('data-processing', 'noop', { i }),
    addBulk: (from, count, data = (i) => ({ i })) => queue.enqueueBulk('data-processing', Array.from({ length: count }, (_, k) => ({ name: 'noop', data: data(from + k) }))),
    process: (concurrency, work) =>
      untilN(async (counted) => {
        // The in-process queue is its own worker.
        queue.setConcurrency(concurrency);
        await queue.start(work === 'noop' ? ({ 'data-processing': counted } as JobHandlers) : realHandlers(counted));
        return { close: () => queue.stop() };
      }),
    clear: async () => {
      await queue.stop();
      queue = make();
    },
    close: () => queue.stop(),
  };
};

export const measureJobs = async (redisUrl: string | undefined): Promise<JobFigure[]> => {
  const figures: JobFigure[] = [];
  if (redisUrl) {
    const prefix = `bench-jobs-${process.pid}`;
    const bare = bareSide(redisUrl, `${prefix}-bare`, 'bare BullMQ', {});
    // BullMQ doing what our adapter asks of it (a priority on every job, the retry ceiling, the
    // custom backoff, bounded completed/failed sets): what is left between this and ours is our code.
    const sameOptions = bareSide(redisUrl, `${prefix}-opts`, 'bare BullMQ with the adapter\'s job options', {
      priority: BULLMQ_PRIORITY.normal,
      attempts: ATTEMPTS_CEILING,
      backoff: { type: 'nexus' },
      removeOnComplete: { count: 1000 },
      removeOnFail: { count: 5000 },
    });
    const ours = await nexusSide(redisUrl, `${prefix}-ours`);
    const optionSides = process.env['BENCH_JOB_OPTION_SIDES'] ? oneOptionSides(redisUrl, prefix) : [];
    const compare = process.env['BENCH_JOBS_COMPARE'];
    const compared = compare ? await nexusSide(redisUrl, `${prefix}-compared`, comparedBuild(compare), 'Nexus BullmqJobQueue, compared build') : undefined;
    if (compared) optionSides.unshift(compared);
    const info = await connectRedis(redisUrl, { name: 'bench-info', failFast: true });
    const redisCpu: RedisCpu = async () => {
      const text = await info.info('cpu');
      const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(text)?.[1] ?? 0);
      return field('used_cpu_user') + field('used_cpu_sys');
    };
    // A first pass of each loads BullMQ's Lua scripts and warms the JIT; it is not kept.
    const all = [bare, sameOptions, ours, ...optionSides];
    for (const side of all) for (const m of MEASURES) await measureOnce(side, m, redisCpu);
    for (const measure of MEASURES) {
      const runs = new Map<Side, Pass[]>(all.map((side) => [side, []]));
      for (let r = 0; r < ROUNDS; r++) for (const side of all) runs.get(side)!.push(await measureOnce(side, measure, redisCpu));
      const rates = (side: Side) => runs.get(side)!.map((p) => p.rate);
      const ratio = (side: Side, ref: Side) => median(rates(side).map((x, i) => x / rates(ref)[i]!));
      const cpu = (side: Side) => ({ clientUs: round1(median(runs.get(side)!.map((p) => p.clientUs))), redisUs: round1(median(runs.get(side)!.map((p) => p.redisUs))) });
      figures.push({ name: `bare BullMQ: ${measure}`, perSecond: Math.round(median(rates(bare))), ratio: 1, ...cpu(bare) });
      figures.push({ name: `bare BullMQ, our job options: ${measure}`, perSecond: Math.round(median(rates(sameOptions))), ratio: ratio(sameOptions, bare), ref: 'bare BullMQ', ...cpu(sameOptions) });
      figures.push({ name: `Nexus BullmqJobQueue: ${measure}`, perSecond: Math.round(median(rates(ours))), ratio: ratio(ours, bare), ref: 'bare BullMQ', ...cpu(ours) });
      figures.push({ name: `Nexus BullmqJobQueue: ${measure}`, perSecond: Math.round(median(rates(ours))), ratio: ratio(ours, sameOptions), ref: 'bare BullMQ, our job options', ...cpu(ours) });
      if (compared) figures.push({ name: `Nexus BullmqJobQueue: ${measure}`, perSecond: Math.round(median(rates(ours))), ratio: ratio(ours, compared), ref: 'Nexus, compared build', ...cpu(ours) });
      for (const side of optionSides) figures.push({ name: `${side.name}: ${measure}`, perSecond: Math.round(median(rates(side))), ratio: ratio(side, bare), ref: 'bare BullMQ', ...cpu(side) });
      process.stderr.write(`  jobs, ${measure}: bare ${Math.round(median(rates(bare)))}/s, same options ${Math.round(median(rates(sameOptions)))}/s, ours ${Math.round(median(rates(ours)))}/s\n`);
      if (compared) process.stderr.write(`    this build / compared build: ${ratio(ours, compared).toFixed(2)} (median of the rounds' ratios)\n`);
      for (const side of all) process.stderr.write(`    ${side.name}: CPU per job ${cpu(side).clientUs} us here, ${cpu(side).redisUs} us in Redis (medians)\n`);
    }
    await info.quit();
    for (const side of all) {
      await side.clear();
      await side.close();
    }
  }
  const embedded = embeddedSide();
  for (const measure of MEASURES) {
    const runs: number[] = [];
    for (let r = 0; r < ROUNDS; r++) runs.push((await measureOnce(embedded, measure, async () => 0)).rate);
    figures.push({ name: `Nexus InProcessJobQueue (embedded): ${measure}`, perSecond: Math.round(median(runs)) });
  }
  await embedded.close();
  return figures;
};
