import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../../application/ports/logger.port';

/**
 * A connection to one Redis or to a Redis Cluster. Every Redis adapter takes this type (adapters
 * of other kinds spell it `Redis | Cluster` from ioredis, since they may not import this file):
 * single-key commands and single-key scripts work on both; what must differ (multi-key commands,
 * scans, health) goes through the helpers below.
 */
export type RedisClient = Redis | Cluster;

export interface RedisNodeAddress {
  readonly host: string;
  readonly port: number;
}

/** Where Redis is: one server by URL (`REDIS_URL`), or a cluster by its seed nodes (`REDIS_CLUSTER_NODES`). */
export type RedisTarget =
  | { readonly kind: 'single'; readonly url: string }
  | {
      readonly kind: 'cluster';
      /** Seed nodes: the client asks them for the cluster's layout and finds the rest itself. */
      readonly nodes: readonly RedisNodeAddress[];
      readonly username?: string;
      readonly password?: string;
      readonly tls: boolean;
    };

export interface RedisConnectOptions {
  /** Shown in `CLIENT LIST` and in our errors. */
  readonly name: string;
  readonly connectTimeoutMs?: number;
  /**
   * Request path clients fail a command at once while Redis is away, so a request gets a clear
   * error instead of waiting; blocking consumers (BullMQ workers) must instead wait and retry.
   */
  readonly failFast: boolean;
  /** Told once when a ready connection is lost and once when it is back. */
  readonly logger?: Logger;
}

/**
 * Connects and waits until Redis answers, or rejects with a message that names the server. The
 * one place that chooses between ioredis' `Redis` and `Cluster`, with the same fail-fast,
 * offline-queue and retry behaviour for both.
 */
export function connectRedis(url: string, options: RedisConnectOptions): Promise<Redis>;
export function connectRedis(target: RedisTarget, options: RedisConnectOptions): Promise<RedisClient>;
export async function connectRedis(target: string | RedisTarget, options: RedisConnectOptions): Promise<RedisClient> {
  const resolved: RedisTarget = typeof target === 'string' ? { kind: 'single', url: target } : target;
  const timeout = options.connectTimeoutMs ?? 5000;
  const connectionName = `nexus-${options.name}`;
  const retryStrategy = (times: number): number => Math.min(times * 200, 2000);
  let client: RedisClient;
  let where: string;
  if (resolved.kind === 'single') {
    const redisOptions: RedisOptions = {
      connectionName,
      lazyConnect: true,
      connectTimeout: timeout,
      enableOfflineQueue: !options.failFast,
      maxRetriesPerRequest: options.failFast ? 1 : null,
      retryStrategy,
    };
    client = new Redis(resolved.url, redisOptions);
    where = `Redis at ${redactRedisUrl(resolved.url)}`;
  } else {
    const clusterOptions: ClusterOptions = {
      lazyConnect: true,
      enableOfflineQueue: !options.failFast,
      clusterRetryStrategy: retryStrategy,
      slotsRefreshTimeout: Math.min(timeout, 2000),
      redisOptions: {
        connectionName,
        connectTimeout: timeout,
        maxRetriesPerRequest: options.failFast ? 1 : null,
        ...(resolved.username === undefined ? {} : { username: resolved.username }),
        ...(resolved.password === undefined ? {} : { password: resolved.password }),
        ...(resolved.tls ? { tls: {} } : {}),
      },
    };
    client = new Cluster(
      resolved.nodes.map((n) => ({ host: n.host, port: n.port })),
      clusterOptions,
    );
    where = `Redis Cluster at ${describeRedisTarget(resolved)}`;
  }
  // Without a listener ioredis prints every reconnect error to stderr; our health checks report them.
  client.on('error', () => undefined);
  if (options.logger) logTransitions(client, options.name, options.logger);
  try {
    await withTimeout(client.connect(), timeout);
    await client.ping();
    return client;
  } catch (err) {
    client.disconnect();
    throw new Error(`cannot reach ${where}: ${(err as Error).message}`);
  }
}

/** Where a target points, without credentials: for logs and errors. */
export const describeRedisTarget = (target: RedisTarget): string =>
  target.kind === 'single' ? redactRedisUrl(target.url) : `${target.tls ? 'rediss' : 'redis'}://${target.nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;

export const isCluster = (client: RedisClient): client is Cluster => client.isCluster;

/**
 * A connection to each master: the client itself on a single Redis, one per master node on a
 * cluster. Whatever must see every key (a SCAN for a prefix) runs once on each.
 */
export const masters = (client: RedisClient): Redis[] => (isCluster(client) ? client.nodes('master') : [client]);

/**
 * Removes keys. On a cluster a multi-key command must keep to one slot (else CROSSSLOT), so each
 * key goes on its own (the client routes it to its master and pipelines per node); a single
 * Redis takes them in one command.
 */
export const removeKeys = async (client: RedisClient, keys: readonly string[], command: 'del' | 'unlink' = 'del'): Promise<number> => {
  if (keys.length === 0) return 0;
  if (!isCluster(client)) return client[command](...keys);
  const removed = await Promise.all(keys.map((key) => client[command](key)));
  return removed.reduce((a, b) => a + b, 0);
};

/**
 * Reads several string keys: one MGET on a single Redis; on a cluster one GET per key (an MGET
 * across slots is CROSSSLOT, and an ioredis Cluster pipeline must keep to one node's slots).
 */
export const readKeys = async (client: RedisClient, keys: readonly string[]): Promise<(string | null)[]> => {
  if (keys.length === 0) return [];
  if (!isCluster(client)) return client.mget(...keys);
  return Promise.all(keys.map((key) => client.get(key)));
};

const CLUSTER_SLOTS = 16_384;

/** A cluster whose slot table names a master this client has no connection to, or leaves slots unserved. */
export class ClusterIncompleteError extends Error {
  override readonly name = 'ClusterIncompleteError';
}

/**
 * A connection to the master of every slot range, as the cluster's own slot table says (a
 * single Redis: the client itself). Unlike `masters`, it refuses (ClusterIncompleteError, an
 * outage) when a master is missing from this client's connections, so whatever must reach every
 * key (invalidation by prefix) fails loudly instead of skipping a third of the keys.
 */
export const everyMaster = async (client: RedisClient): Promise<Redis[]> => {
  if (!isCluster(client)) return [client];
  const ranges = await client.cluster('SLOTS');
  const covered = ranges.reduce((n, [start, end]) => n + end - start + 1, 0);
  if (covered < CLUSTER_SLOTS) throw new ClusterIncompleteError(`Redis Cluster serves ${covered} of ${CLUSTER_SLOTS} slots`);
  const known = new Map(client.nodes('master').map((node) => [`${node.options.host}:${node.options.port}`, node]));
  const owners = new Set(ranges.map(([, , master]) => (master ? `${master[0]}:${master[1]}` : 'none')));
  return [...owners].map((owner) => {
    const node = known.get(owner);
    if (!node) throw new ClusterIncompleteError(`Redis Cluster: the master ${owner} is not reachable`);
    return node;
  });
};

/**
 * Readiness: a single Redis answers PING. A cluster must serve every slot: it says
 * `cluster_state:ok`, its slot table covers all 16384 slots, and the master of each range
 * answers PING (right after a master dies the cluster still calls itself ok for
 * cluster-node-timeout, while a third of the keys cannot be read or written).
 */
export const pingRedis = async (client: RedisClient): Promise<void> => {
  if (!isCluster(client)) {
    await client.ping();
    return;
  }
  const info = await client.cluster('INFO');
  if (!/cluster_state:ok/.test(info)) throw new ClusterIncompleteError(`Redis Cluster is not ok: ${/cluster_state:(\w+)/.exec(info)?.[1] ?? 'unknown state'}`);
  await Promise.all((await everyMaster(client)).map((node) => node.ping()));
};

/**
 * One line when a ready connection drops (ioredis starts reconnecting), one when it is ready
 * again: not one per retry, and nothing for a close we asked for or a failed first connect.
 * ioredis' Cluster emits the same `reconnecting` and `ready` events as a single connection.
 */
const logTransitions = (redis: RedisClient, name: string, logger: Logger): void => {
  let wasReady = false;
  let lost = false;
  let lastError: string | undefined;
  redis.on('error', (err: Error) => void (lastError = err.message));
  redis.on('reconnecting', () => {
    if (!wasReady || lost) return;
    lost = true;
    logger.warn('Redis connection lost; reconnecting', { connection: name, ...(lastError ? { error: lastError } : {}) });
  });
  redis.on('ready', () => {
    wasReady = true;
    if (!lost) return;
    lost = false;
    logger.info('Redis connection is back', { connection: name });
  });
};

export const redactRedisUrl = (url: string): string => url.replace(/\/\/[^@/]*@/, '//***@');

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });

/**
 * ioredis' errors that mean "Redis does not answer" (closed or refused connection, retries used
 * up, offline queue off), as opposed to a command Redis refused. On a cluster also: no node
 * answers the slot-table refresh (`ClusterAllFailedError`), no seed node is reachable, the
 * redirections ran out while a master was away, or Redis itself says the cluster is down.
 */
export const isRedisOutage = (err: unknown): boolean => {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  return (
    err.name === 'MaxRetriesPerRequestError' ||
    err.name === 'ClusterAllFailedError' ||
    err.name === 'ClusterIncompleteError' ||
    code === 'ECONNREFUSED' ||
    code === 'ECONNRESET' ||
    code === 'ETIMEDOUT' ||
    /Connection is closed|Stream isn't writeable|enableOfflineQueue options is false/i.test(err.message) ||
    /Failed to refresh slots cache|None of startup nodes is available|Too many Cluster redirections|Cluster is (disconnected|disconnecting|ended)|Node is disconnected|^CLUSTERDOWN/i.test(err.message)
  );
};
