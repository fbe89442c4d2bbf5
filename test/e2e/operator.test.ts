import { expect } from 'chai';
import { createServer, type Server } from 'node:net';
import { eventually } from '../support/eventually';
import { runEntrypoint } from '../support/process';
import { freePort, requireService, uniqueDbName } from '../support/services';

const SERVER = 'src/infrastructure/server.ts';
const WORKER = 'src/infrastructure/worker.ts';
const ESC = '\u001b[';

/** A line of a stack trace, or Node's report of an uncaught error. */
const STACK = /^\s+at |Node\.js v\d|node:internal|^\S*Error: /m;

/** Holds a port, as another program would. */
const occupy = async (): Promise<{ port: number; server: Server }> => {
  const port = await freePort();
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return { port, server };
};

const close = (server: Server): Promise<void> => new Promise((resolve) => server.close(() => resolve()));

describe('e2e :: operator polish (processes as an operator meets them)', function () {
  this.timeout(60_000);

  describe('configuration: every problem at once, exit 78, no stack trace', () => {
    it('an invalid REPORT_TIMEZONE alone is one clear line', async () => {
      const proc = runEntrypoint(SERVER, { REPORT_TIMEZONE: 'Mars/Olympus' });
      expect(await proc.exited).to.equal(78);
      expect(proc.output()).to.equal('Invalid configuration:\n  - REPORT_TIMEZONE: must be an IANA time zone such as UTC or Europe/Paris (got "Mars/Olympus")\n');
    });

    it('an invalid REPORT_CRON alone is one clear line', async () => {
      const proc = runEntrypoint(SERVER, { REPORT_CRON: '61 9 * * 1' });
      expect(await proc.exited).to.equal(78);
      const lines = proc.output().trimEnd().split('\n');
      expect(lines).to.have.length(2);
      expect(lines[1]).to.match(/^ {2}- REPORT_CRON: must be a cron expression .*61.* \(got "61 9 \* \* 1"\)$/);
    });

    it('the worker lists a bad time zone, a bad cron, a bad port, a bad retry schedule and a weak secret together', async () => {
      const proc = runEntrypoint(WORKER, {
        NODE_ENV: 'production',
        JWT_SECRET: 'change-me-change-me-change-me-change-me',
        MONGO_URL: 'mongodb://127.0.0.1:1/?directConnection=true',
        REDIS_URL: 'redis://127.0.0.1:1',
        REPORT_TIMEZONE: 'Europe/Atlantis',
        REPORT_CRON: 'at nine',
        WORKER_HEALTH_PORT: 'eighty',
        JOB_BACKOFF_EMAIL: '1m,5m',
      });
      expect(await proc.exited).to.equal(78);
      const out = proc.output();
      for (const name of ['REPORT_TIMEZONE', 'REPORT_CRON', 'WORKER_HEALTH_PORT', 'JOB_BACKOFF_EMAIL', 'JWT_SECRET']) expect(out).to.include(`  - ${name}: `);
      expect(out).to.not.match(STACK);
    });
  });

  describe('a port in use: one clear line naming it and its variable, exit 69', () => {
    it('the API port (PORT)', async () => {
      const { port, server } = await occupy();
      try {
        const proc = runEntrypoint(SERVER, { PORT: String(port), HOST: '127.0.0.1', LOG_FORMAT: 'json' });
        expect(await proc.exited).to.equal(69);
        const out = proc.output();
        expect(out).to.not.match(STACK);
        const errors = out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { level: string; message: string }).filter((l) => l.level === 'error');
        expect(errors.map((l) => l.message)).to.deep.equal([`cannot listen on 127.0.0.1:${port} for the API (PORT): the port is already in use (another Nexus, or another program, listens there)`]);
      } finally {
        await close(server);
      }
    });

    it('the metrics port (METRICS_PORT)', async () => {
      const { port, server } = await occupy();
      try {
        const proc = runEntrypoint(SERVER, { PORT: String(await freePort()), METRICS_PORT: String(port), HOST: '127.0.0.1', LOG_FORMAT: 'json' });
        expect(await proc.exited).to.equal(69);
        expect(proc.output()).to.include(`cannot listen on 127.0.0.1:${port} for the metrics server (METRICS_PORT): the port is already in use`).and.not.match(STACK);
      } finally {
        await close(server);
      }
    });

    it('the worker health port (WORKER_HEALTH_PORT)', async function () {
      const mongo = await requireService(this, 'mongodb');
      const redis = await requireService(this, 'redis');
      const { port, server } = await occupy();
      try {
        const proc = runEntrypoint(WORKER, {
          MONGO_URL: mongo,
          MONGO_DB: uniqueDbName('nexus_port'),
          REDIS_URL: redis,
          REDIS_KEY_PREFIX: `port-${process.pid}`,
          WORKER_HEALTH_PORT: String(port),
          HOST: '127.0.0.1',
          LOG_FORMAT: 'json',
        });
        expect(await proc.exited).to.equal(69);
        expect(proc.output()).to.include(`cannot listen on 127.0.0.1:${port} for the worker health server (WORKER_HEALTH_PORT): the port is already in use`).and.not.match(STACK);
      } finally {
        await close(server);
      }
    });
  });

  describe('logs written to a file or a pipe', () => {
    it('are JSON lines without colour codes when LOG_FORMAT is unset, outside production too', async () => {
      const port = await freePort();
      const proc = runEntrypoint(SERVER, { PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'development' });
      try {
        await eventually(() => (proc.output().includes('listening on') ? true : undefined), 30_000, 'server listening');
        await fetch(`http://127.0.0.1:${port}/health/live`);
        await eventually(() => (proc.output().includes('"route":"/health/live"') ? true : undefined), 10_000, 'access line');
      } finally {
        proc.child.kill('SIGTERM');
        expect(await proc.exited).to.equal(0);
      }
      const out = proc.output();
      expect(out).to.not.include(ESC);
      const lines = out.split('\n').filter(Boolean);
      expect(lines.length).to.be.above(3);
      for (const line of lines) expect(() => JSON.parse(line) as unknown, line).to.not.throw();
    });

    it('are readable lines, still without colour codes, with LOG_FORMAT=pretty', async () => {
      const proc = runEntrypoint(SERVER, { PORT: String(await freePort()), HOST: '127.0.0.1', LOG_FORMAT: 'pretty' });
      try {
        await eventually(() => (proc.output().includes('listening on') ? true : undefined), 30_000, 'server listening');
      } finally {
        proc.child.kill('SIGTERM');
        expect(await proc.exited).to.equal(0);
      }
      expect(proc.output()).to.match(/^\S+Z info Nexus API starting in the embedded profile/).and.not.include(ESC);
    });
  });
});
