import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { eventually } from '../support/eventually';
import { runNode, type RunningProcess } from '../support/process';
import { freePort, requireService, uniqueDbName } from '../support/services';

// The compiled build, run exactly as `npm run start:prod` and `npm run worker:prod` run it (the
// production image runs the same files): no tsx, plain Node on dist/. CI builds before testing.

const ROOT = resolve(__dirname, '../..');
const REQUIRE = process.env['NEXUS_REQUIRE_SERVICES'] === '1';
const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** The script's `NAME=value` prefix: the environment it starts Node with (glibc's allocator settings). */
const scriptEnv = (script: string): Record<string, string> =>
  Object.fromEntries(
    (scripts[script] ?? '')
      .split(/\s+/)
      .filter((word) => /^[A-Z_]+=/.test(word))
      .map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]),
  );

/** The script's command line after its environment, with this test's Node in place of `node`. */
const nodeArgs = (script: string): string[] => {
  const [command, ...args] = (scripts[script] ?? '').split(/\s+/).filter((word) => !/^[A-Z_]+=/.test(word));
  expect(command, `npm run ${script} runs plain node`).to.equal('node');
  return args;
};

const newestMtime = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }, 0);

const stop = async (proc: RunningProcess): Promise<number | string> => {
  proc.child.kill('SIGTERM');
  return proc.exited;
};

describe('e2e :: the compiled build (npm run start:prod, npm run worker:prod)', function () {
  this.timeout(60_000);

  before(function () {
    const missing = ['server', 'worker'].map((name) => `dist/infrastructure/${name}.js`).filter((file) => !existsSync(join(ROOT, file)));
    if (missing.length > 0) {
      const message = `${missing.join(' and ')} not found: the compiled build was not made`;
      if (REQUIRE) throw new Error(`${message} (run \`npm run build\` before the tests, as CI does), and NEXUS_REQUIRE_SERVICES=1`);
      process.stderr.write(`\n  !!! SKIPPING the compiled-build tests: ${message}. Run \`npm run build\` first.\n\n`);
      this.skip();
    }
    if (newestMtime(join(ROOT, 'src')) > statSync(join(ROOT, 'dist/infrastructure/server.js')).mtimeMs) {
      process.stderr.write('\n  !!! NOTE: src/ changed after the last `npm run build`: the compiled-build tests run the older dist/.\n\n');
    }
  });

  it('the image and compose start the API and the worker with the Node flags of start:prod and worker:prod', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    expect(cmd).to.deep.equal(['node', ...nodeArgs('start:prod')]);
    const compose = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8');
    const worker = JSON.parse(/^ {4}command: (\[.*worker\.js"\])$/m.exec(compose)?.[1] ?? '[]') as string[];
    expect(worker).to.deep.equal(['node', ...nodeArgs('worker:prod')]);
    // The young generation capped (idle and peak RSS; see the Dockerfile).
    for (const script of ['start:prod', 'worker:prod']) expect(nodeArgs(script)).to.include('--max-semi-space-size=4');
  });

  it('the image, compose, start:prod and worker:prod give Node the same allocator settings (one glibc arena)', () => {
    const image = Object.fromEntries(
      [...readFileSync(join(ROOT, 'Dockerfile'), 'utf8').matchAll(/^ENV\s+(MALLOC_[A-Z_]+)=(\S+)\s*$/gm)].map((m) => [m[1]!, m[2]!]),
    );
    // argon2's 19 MiB per hash is not kept by every thread that ever hashed (peak RSS; see the Dockerfile).
    expect(image).to.deep.equal({ MALLOC_ARENA_MAX: '1' });
    expect(scriptEnv('start:prod')).to.deep.equal(image);
    expect(scriptEnv('worker:prod')).to.deep.equal(image);
    const compose = parseYaml(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { environment?: Record<string, unknown> }> };
    for (const service of ['api', 'worker']) {
      const environment = compose.services[service]?.environment ?? {};
      const malloc = Object.fromEntries(Object.entries(environment).filter(([name]) => name.startsWith('MALLOC_')));
      expect(malloc, service).to.deep.equal(image);
    }
  });

  it('start:prod serves the API from dist/ and stops cleanly on SIGTERM', async () => {
    const args = nodeArgs('start:prod');
    expect(args).to.include('dist/infrastructure/server.js');
    const port = await freePort();
    const proc = runNode(args, { ...scriptEnv('start:prod'), PORT: String(port), HOST: '127.0.0.1' });
    try {
      await eventually(() => (proc.output().includes('listening on') ? true : undefined), 30_000, 'compiled server listening');
      const live = await fetch(`http://127.0.0.1:${port}/health/live`);
      expect(live.status).to.equal(200);
      expect(await live.json()).to.deep.include({ success: true, statusCode: 200 });
      const first = JSON.parse(proc.output().split('\n')[0]!) as { message: string; service: string };
      expect(first.service).to.equal('nexus-api');
      expect(first.message).to.include('embedded profile');
    } finally {
      expect(await stop(proc)).to.equal(0);
    }
  });

  it('start:prod starts (first admin seeded, schedules armed) without building a date format', async () => {
    // A default Intl.DateTimeFormat pages ~6 MB of ICU locale data into the process for good
    // (luxon under cron-parser asked for the machine's locale and zone, liquidjs for its locale):
    // idle RSS. A preload reports every date format built, with where.
    const dir = mkdtempSync(join(tmpdir(), 'nexus-intl-'));
    const preload = join(dir, 'report-date-formats.cjs');
    writeFileSync(
      preload,
      `const Built = Intl.DateTimeFormat;
       const report = () => process.stderr.write('DATE FORMAT BUILT ' + new Error().stack.split('\\n').slice(2, 6).join(' | ') + '\\n');
       Intl.DateTimeFormat = new Proxy(Built, { construct: (t, a) => (report(), Reflect.construct(t, a)), apply: (t, self, a) => (report(), Reflect.apply(t, self, a)) });`,
    );
    const port = await freePort();
    const proc = runNode(['--require', preload, ...nodeArgs('start:prod')], {
      ...scriptEnv('start:prod'),
      PORT: String(port),
      HOST: '127.0.0.1',
      NEXUS_ADMIN_EMAIL: 'compiled-admin@example.com',
      NEXUS_ADMIN_PASSWORD: 'Compiled-Admin-Password-73!',
    });
    try {
      await eventually(() => (proc.output().includes('listening on') ? true : undefined), 30_000, 'compiled server listening');
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).to.equal(200);
      expect(proc.output()).to.not.include('DATE FORMAT BUILT');
    } finally {
      expect(await stop(proc)).to.equal(0);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('worker:prod runs the worker from dist/ in the production profile and answers its health', async function () {
    const args = nodeArgs('worker:prod');
    expect(args).to.include('dist/infrastructure/worker.js');
    const mongo = await requireService(this, 'mongodb');
    const redis = await requireService(this, 'redis');
    const healthPort = await freePort();
    const proc = runNode(args, {
      ...scriptEnv('worker:prod'),
      MONGO_URL: mongo,
      MONGO_DB: uniqueDbName('nexus_compiled'),
      REDIS_URL: redis,
      REDIS_KEY_PREFIX: `compiled-${process.pid}`,
      WORKER_HEALTH_PORT: String(healthPort),
      HOST: '127.0.0.1',
    });
    try {
      await eventually(() => (proc.output().includes('worker ready') ? true : undefined), 30_000, 'compiled worker ready');
      const live = await fetch(`http://127.0.0.1:${healthPort}/health/live`);
      expect(live.status).to.equal(200);
      const metrics = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
      expect(metrics).to.include('nexus_job_attempts_total');
    } finally {
      expect(await stop(proc)).to.equal(0);
    }
  });
});
