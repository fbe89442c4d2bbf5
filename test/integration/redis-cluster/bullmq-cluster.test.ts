import { expect } from 'chai';
import { Queue } from 'bullmq';
import type { Cluster, Redis } from 'ioredis';
import { BullmqJobQueue, queuePrefix } from '../../../src/adapters/bullmq/bullmq-job-queue';
import { BullmqJobWorker } from '../../../src/adapters/bullmq/bullmq-job-worker';
import { connectRedis, masters, type RedisClient } from '../../../src/adapters/redis/redis-connection';
import { QUEUE_NAMES } from '../../../src/domain/jobs/job';
import { SystemClock } from '../../../src/adapters/system/system-clock';
import { jobQueueContract, RecordingAlerts, TEST_RETRY } from '../../contract/job-queue.contract';
import { eventually } from '../../support/eventually';
import { silentLogger } from '../../support/logger';
import { clusterTarget, keySlot } from '../../support/redis-cluster';
import { requireService } from '../../support/services';

const scanAll = async (node: Redis, pattern: string): Promise<string[]> => {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
};

/** Which masters (by index) hold keys matching `pattern`, and the keys. */
const holders = async (client: RedisClient, pattern: string): Promise<{ master: number; keys: string[] }[]> =>
  (await Promise.all(masters(client).map(async (node, master) => ({ master, keys: await scanAll(node, pattern) })))).filter((h) => h.keys.length > 0);

describe('Redis Cluster :: BullMQ job queue and worker', function () {
  let nodes: string;
  const connections: RedisClient[] = [];
  const connect = async (name: string, failFast: boolean): Promise<RedisClient> => {
    const client = await connectRedis(clusterTarget(nodes), { name, failFast });
    connections.push(client);
    return client;
  };

  before(async function () {
    this.timeout(120_000);
    nodes = await requireService(this, 'redis-cluster');
  });
  after(async () => {
    await Promise.all(connections.splice(0).map((c) => c.quit().catch(() => undefined)));
  });

  let n = 0;
  jobQueueContract('BullmqJobQueue + BullmqJobWorker on a Redis Cluster', async ({ concurrency, retry }) => {
    const prefix = `cl-${process.pid}-${++n}`;
    const queue = new BullmqJobQueue(await connect('test-cluster-producer', true), prefix);
    const alerts = new RecordingAlerts();
    const worker = new BullmqJobWorker(await connect('test-cluster-worker', false), queue, silentLogger(), alerts, { concurrency, retry, clock: new SystemClock() }, prefix);
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

  it("keeps every key of one queue, its job claims included, in one slot on one master ({prefix:queue}), and different queues in different slots", async function () {
    this.timeout(30_000);
    const prefix = `cl-${process.pid}-slots`;
    const producer = (await connect('test-cluster-slots', true)) as Cluster;
    const queue = new BullmqJobQueue(producer, prefix);
    const worker = new BullmqJobWorker(await connect('test-cluster-slots-worker', false), queue, silentLogger(), new RecordingAlerts(), { concurrency: 2, retry: TEST_RETRY, clock: new SystemClock() }, prefix);
    try {
      expect(queue.prefixOf('email')).to.equal(`{${prefix}:email}`);
      // Jobs in every state a queue keeps: done, failed for good (dead letter), delayed, waiting, claimed.
      await worker.start({
        email: async (job) => {
          if (job.name === 'fails') throw new Error('smtp down');
        },
        'data-processing': async () => undefined,
      });
      const done = await queue.enqueue('email', 'ok', { n: 1 });
      const failing = await queue.enqueue('email', 'fails', {});
      await queue.enqueue('email', 'later', {}, { delayMs: 60_000 });
      await queue.enqueue('data-processing', 'ok', { items: [1] });
      await eventually(async () => ((await queue.get('email', done.id))?.state === 'completed' ? true : undefined), 10_000, 'completed');
      await eventually(async () => ((await queue.get('email', failing.id))?.state === 'dead' ? true : undefined), 10_000, 'dead');
      await worker.stop();
      await queue.enqueue('email', 'waiting', {});
      expect((await queue.claim('email', done.id, 60_000)).status).to.equal('claimed');

      const email = await holders(producer, `{${prefix}:email}*`);
      expect(email, 'one master holds the whole email queue').to.have.length(1);
      const keys = email[0]!.keys;
      expect(keys).to.include(queue.claimKey('email', done.id));
      expect(keys.some((k) => k.endsWith(':email:wait') || k.endsWith(':email:prioritized'))).to.equal(true);
      expect(keys.some((k) => k.endsWith(':email:delayed'))).to.equal(true);
      const slots = new Set(await Promise.all(keys.map((k) => keySlot(producer, k))));
      expect(slots.size, `${keys.length} keys of the email queue, in slots ${[...slots].join(', ')}`).to.equal(1);

      const otherSlot = await keySlot(producer, `{${prefix}:data-processing}:data-processing:id`);
      expect(otherSlot).to.not.equal([...slots][0]);
      const dlq = await holders(producer, `{${prefix}:dead-letter}*`);
      expect(dlq, 'the dead letter went to its own queue, in its own slot').to.have.length(1);
    } finally {
      await worker.stop();
      await Promise.all(QUEUE_NAMES.map((name) => queue.queue(name).obliterate({ force: true }).catch(() => undefined)));
      await queue.close();
    }
  });

  it('needs the hash tag: the same queue without one is refused by the cluster (CROSSSLOT)', async () => {
    const plain = new Queue('email', { connection: await connect('test-cluster-plain', true), prefix: `cl-${process.pid}-plain` });
    plain.on('error', () => undefined);
    try {
      const error = await plain.add('x', {}).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.message).to.match(/CROSSSLOT/);
    } finally {
      await plain.close();
    }
  });

  it('processes a job once when two workers race for it on the cluster', async function () {
    this.timeout(30_000);
    const prefix = `cl-${process.pid}-race`;
    const queue = new BullmqJobQueue(await connect('test-cluster-race', true), prefix);
    const options = { concurrency: 5, retry: TEST_RETRY, clock: new SystemClock() };
    const workers = [
      new BullmqJobWorker(await connect('test-cluster-race-1', false), queue, silentLogger(), new RecordingAlerts(), options, prefix),
      new BullmqJobWorker(await connect('test-cluster-race-2', false), queue, silentLogger(), new RecordingAlerts(), options, prefix),
    ];
    const runs = new Map<string, number>();
    try {
      for (const worker of workers) await worker.start({ 'data-processing': async (job) => void runs.set(job.id, (runs.get(job.id) ?? 0) + 1) });
      const ids = (await queue.enqueueBulk('data-processing', Array.from({ length: 40 }, (_, i) => ({ name: 'n', data: { i } })))).map((j) => j.id);
      await eventually(async () => ((await queue.counts('data-processing')).completed === 40 ? true : undefined), 20_000, 'all 40 completed');
      expect([...runs.keys()].sort()).to.deep.equal([...ids].sort());
      expect([...runs.values()].every((count) => count === 1)).to.equal(true);
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
      await Promise.all(QUEUE_NAMES.map((name) => queue.queue(name).obliterate({ force: true }).catch(() => undefined)));
      await queue.close();
    }
  });

  it('keeps the key names of a single Redis as they were before clusters (no hash tag): jobs queued before an upgrade are still found', async function () {
    const url = await requireService(this, 'redis');
    expect(queuePrefix('nexus', 'email', false)).to.equal('nexus');
    const single = await connectRedis(url, { name: 'test-single-names', failFast: true });
    connections.push(single);
    const prefix = `single-${process.pid}`;
    const queue = new BullmqJobQueue(single, prefix);
    try {
      const { id } = await queue.enqueue('email', 'x', {});
      expect(await single.exists(`${prefix}:email:${id}`)).to.equal(1);
      expect(queue.claimKey('email', id)).to.equal(`${prefix}:claims:email:${id}`);
    } finally {
      await Promise.all(QUEUE_NAMES.map((name) => queue.queue(name).obliterate({ force: true }).catch(() => undefined)));
      await queue.close();
    }
  });
});
