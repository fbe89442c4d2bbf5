import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
// Loaded when first needed (it imports this file's helpers).
import type * as RedisClusterHarness from './redis-cluster';

/**
 * Finds the real servers the integration tests need, in this order: a URL in the environment,
 * a container (testcontainers) when a container runtime answers, a local binary started on a
 * free port in a temp dir, otherwise nothing: the suite is skipped with a loud notice, or fails
 * when NEXUS_REQUIRE_SERVICES=1.
 */
export interface ServiceHandle {
  readonly url: string;
  readonly source: 'environment' | 'container' | 'local binary';
  stop(): Promise<void>;
}

const REQUIRE = process.env['NEXUS_REQUIRE_SERVICES'] === '1';
const started: ServiceHandle[] = [];
const memo = new Map<string, Promise<ServiceHandle | null>>();

export const freePort = (): Promise<number> =>
  new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });

export const waitForPort = async (port: number, timeoutMs: number, child?: ChildProcess): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`process exited with code ${child.exitCode} before listening`);
    const open = await new Promise<boolean>((res) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        res(true);
      });
      socket.once('error', () => res(false));
    });
    if (open) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`);
};

export const onPath = (binary: string): string | undefined => {
  // Lets one machine behave like a fresh one without services, to check the skips.
  if (process.env['NEXUS_NO_LOCAL_SERVICES'] === '1') return undefined;
  const local = resolve(__dirname, '../../.tools/bin', binary);
  if (existsSync(local)) return local;
  const found = spawnSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
};

const containerRuntime = async (): Promise<boolean> => {
  if (process.env['NEXUS_NO_CONTAINERS'] === '1') return false;
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await Promise.race([getContainerRuntimeClient(), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 5000))]);
    return true;
  } catch {
    return false;
  }
};

const stopChild = (child: ChildProcess, dir?: string) => async (): Promise<void> => {
  if (child.exitCode === null) {
    child.kill('SIGTERM');
    await new Promise<void>((res) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        res();
      }, 3000);
      child.once('exit', () => {
        clearTimeout(timer);
        res();
      });
    });
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
};

export interface LocalRedisOptions {
  /** Keep an append-only file, so a restarted server still has its data (job survival tests). */
  readonly appendOnly?: boolean;
  readonly port?: number;
  readonly dir?: string;
}

/** Starts a private redis-server; used directly by tests that stop and restart Redis. */
export const startLocalRedis = async (options: LocalRedisOptions = {}): Promise<ServiceHandle & { port: number; dir: string }> => {
  const binary = onPath('redis-server');
  if (!binary) throw new Error('redis-server is not installed (npm run services installs it)');
  const port = options.port ?? (await freePort());
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'nexus-redis-'));
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--maxmemory-policy', 'noeviction'];
  args.push('--appendonly', options.appendOnly ? 'yes' : 'no');
  if (options.appendOnly) args.push('--appendfsync', 'always');
  const child = spawn(binary, args, { stdio: 'ignore' });
  await waitForPort(port, 10_000, child);
  const stopOnly = stopChild(child);
  return { url: `redis://127.0.0.1:${port}`, source: 'local binary', port, dir, stop: stopOnly };
};

const findRedis = async (): Promise<ServiceHandle | null> => {
  const fromEnv = process.env['REDIS_URL'];
  if (fromEnv) return { url: fromEnv, source: 'environment', stop: async () => undefined };
  if (await containerRuntime()) {
    const { RedisContainer } = await import('@testcontainers/redis');
    const container = await new RedisContainer('redis:7-alpine').withCommand(['redis-server', '--maxmemory-policy', 'noeviction']).start();
    return { url: container.getConnectionUrl(), source: 'container', stop: async () => void (await container.stop()) };
  }
  if (!onPath('redis-server')) return null;
  const handle = await startLocalRedis();
  const stop = async () => {
    await handle.stop();
    rmSync(handle.dir, { recursive: true, force: true });
  };
  return { url: handle.url, source: handle.source, stop };
};

/** Starts a private FerretDB (tests that stop the database use their own). */
export const startLocalMongo = async (): Promise<ServiceHandle> => {
  const binary = onPath('ferretdb');
  if (!binary) throw new Error('ferretdb is not built (npm run services builds it)');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'nexus-ferretdb-'));
  const child = spawn(binary, ['-listen', `127.0.0.1:${port}`, '-dir', dir], { stdio: 'ignore' });
  await waitForPort(port, 20_000, child);
  return { url: `mongodb://127.0.0.1:${port}/?directConnection=true`, source: 'local binary', stop: stopChild(child, dir) };
};

const findMongo = async (): Promise<ServiceHandle | null> => {
  const fromEnv = process.env['MONGO_URL'];
  if (fromEnv) return { url: fromEnv, source: 'environment', stop: async () => undefined };
  if (await containerRuntime()) {
    const { MongoDBContainer } = await import('@testcontainers/mongodb');
    // A single-node replica set, so transactions are real.
    const container = await new MongoDBContainer('mongo:7').start();
    return { url: `${container.getConnectionString()}?directConnection=true`, source: 'container', stop: async () => void (await container.stop()) };
  }
  return onPath('ferretdb') ? startLocalMongo() : null;
};

const find = (name: string, finder: () => Promise<ServiceHandle | null>): Promise<ServiceHandle | null> => {
  let promise = memo.get(name);
  if (!promise) {
    promise = finder().then((handle) => {
      if (handle) {
        started.push(handle);
        process.stderr.write(`      [services] ${name}: ${handle.source} (${handle.url.replace(/\/\/[^@/]*@/, '//***@')})\n`);
      }
      return handle;
    });
    memo.set(name, promise);
  }
  return promise;
};

export const mongoService = (): Promise<ServiceHandle | null> => find('mongodb', findMongo);
export const redisService = (): Promise<ServiceHandle | null> => find('redis', findRedis);
/**
 * A three-master Redis Cluster (test/support/redis-cluster.ts), shared by every cluster suite and
 * stopped with the other services; its `url` is a REDIS_CLUSTER_NODES value (host:port,...).
 */
export const redisClusterService = (): Promise<ServiceHandle | null> =>
  find('redis-cluster', async () => {
    const fromEnv = process.env['REDIS_CLUSTER_NODES'];
    if (fromEnv) return { url: fromEnv, source: 'environment', stop: async () => undefined };
    if (!onPath('redis-server') || !onPath('redis-cli')) return null;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { startRedisCluster } = require('./redis-cluster') as typeof RedisClusterHarness;
    return startRedisCluster();
  });

/**
 * Call in a `before` hook: returns the service URL, or skips the suite with a loud notice
 * (fails instead under NEXUS_REQUIRE_SERVICES=1, as CI runs).
 */
export const requireService = async (ctx: Mocha.Context, name: 'mongodb' | 'redis' | 'redis-cluster'): Promise<string> => {
  const handle = name === 'mongodb' ? await mongoService() : name === 'redis' ? await redisService() : await redisClusterService();
  if (handle) return handle.url;
  const message =
    name === 'redis-cluster'
      ? 'a Redis Cluster was not found (no REDIS_CLUSTER_NODES, no local redis-server and redis-cli to build one)'
      : `${name} was not found (no ${name === 'mongodb' ? 'MONGO_URL' : 'REDIS_URL'}, no container runtime, no local binary)`;
  if (REQUIRE) throw new Error(`${message}, and NEXUS_REQUIRE_SERVICES=1`);
  process.stderr.write(`\n  !!! SKIPPING: ${message}. Run \`npm run services\` to install them.\n\n`);
  ctx.skip();
};

/**
 * For tests that start (and stop) a private server: skip loudly when its binary is missing, or
 * fail under NEXUS_REQUIRE_SERVICES=1.
 */
export const requireLocalBinary = (ctx: Mocha.Context, binary: 'redis-server' | 'redis-cli' | 'ferretdb'): void => {
  if (onPath(binary)) return;
  const message = `this test starts and stops its own ${binary}, which is not installed`;
  if (REQUIRE) throw new Error(`${message}, and NEXUS_REQUIRE_SERVICES=1`);
  process.stderr.write(`\n  !!! SKIPPING: ${message}. Run \`npm run services\` to install it.\n\n`);
  ctx.skip();
};

export const stopAllServices = async (): Promise<void> => {
  await Promise.all(started.splice(0).map((s) => s.stop().catch(() => undefined)));
  memo.clear();
};

let counter = 0;
/** A database name of its own for each suite, so suites never see each other's data. */
export const uniqueDbName = (prefix: string): string => `${prefix}_${process.pid}_${Date.now().toString(36)}_${++counter}`;

/** Where the browser tests find Chromium: CHROMIUM_PATH, else Debian's package. */
export const chromiumPath = (): string | undefined => {
  const fromEnv = process.env['CHROMIUM_PATH'];
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  if (process.env['NEXUS_NO_LOCAL_SERVICES'] === '1') return undefined;
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : onPath('chromium');
};

/**
 * Call in a browser test's `before` hook: the Chromium to launch, or the suite is skipped with a
 * loud notice (a failure under NEXUS_REQUIRE_SERVICES=1, as CI runs), like the other services.
 */
export const requireChromium = (ctx: Mocha.Context): string => {
  const path = chromiumPath();
  if (path) return path;
  const message = 'chromium was not found (no CHROMIUM_PATH, no /usr/bin/chromium)';
  if (REQUIRE) throw new Error(`${message}, and NEXUS_REQUIRE_SERVICES=1`);
  process.stderr.write(`\n  !!! SKIPPING: ${message}. Run \`npm run services\` to install it.\n\n`);
  ctx.skip();
};
