import { existsSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join, resolve } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { eventually } from './eventually';
import { runNode, type RunningProcess } from './process';
import { freePort, requireService, uniqueDbName } from './services';
import { TEST_JWT_SECRET } from './test-app';

// Several Nexus processes, each started from the compiled build exactly as `npm run start:prod`
// and `npm run worker:prod` start it, on one Redis and one database.

const ROOT = resolve(__dirname, '../..');
const REQUIRE = process.env['NEXUS_REQUIRE_SERVICES'] === '1';

export const ADMIN = { email: 'root@nexus.test', password: 'Root-Access-Granted-77' } as const;
export const PASSWORD = 'Tangerine-Lighthouse-58!';

/** Skips loudly (or fails under NEXUS_REQUIRE_SERVICES=1) when `npm run build` has not been run. */
export const requireBuild = (ctx: Mocha.Context): void => {
  const missing = ['server', 'worker'].map((n) => `dist/infrastructure/${n}.js`).filter((f) => !existsSync(join(ROOT, f)));
  if (missing.length === 0) return;
  const message = `${missing.join(' and ')} not found: the compiled build was not made`;
  if (REQUIRE) throw new Error(`${message} (run \`npm run build\` before the tests, as CI does), and NEXUS_REQUIRE_SERVICES=1`);
  process.stderr.write(`\n  !!! SKIPPING the multi-process suite: ${message}. Run \`npm run build\` first.\n\n`);
  ctx.skip();
};

// ---------------------------------------------------------------------------------------------
// Mail

export interface Delivery {
  readonly messageId: string;
  readonly subject: string;
  readonly to: readonly string[];
  readonly at: number;
}

/** A real SMTP server in this process that records every delivery; `delayMs` makes each message take that long to accept. */
export class MailCapture {
  readonly deliveries: Delivery[] = [];
  delayMs = 0;

  private constructor(
    private readonly server: SMTPServer,
    readonly port: number,
  ) {}

  static async start(): Promise<MailCapture> {
    const port = await freePort();
    const box: { capture?: MailCapture } = {};
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          // Unfolded: nodemailer folds a long header (a Message-ID of 80 characters) onto a second line.
          const raw = Buffer.concat(chunks).toString('utf8').replace(/\r?\n[ \t]+/g, ' ');
          const accept = (): void => {
            box.capture?.deliveries.push({
              messageId: /^Message-ID: (.*)$/im.exec(raw)?.[1]?.trim() ?? '',
              subject: /^Subject: (.*)$/m.exec(raw)?.[1]?.trim() ?? '',
              to: session.envelope.rcptTo.map((r) => r.address),
              at: Date.now(),
            });
            callback();
          };
          const delay = box.capture?.delayMs ?? 0;
          if (delay > 0) setTimeout(accept, delay);
          else accept();
        });
      },
    });
    await new Promise<void>((res, rej) => {
      server.once('error', rej);
      server.listen(port, '127.0.0.1', () => res());
    });
    box.capture = new MailCapture(server, port);
    return box.capture;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  withSubject(subject: string): Delivery[] {
    return this.deliveries.filter((d) => d.subject === subject);
  }

  stop(): Promise<void> {
    return new Promise((res) => this.server.close(() => res()));
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP from many client addresses

let lastAddress = 0;
/**
 * A loopback address of its own (127.77.x.y): the API limits each client address, so every test
 * and every load loop speaks from its own and none eats another's budget.
 */
export const nextClientAddress = (): string => {
  lastAddress += 1;
  return `127.77.${Math.floor(lastAddress / 250) % 250}.${(lastAddress % 250) + 1}`;
};

export interface Answer {
  readonly status: number;
  readonly body: { data?: unknown; statusCode?: number; message?: string } & Record<string, unknown>;
  readonly headers: Record<string, string | string[] | undefined>;
}

export interface Outcome {
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly error?: string;
  readonly at: number;
}

/** An HTTP client that speaks from one loopback address, with keep-alive. */
export class Client {
  readonly address: string;
  private readonly agent: Agent;

  constructor(address = nextClientAddress()) {
    this.address = address;
    this.agent = new Agent({ keepAlive: true, maxSockets: 4, localAddress: address });
  }

  /** Resolves with the answer; rejects only on a network error. */
  send(port: number, method: string, path: string, opts: { body?: unknown; token?: string } = {}): Promise<Answer> {
    const payload = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string | number> = {};
    if (payload !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    if (opts.token) headers['authorization'] = `Bearer ${opts.token}`;
    return new Promise((resolvePromise, reject) => {
      const req = request({ agent: this.agent, host: '127.0.0.1', port, method, path, headers }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('error', reject);
        res.on('end', () => {
          let body: Answer['body'] = {};
          try {
            body = text ? (JSON.parse(text) as Answer['body']) : {};
          } catch {
            body = { raw: text };
          }
          resolvePromise({ status: res.statusCode ?? 0, body, headers: res.headers });
        });
      });
      req.setTimeout(30_000, () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(payload);
    });
  }

  async get(port: number, path: string, token?: string): Promise<Answer> {
    return this.send(port, 'GET', path, token === undefined ? {} : { token });
  }

  async post(port: number, path: string, body: unknown, token?: string): Promise<Answer> {
    return this.send(port, 'POST', path, token === undefined ? { body } : { body, token });
  }

  /** Like `send`, but never rejects: what happened, for load loops. */
  async attempt(port: number, method: string, path: string, opts: { body?: unknown; token?: string } = {}): Promise<Outcome> {
    const at = Date.now();
    try {
      const answer = await this.send(port, method, path, opts);
      return { method, path, status: answer.status, at };
    } catch (err) {
      return { method, path, error: (err as NodeJS.ErrnoException).code ?? (err as Error).message, at };
    }
  }

  async login(port: number, email: string, password: string): Promise<{ accessToken: string; refreshToken: string; userId: string }> {
    const res = await this.post(port, '/api/auth/login', { email, password });
    if (res.status !== 200) throw new Error(`login ${email} on :${port}: ${res.status} ${JSON.stringify(res.body)}`);
    const data = res.body.data as { accessToken: string; refreshToken: string; user: { id: string } };
    return { accessToken: data.accessToken, refreshToken: data.refreshToken, userId: data.user.id };
  }

  close(): void {
    this.agent.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Processes

export interface NexusProcess {
  readonly kind: 'api' | 'worker';
  readonly name: string;
  /** The API's port, or the worker's health port. */
  readonly port: number;
  proc: RunningProcess;
  /** Output of every run of this process (restarts included). */
  logs: string[];
}

const SERVER = 'dist/infrastructure/server.js';
const WORKER = 'dist/infrastructure/worker.js';

/** Three API processes and two workers (by default) on one Redis, one database and one SMTP server. */
export class NexusCluster {
  readonly apis: NexusProcess[] = [];
  readonly workers: NexusProcess[] = [];

  private constructor(
    readonly env: Record<string, string>,
    readonly mail: MailCapture,
  ) {}

  static async start(ctx: Mocha.Context, opts: { apis: number; workers: number; env: Record<string, string> }): Promise<NexusCluster> {
    const mongo = await requireService(ctx, 'mongodb');
    const redis = await requireService(ctx, 'redis');
    const mail = await MailCapture.start();
    const env: Record<string, string> = {
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      LOG_FORMAT: 'json',
      LOG_LEVEL: 'info',
      MONGO_URL: mongo,
      MONGO_DB: uniqueDbName('nexus_multiproc'),
      REDIS_URL: redis,
      REDIS_KEY_PREFIX: `mp-${process.pid}-${Date.now().toString(36)}`,
      SMTP_URL: mail.url,
      JWT_SECRET: TEST_JWT_SECRET,
      NEXUS_ADMIN_EMAIL: ADMIN.email,
      NEXUS_ADMIN_PASSWORD: ADMIN.password,
      ...opts.env,
    };
    const cluster = new NexusCluster(env, mail);
    const ports = await Promise.all(Array.from({ length: opts.apis + opts.workers }, () => freePort()));
    for (let i = 0; i < opts.apis; i++) cluster.apis.push({ kind: 'api', name: `api-${i + 1}`, port: ports[i]!, proc: undefined as never, logs: [] });
    for (let i = 0; i < opts.workers; i++) cluster.workers.push({ kind: 'worker', name: `worker-${i + 1}`, port: ports[opts.apis + i]!, proc: undefined as never, logs: [] });
    const started = Date.now();
    try {
      // The first API alone creates the database (collections, indexes, roles, the first admin),
      // then the other four start at once, as an orchestrator scaling out starts them. (All five
      // at once on an empty database trips FerretDB v1, the SQLite handler: it panics on a
      // connection, "runtime error: slice bounds out of range" in its log, when several create
      // one new database's collections together; MongoDB does not. The first admin's seeding
      // race, which all five at once also exercised, has its unit test: seed-access.test.ts.)
      const [first, ...rest] = [...cluster.apis, ...cluster.workers];
      await cluster.launchRetrying(first!);
      await Promise.all(rest.map((p) => cluster.launchRetrying(p)));
    } catch (err) {
      await cluster.stop();
      throw err;
    }
    process.stderr.write(`      [cluster] ${opts.apis} API processes and ${opts.workers} workers ready in ${Date.now() - started} ms\n`);
    return cluster;
  }

  /** Starts (or starts again) `p` on its port and waits until it is ready. */
  async launch(p: NexusProcess): Promise<void> {
    const env = p.kind === 'api' ? { ...this.env, PORT: String(p.port) } : { ...this.env, WORKER_HEALTH_PORT: String(p.port) };
    p.proc = runNode([p.kind === 'api' ? SERVER : WORKER], env);
    p.logs.push('');
    const run = p.logs.length - 1;
    const proc = p.proc;
    proc.child.stdout?.on('data', (c: Buffer) => (p.logs[run] += c.toString()));
    proc.child.stderr?.on('data', (c: Buffer) => (p.logs[run] += c.toString()));
    const marker = p.kind === 'api' ? 'listening on' : 'worker ready';
    await eventually(
      () => {
        if (proc.child.exitCode !== null) throw new Error(`${p.name} exited with ${proc.child.exitCode}: ${proc.output().slice(-2000)}`);
        return proc.output().includes(marker) ? true : undefined;
      },
      60_000,
      `${p.name} ready`,
    ).catch((err: unknown) => {
      throw new Error(`${(err as Error).message}\n${proc.output().slice(-2000)}`);
    });
    // Ready means the readiness probe says so (MongoDB and Redis answer), as a balancer would check.
    const probe = new Client('127.0.0.1');
    try {
      await eventually(async () => ((await probe.get(p.port, '/health')).status === 200 ? true : undefined), 30_000, `${p.name} /health 200`);
    } finally {
      probe.close();
    }
  }

  /** A process that finds a dependency unavailable at start-up exits 69; it is started again, as an orchestrator would. */
  private async launchRetrying(p: NexusProcess): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.launch(p);
      } catch (err) {
        if (attempt >= 3 || p.proc.child.exitCode !== 69) throw err;
        process.stderr.write(`      [cluster] ${p.name} exited 69 (a dependency unavailable at start-up); starting it again\n`);
      }
    }
  }

  /** SIGTERM; resolves with the exit code once the process has exited. */
  async terminate(p: NexusProcess): Promise<number | string> {
    p.proc.child.kill('SIGTERM');
    return p.proc.exited;
  }

  /** Every run's output of every process, for a failure message. */
  logs(): string {
    return [...this.apis, ...this.workers].map((p) => p.logs.map((l, i) => `--- ${p.name} run ${i + 1}\n${l.slice(-3000)}`).join('\n')).join('\n');
  }

  /** The JSON log lines of every run of `p` (or of every process). */
  logLines(p?: NexusProcess): Array<Record<string, unknown> & { message?: string; process: string }> {
    const lines: Array<Record<string, unknown> & { message?: string; process: string }> = [];
    for (const q of p ? [p] : [...this.apis, ...this.workers]) {
      for (const line of q.logs.join('\n').split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          lines.push({ ...(JSON.parse(line) as Record<string, unknown>), process: q.name });
        } catch {
          // a partial line
        }
      }
    }
    return lines;
  }

  async stop(): Promise<void> {
    await Promise.all(
      [...this.apis, ...this.workers].map(async (p) => {
        const child = p.proc?.child;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await p.proc.exited;
        clearTimeout(timer);
      }),
    );
    await this.mail.stop();
  }
}

/** Waits `ms`. */
export const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
