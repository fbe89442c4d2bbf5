import { expect } from 'chai';
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { BULLMQ_PRIORITY, BullmqJobQueue, mapState } from '../../../src/adapters/bullmq/bullmq-job-queue';
import { BullmqJobWorker } from '../../../src/adapters/bullmq/bullmq-job-worker';
import { connectRedis } from '../../../src/adapters/redis/redis-connection';
import { deadLetterId, QUEUE_NAMES } from '../../../src/domain/jobs/job';
import { jobQueueContract, RecordingAlerts, TEST_RETRY } from '../../contract/job-queue.contract';
import { eventually } from '../../support/eventually';
import { capturingLogger, silentLogger } from '../../support/logger';
import { requireService } from '../../support/services';
import { SystemClock } from '../../../src/adapters/system/system-clock';

describe('BullMQ :: job queue', function () {
  let url: string;
  const connections: Redis[] = [];

  before(async function () {
    this.timeout(120_000);
    url = await requireService(this, 'redis');
  });
  after(async () => {
    await Promise.all(connections.splice(0).map((c) => c.quit().catch(() => undefined)));
  });

  let n = 0;
  jobQueueContract('BullmqJobQueue + BullmqJobWorker', async ({ concurrency, retry }) => {
    const prefix = `test-${process.pid}-${++n}`;
    const producer = await connectRedis(url, { name: 'test-producer', failFast: true });
    const consumer = await connectRedis(url, { name: 'test-worker', failFast: false });
    connections.push(producer, consumer);
    const queue = new BullmqJobQueue(producer, prefix);
    const alerts = new RecordingAlerts();
    const worker = new BullmqJobWorker(consumer, queue, silentLogger(), alerts, { concurrency, retry, clock: new SystemClock() }, prefix);
    return {
      queue,
      worker,
      alerts,
      cleanup: async () => {
        await worker.stop();
        await Promise.all(QUEUE_NAMES.map((name) => queue.queue(name).obliterate({ force: true }).catch(() => undefined)));
        await queue.close();
      },
    };
  });

  it("retries on the worker's policy alone: the producer's settings do not decide how often", async function () {
    this.timeout(30_000);
    const prefix = `test-${process.pid}-policy`;
    const producer = await connectRedis(url, { name: 'test-producer', failFast: true });
    const consumer = await connectRedis(url, { name: 'test-worker', failFast: false });
    connections.push(producer, consumer);
    // The producer (an API process) takes no retry settings at all: it cannot disagree with the worker.
    const queue = new BullmqJobQueue(producer, prefix);
    const worker = new BullmqJobWorker(consumer, queue, silentLogger(), new RecordingAlerts(), { concurrency: 1, retry: TEST_RETRY, clock: new SystemClock() }, prefix);
    try {
      let runs = 0;
      await worker.start({
        email: async () => {
          runs += 1;
          throw new Error('smtp down');
        },
      });
      const { id } = await queue.enqueue('email', 'policy', {});
      const dead = await eventually(async () => {
        const job = await queue.get('email', id);
        return job?.state === 'dead' ? job : undefined;
      }, 10_000, 'dead');
      expect(dead.attemptsMade).to.equal(TEST_RETRY.email.attempts);
      expect(runs).to.equal(TEST_RETRY.email.attempts);
      expect(await queue.get('dead-letter', deadLetterId('email', id))).to.not.equal(null);
    } finally {
      await worker.stop();
      await Promise.all(QUEUE_NAMES.map((name) => queue.queue(name).obliterate({ force: true }).catch(() => undefined)));
      await queue.close();
    }
  });

  it('logs a stalled job (warn, with its id and queue) when a worker died holding it', async function () {
    this.timeout(30_000);
    const prefix = `test-${process.pid}-stall`;
    const producer = await connectRedis(url, { name: 'test-producer', failFast: true });
    const consumer = await connectRedis(url, { name: 'test-worker', failFast: false });
    const doomed = await connectRedis(url, { name: 'test-doomed', failFast: false });
    connections.push(producer, consumer, doomed);
    const queue = new BullmqJobQueue(producer, prefix);
    const { logger, lines } = capturingLogger();
    const worker = new BullmqJobWorker(consumer, queue, logger, new RecordingAlerts(), { concurrency: 1, retry: TEST_RETRY, lockDurationMs: 1000, stalledIntervalMs: 300, clock: new SystemClock() }, prefix);
    // A worker that takes the job and then dies: it stops renewing the job's lock.
    const dying = new Worker('email', () => new Promise(() => undefined), { connection: doomed, prefix, lockDuration: 1000, skipStalledCheck: true });
    try {
      const { id } = await queue.enqueue('email', 'stuck', {});
      await eventually(async () => ((await queue.get('email', id))?.state === 'processing' ? true : undefined), 10_000, 'taken by the dying worker');
      doomed.disconnect();
      let runs = 0;
      await worker.start({ email: async () => void (runs += 1) });
      const line = await eventually(() => lines().find((l) => String(l['message']).startsWith('job stalled')), 15_000, 'stalled log line');
      expect(line).to.include({ level: 'warn', queue: 'email', jobId: id });
      await eventually(async () => ((await queue.get('email', id))?.state === 'completed' ? true : undefined), 10_000, 'run again');
      expect(runs).to.equal(1);
    } finally {
      await dying.close(true).catch(() => undefined);
      await worker.stop();
      await Promise.all(QUEUE_NAMES.map((name) => queue.queue(name).obliterate({ force: true }).catch(() => undefined)));
      await queue.close();
    }
  });

  it('writes a running job\'s progress at most every 100 ms, the latest value, not once per report', async function () {
    this.timeout(30_000);
    const prefix = `test-${process.pid}-progress`;
    const producer = await connectRedis(url, { name: 'test-producer', failFast: true });
    const consumer = await connectRedis(url, { name: 'test-worker', failFast: false });
    connections.push(producer, consumer);
    const queue = new BullmqJobQueue(producer, prefix);
    const worker = new BullmqJobWorker(consumer, queue, silentLogger(), new RecordingAlerts(), { concurrency: 1, retry: TEST_RETRY, clock: new SystemClock() }, prefix);
    // Every progress write is a Redis round trip and an event on the queue's stream.
    const progressWrites = async (): Promise<number[]> =>
      ((await producer.xrange(`${prefix}:data-processing:events`, '-', '+')) as [string, string[]][])
        .map(([, fields]) => Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, i) => [fields[2 * i], fields[2 * i + 1]])))
        .filter((e) => e['event'] === 'progress')
        .map((e) => Number(e['data']));
    try {
      await worker.start({
        'data-processing': async (job) => {
          if (job.name === 'quick') return job.reportProgress(50);
          for (let percent = 1; percent <= 100; percent++) await job.reportProgress(percent);
          await new Promise((r) => setTimeout(r, 300));
        },
      });
      const finished = async (id: string) =>
        eventually(async () => {
          const job = await queue.get('data-processing', id);
          return job?.state === 'completed' ? job : undefined;
        }, 10_000, 'completed');

      const slow = await queue.enqueue('data-processing', 'slow', {});
      expect((await finished(slow.id)).progress).to.equal(100);
      const written = await progressWrites();
      expect(written.length, JSON.stringify(written)).to.be.within(1, 3);
      expect(written.at(-1)).to.equal(100);

      // A job that ends before its first write is due writes none; done, it shows 100.
      const quick = await queue.enqueue('data-processing', 'quick', {});
      expect((await finished(quick.id)).progress).to.equal(100);
      await new Promise((r) => setTimeout(r, 200));
      expect(await progressWrites()).to.deep.equal(written);
    } finally {
      await worker.stop();
      await Promise.all(QUEUE_NAMES.map((name) => queue.queue(name).obliterate({ force: true }).catch(() => undefined)));
      await queue.close();
    }
  });

  it('maps our priorities so that critical is the highest BullMQ priority', () => {
    expect(BULLMQ_PRIORITY.critical).to.be.lessThan(BULLMQ_PRIORITY.high);
    expect(BULLMQ_PRIORITY.high).to.be.lessThan(BULLMQ_PRIORITY.normal);
    expect(BULLMQ_PRIORITY.normal).to.be.lessThan(BULLMQ_PRIORITY.low);
  });

  it('maps BullMQ states onto the domain states', () => {
    expect(mapState('waiting', 0)).to.equal('pending');
    expect(mapState('prioritized', 0)).to.equal('pending');
    expect(mapState('delayed', 0)).to.equal('scheduled');
    expect(mapState('delayed', 1)).to.equal('failed');
    expect(mapState('active', 0)).to.equal('processing');
    expect(mapState('completed', 1)).to.equal('completed');
    expect(mapState('failed', 3)).to.equal('dead');
  });
});
