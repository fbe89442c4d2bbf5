import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitForPort } from './services';

const REQUIRE = process.env['NEXUS_REQUIRE_SERVICES'] === '1';

/** nginx from Debian's package (`npm run services` installs it): on PATH, or in /usr/sbin, which a non-root PATH often lacks. */
export const findNginx = (): string | undefined => {
  if (process.env['NEXUS_NO_LOCAL_SERVICES'] === '1') return undefined;
  const found = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  if (found.status === 0 && found.stdout.trim()) return found.stdout.trim();
  return ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/local/nginx/sbin/nginx'].find((p) => existsSync(p));
};

/** Skips the suite loudly when nginx is missing, or fails under NEXUS_REQUIRE_SERVICES=1. */
export const requireNginx = (ctx: Mocha.Context): string => {
  const binary = findNginx();
  if (binary) return binary;
  const message = 'nginx (the load balancer of the rolling-restart test) is not installed';
  if (REQUIRE) throw new Error(`${message}, and NEXUS_REQUIRE_SERVICES=1`);
  process.stderr.write(`\n  !!! SKIPPING: ${message}. Run \`npm run services\` to install it.\n\n`);
  ctx.skip();
};

/**
 * The upstream settings the README's rolling-restart recipe recommends, for a Nexus API whose
 * Node keep-alive timeout is 5 s (Node's default):
 * - `keepalive_timeout 2s` (below the API's 5 s): nginx drops an idle upstream connection before
 *   the API would, so it never writes a request on a socket the API is closing; a draining API
 *   also waits for these idle connections to go, so a short value shortens every shutdown;
 * - `proxy_next_upstream error timeout http_502 http_503 http_504`: a connection refused by an API
 *   that stopped listening (and any request not yet sent) goes to the next API, POSTs included
 *   (nginx resends a non-idempotent request only if it was never sent upstream);
 * - `max_fails=1 fail_timeout=2s`: a refusing API is left alone for 2 s, then tried again.
 */
export const nginxConfig = (o: { port: number; upstreams: readonly number[]; dir: string }): string => `daemon off;
master_process on;
worker_processes 1;
pid ${o.dir}/nginx.pid;
error_log ${o.dir}/error.log warn;
events { worker_connections 1024; }
http {
  log_format upstreams '$remote_addr "$request" $status upstream=$upstream_addr upstream_status=$upstream_status msec=$msec';
  access_log ${o.dir}/access.log upstreams;
  client_body_temp_path ${o.dir}/client_body;
  proxy_temp_path ${o.dir}/proxy;
  fastcgi_temp_path ${o.dir}/fastcgi;
  uwsgi_temp_path ${o.dir}/uwsgi;
  scgi_temp_path ${o.dir}/scgi;
  keepalive_timeout 30s;
  upstream nexus_api {
${o.upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n')}
    keepalive 16;
    keepalive_timeout 2s;
  }
  server {
    listen 127.0.0.1:${o.port};
    location / {
      proxy_pass http://nexus_api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_next_upstream error timeout http_502 http_503 http_504;
      proxy_next_upstream_tries 3;
      proxy_next_upstream_timeout 10s;
      proxy_connect_timeout 2s;
      proxy_read_timeout 30s;
    }
  }
}
`;

export interface Nginx {
  readonly port: number;
  readonly dir: string;
  accessLog(): string;
  errorLog(): string;
  stop(): Promise<void>;
}

/** The uid and gid of `nobody`, when this test runs as root: nginx is then started as that user. */
const NOBODY = 65534;

/**
 * Starts nginx in the foreground (`daemon off`) as a non-root process, with everything it writes
 * (pid file, logs, temp paths) in a temp dir of its own and a random free port.
 */
export const startNginx = async (binary: string, upstreams: readonly number[]): Promise<Nginx> => {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'nexus-nginx-'));
  for (const sub of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub));
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig({ port, upstreams, dir }));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) for (const p of [dir, ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((s) => join(dir, s)), conf]) chownSync(p, NOBODY, NOBODY);
  // -e: the error log from the very start (before the config is read, nginx would try /var/log/nginx).
  const child: ChildProcess = spawn(binary, ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
  const read = (file: string): string => {
    try {
      return readFileSync(join(dir, file), 'utf8');
    } catch {
      return '';
    }
  };
  try {
    await waitForPort(port, 10_000, child);
  } catch (err) {
    child.kill('SIGKILL');
    throw new Error(`nginx did not start: ${(err as Error).message}\n${stderr}\n${read('error.log')}`);
  }
  return {
    port,
    dir,
    accessLog: () => read('access.log'),
    errorLog: () => read('error.log'),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((res) => child.once('exit', res));
        child.kill('SIGQUIT'); // graceful
        await Promise.race([exited, new Promise((res) => setTimeout(res, 3000))]);
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
