import { expect } from 'chai';
import { request } from 'node:http';
import { eventually } from '../support/eventually';
import { runEntrypoint } from '../support/process';
import { freePort } from '../support/services';

const SERVER = 'src/infrastructure/server.ts';

describe('e2e :: the server process', function () {
  this.timeout(60_000);

  it('refuses bad configuration with one message listing every problem, and exit code 78', async () => {
    const proc = runEntrypoint(SERVER, { PORT: 'eighty', LOG_LEVEL: 'loud', MONGO_URL: 'mongodb://127.0.0.1:1' });
    expect(await proc.exited).to.equal(78);
    const out = proc.output();
    expect(out).to.include('Invalid configuration').and.include('PORT: must be a whole number').and.include('LOG_LEVEL: must be one of');
  });

  it('fails fast with a clear error and exit code 69 when MongoDB is unreachable', async () => {
    const started = Date.now();
    const proc = runEntrypoint(SERVER, { MONGO_URL: 'mongodb://127.0.0.1:1/?directConnection=true', REDIS_URL: 'redis://127.0.0.1:1', CONNECT_TIMEOUT_MS: '500', LOG_FORMAT: 'json' });
    expect(await proc.exited).to.equal(69);
    expect(proc.output()).to.include('start-up failed: cannot reach MongoDB at mongodb://127.0.0.1:1');
    expect(Date.now() - started).to.be.below(30_000);
  });

  it('says which profile it runs in its first log line, and finishes an in-flight request on SIGTERM', async () => {
    const port = await freePort();
    const proc = runEntrypoint(SERVER, { PORT: String(port), HOST: '127.0.0.1', LOG_FORMAT: 'json' });
    await eventually(() => (proc.output().includes('listening on') ? true : undefined), 30_000, 'server listening');
    const first = JSON.parse(proc.output().split('\n')[0]!) as { message: string; profile: string };
    expect(first.profile).to.equal('embedded');
    expect(first.message).to.include('embedded profile').and.include('lost when it exits');

    // Start a request and send half its body, so it is in flight when the signal arrives.
    const body = JSON.stringify({ name: 'Late Larry', email: 'larry@example.com', password: 'Tangerine-Lighthouse-58!' });
    const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/api/auth/register', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        proc.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 200);
    });

    const answered = await response;
    expect(answered.status).to.equal(201);
    expect(JSON.parse(answered.body).data.user.email).to.equal('larry@example.com');
    expect(await proc.exited).to.equal(0);
    expect(proc.output()).to.include('shutting down').and.include('"message":"stopped"');
  });

  it('serves /metrics on METRICS_PORT when set, and not on the main port', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const proc = runEntrypoint(SERVER, { PORT: String(port), METRICS_PORT: String(metricsPort), HOST: '127.0.0.1', LOG_FORMAT: 'json' });
    try {
      await eventually(() => (proc.output().includes('listening on') ? true : undefined), 30_000, 'server listening');
      const metrics = await eventually(async () => {
        const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).catch(() => undefined);
        return res?.status === 200 ? res.text() : undefined;
      }, 10_000, 'metrics port');
      expect(metrics).to.include('nexus_process_cpu_user_seconds_total');
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).to.equal(404);
    } finally {
      proc.child.kill('SIGTERM');
      expect(await proc.exited).to.equal(0);
    }
  });
});
