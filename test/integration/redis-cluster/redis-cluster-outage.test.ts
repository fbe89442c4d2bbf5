import { expect } from 'chai';
import type { Cluster } from 'ioredis';
import { RedisCache } from '../../../src/adapters/redis/redis-cache';
import { connectRedis, isRedisOutage, masters, pingRedis } from '../../../src/adapters/redis/redis-connection';
import { DependencyUnavailable, outagesAsUnavailable } from '../../../src/application/ports/dependency-unavailable';
import { eventually } from '../../support/eventually';
import { capturingLogger } from '../../support/logger';
import { clusterTarget, type LocalRedisCluster, startRedisCluster } from '../../support/redis-cluster';
import { requireLocalBinary } from '../../support/services';

const failure = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (e: unknown) => e,
  );

// A cluster of its own: this suite kills one of its masters.
describe('Redis Cluster :: a master goes away and comes back', function () {
  this.timeout(60_000);
  let local: LocalRedisCluster;
  let client: Cluster;
  const { logger } = capturingLogger();

  before(async function () {
    this.timeout(120_000);
    requireLocalBinary(this, 'redis-server');
    requireLocalBinary(this, 'redis-cli');
    local = await startRedisCluster();
    client = (await connectRedis(clusterTarget(local.url), { name: 'test-outage', failFast: true, logger })) as Cluster;
  });
  after(async () => {
    client?.disconnect();
    await local?.stop();
  });

  it("answers a key on a dead master with an outage error (503 at the edge), not a hang or a crash; readiness says so; it works again once the master is back", async () => {
    const cache = outagesAsUnavailable(new RedisCache(client, 'outage:'), 'cache', isRedisOutage);
    // A key on each master, and which port serves each.
    for (let i = 0; i < 30; i++) await cache.set(`k${i}`, i, 60);
    const onMaster = new Map<number, string>();
    for (const node of masters(client)) {
      const [key] = await node.keys('outage:*');
      if (key) onMaster.set(Number(node.options.port), key.slice('outage:'.length));
    }
    expect(onMaster.size).to.equal(3);
    const [victim, survivor] = local.ports;
    const doomedKey = onMaster.get(victim!)!;
    await pingRedis(client);

    await local.killNode(victim!);
    const error = await failure(cache.get(doomedKey));
    expect(error, String(error)).to.be.instanceOf(DependencyUnavailable);
    expect(await failure(pingRedis(client)), 'readiness').to.be.instanceOf(Error);
    // Invalidation by prefix cannot reach that master's keys: it fails (and is logged by the caller), it does not skip them.
    expect(await failure(cache.deleteByPrefix('k')), 'prefix invalidation').to.be.instanceOf(DependencyUnavailable);
    // Without replicas the cluster soon calls itself down (cluster-node-timeout): every key is then an outage too.
    await eventually(async () => {
      const e = await failure(cache.get(onMaster.get(survivor!)!));
      return e instanceof DependencyUnavailable ? true : undefined;
    }, 20_000, 'the whole cluster refuses as down');

    await local.restartNode(victim!);
    // Restarted empty (no persistence here), but serving its slots again.
    await eventually(async () => ((await failure(cache.get(doomedKey))) === undefined ? true : undefined), 20_000, 'the dead master serves again');
    expect(await cache.get(onMaster.get(survivor!)!)).to.equal(Number(onMaster.get(survivor!)!.slice(1)));
    await eventually(async () => ((await failure(pingRedis(client))) === undefined ? true : undefined), 20_000, 'ready again');
  });
});
