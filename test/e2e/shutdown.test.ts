import { expect } from 'chai';
import { Agent, request } from 'node:http';
import { eventually, sleep } from '../support/eventually';
import { runEntrypoint } from '../support/process';
import { freePort } from '../support/services';

const SERVER = 'src/infrastructure/server.ts';
const ADMIN = { email: 'root@nexus.test', password: 'Root-Access-Granted-77' };

interface Outcome {
  readonly sentAt: number;
  readonly path: string;
  readonly reused: boolean;
  readonly status?: number;
  readonly connection?: string;
  readonly complete?: boolean;
  readonly error?: string;
  readonly loop?: number;
}

/** One request on `agent`; resolves with what happened to it, never rejects. */
const send = (agent: Agent, port: number, method: string, path: string, body?: unknown): Promise<Outcome> =>
  new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const sentAt = Date.now();
    const req = request(
      { agent, host: '127.0.0.1', port, method, path, headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {} },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('error', (err: NodeJS.ErrnoException) => resolve({ sentAt, path, reused: req.reusedSocket, error: err.code ?? err.message }));
        res.on('end', () => {
          let complete = false;
          try {
            complete = (JSON.parse(text) as { statusCode?: number }).statusCode === res.statusCode;
          } catch {
            complete = false;
          }
          resolve({ sentAt, path, reused: req.reusedSocket, status: res.statusCode ?? 0, connection: String(res.headers['connection']), complete });
        });
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ sentAt, path, reused: req.reusedSocket, error: err.code ?? err.message }));
    req.end(payload);
  });

describe('e2e :: graceful shutdown under keep-alive load', function () {
  this.timeout(90_000);

  it('drains on SIGTERM: no request cut or reset, busy connections told to close, exit code 0', async () => {
    const port = await freePort();
    const proc = runEntrypoint(SERVER, {
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_FORMAT: 'json',
      NEXUS_ADMIN_EMAIL: ADMIN.email,
      NEXUS_ADMIN_PASSWORD: ADMIN.password,
      RATE_LIMIT_API_MAX: '10000000',
      RATE_LIMIT_AUTH_MAX: '10000000',
      SHUTDOWN_TIMEOUT_MS: '15000',
      SHUTDOWN_DRAIN_MS: '1500',
      // Up to 12 logins of one account can be in flight at once on a slow machine; the lockout
      // checks at most its threshold's worth at a time and answers the rest 401 (by design). This
      // test is about draining, so the threshold is out of its way.
      ACCOUNT_LOCK_THRESHOLD: '50',
    });
    try {
      await eventually(() => (proc.output().includes('listening on') ? true : undefined), 30_000, 'server listening');
      const agents = Array.from({ length: 4 }, () => new Agent({ keepAlive: true, maxSockets: 3 }));
      const outcomes: Outcome[] = [];
      const lastAnswers: Outcome[] = [];
      let stop = false;
      // Each loop keeps its agent's sockets busy: mostly quick reads, now and then a login
      // (argon2, tens of milliseconds) so that requests are in flight when the signal lands.
      const loop = async (agent: Agent, id: number): Promise<void> => {
        for (let i = 0; !stop; i++) {
          const outcome =
            (i + id) % 5 === 0
              ? await send(agent, port, 'POST', '/api/auth/login', ADMIN)
              : await send(agent, port, 'GET', i % 2 === 0 ? '/health/live' : '/api/csrf-token');
          if (outcome.error === 'ECONNREFUSED') lastAnswers.push(outcomes.filter((o) => o.error === undefined && o.loop === id).at(-1)!);
          outcomes.push({ ...outcome, loop: id });
          if (outcome.error === 'ECONNREFUSED') return;
        }
      };
      const loops = agents.flatMap((agent, a) => [0, 1, 2].map((k) => loop(agent, a * 3 + k)));
      await eventually(() => (outcomes.filter((o) => o.status === 200).length > 200 ? true : undefined), 30_000, 'load running');

      const signalledAt = Date.now();
      proc.child.kill('SIGTERM');
      // Readiness fails first, while requests are still served, so a balancer can stop routing.
      const readiness = await eventually(async () => {
        const res = await fetch(`http://127.0.0.1:${port}/health`, { headers: { connection: 'close' } }).catch(() => undefined);
        return res?.status === 503 ? res.json() : undefined;
      }, 5000, 'readiness 503');
      expect((readiness as { data: { status: string } }).data.status).to.equal('draining');
      const code = await proc.exited;
      stop = true;
      await Promise.all(loops);
      for (const agent of agents) agent.destroy();

      const failures = outcomes.filter((o) => o.error !== undefined && o.error !== 'ECONNREFUSED');
      expect(failures, JSON.stringify(failures.slice(0, 5))).to.deep.equal([]);
      // A refusal only ever comes on a new connection, never on a reused keep-alive socket.
      expect(outcomes.filter((o) => o.error === 'ECONNREFUSED' && o.reused)).to.deep.equal([]);
      const answered = outcomes.filter((o) => o.error === undefined);
      expect(answered.filter((o) => o.status !== 200 || !o.complete)).to.deep.equal([]);
      expect(answered.filter((o) => o.sentAt > signalledAt).length, 'requests were served after SIGTERM, during the drain').to.be.above(0);
      // Every loop was told to close its connection, then found the server gone on a new one.
      expect(outcomes.filter((o) => o.error === 'ECONNREFUSED')).to.have.length(12);
      expect(lastAnswers.map((o) => o.connection)).to.deep.equal(Array.from({ length: 12 }, () => 'close'));
      expect(code).to.equal(0);
      expect(proc.output()).to.include('"message":"stopped"');
    } finally {
      if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
      await sleep(10);
    }
  });
});
