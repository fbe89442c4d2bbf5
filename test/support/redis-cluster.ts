import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import type { RedisTarget } from '../../src/adapters/redis/redis-connection';
import { freePort, onPath, type ServiceHandle, waitForPort } from './services';

/**
 * A local Redis Cluster of `masters` redis-server processes (no replicas), each in cluster mode
 * on a free port with its nodes file in one temp dir, joined by `redis-cli --cluster create`.
 * Resolves once every node says `cluster_state:ok`. Tests get one shared instance through
 * `requireService(ctx, 'redis-cluster')` (services.ts), stopped after the run.
 */
export interface LocalRedisCluster extends ServiceHandle {
  readonly ports: readonly number[];
  /** Kills one node at once (SIGKILL), as a crash would. */
  killNode(port: number): Promise<void>;
  /** Starts a killed node again on its port, with its nodes file: it rejoins with its slots. */
  restartNode(port: number): Promise<void>;
}

export const startRedisCluster = async (masters = 3): Promise<LocalRedisCluster> => {
  const server = onPath('redis-server');
  const cli = onPath('redis-cli');
  if (!server || !cli) throw new Error('a Redis Cluster needs redis-server and redis-cli (npm run services installs them)');
  const dir = mkdtempSync(join(tmpdir(), 'nexus-redis-cluster-'));
  const children: ChildProcess[] = [];
  const byPort = new Map<number, ChildProcess>();
  const startNode = (port: number): ChildProcess => {
    const args = [
      '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
      '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`),
      // A node that stops answering is marked failed within 2 s (the default is 15 s).
      '--cluster-node-timeout', '2000',
      '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction',
    ];
    const child = spawn(server, args, { stdio: 'ignore' });
    children.push(child);
    byPort.set(port, child);
    return child;
  };
  const stop = async (): Promise<void> => {
    await Promise.all(children.map((child) => stopChild(child)));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ports: number[] = [];
    while (ports.length < masters) {
      const port = await freePort();
      if (!ports.includes(port)) ports.push(port);
    }
    for (const port of ports) startNode(port);
    await Promise.all(ports.map((port) => waitForPort(port, 10_000, byPort.get(port))));
    await run(cli, ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes']);
    await Promise.all(ports.map((port) => waitForClusterOk(port, 20_000)));
    const killNode = async (port: number): Promise<void> => {
      const child = byPort.get(port);
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((res) => child.once('exit', () => res()));
      child.kill('SIGKILL');
      await exited;
    };
    const restartNode = async (port: number): Promise<void> => {
      await waitForPort(port, 10_000, startNode(port));
      await waitForClusterOk(port, 20_000);
    };
    return { url: ports.map((p) => `127.0.0.1:${p}`).join(','), source: 'local binary', ports, stop, killNode, restartNode };
  } catch (err) {
    await stop();
    throw err;
  }
};

/** REDIS_CLUSTER_NODES (`host:port,...`) as the target connectRedis takes. */
export const clusterTarget = (nodes: string): RedisTarget => ({
  kind: 'cluster',
  tls: false,
  nodes: nodes.split(',').map((entry) => {
    const [host, port] = entry.trim().split(':');
    return { host: host!, port: Number(port) };
  }),
});

/** The hash slot Redis itself computes for a key (CLUSTER KEYSLOT), asked of any node. */
export const keySlot = async (client: { cluster(sub: 'KEYSLOT', key: string): Promise<number> }, key: string): Promise<number> => client.cluster('KEYSLOT', key);

const run = (binary: string, args: string[]): Promise<void> =>
  new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${binary} ${args.join(' ')} exited with ${code}:\n${out}`))));
  });

const waitForClusterOk = async (port: number, timeoutMs: number): Promise<void> => {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const info = await redis.cluster('INFO');
      if (/cluster_state:ok/.test(info)) return;
      if (Date.now() > deadline) throw new Error(`the cluster node on port ${port} is not ok after ${timeoutMs} ms:\n${info}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    redis.disconnect();
  }
};

const stopChild = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
  await exited;
  clearTimeout(timer);
};
