// What every bench server and the harness agree on: the response the ceilings answer with,
// the first admin, and where the repository is, whether this runs compiled or under tsx.
import { existsSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { dirname, join } from 'node:path';

/** The checkout's root: the nearest folder up with Nexus' package.json (bench runs from dist/bench too). */
export const ROOT = ((): string => {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'nexus') return dir;
  }
  throw new Error(`no Nexus package.json above ${__dirname}`);
})();

/** The same shape and size as a Nexus user, so a ceiling's ratio measures code, not bytes. */
export const SAMPLE_USER = {
  id: '6b0cffd059a9b604bb7adf04',
  name: 'Bench User',
  email: 'bench-12345-1@example.com',
  age: 30,
  status: 'active',
  roleIds: ['6b0cffd059a9b604bb7adf01'],
  isDeleted: false,
  createdAt: '2026-11-30T04:47:12.554Z',
  updatedAt: '2026-11-30T04:47:12.554Z',
};

/** The envelope Nexus answers a read with. */
export const envelope = (data: unknown): { success: true; statusCode: 200; message: string; data: unknown } => ({ success: true, statusCode: 200, message: 'User found', data });

export const ADMIN = { email: 'bench-admin@example.com', password: 'Bench-Admin-Password-91!' };
/** A password the policy accepts, for the seeded users and registrations. */
export const USER_PASSWORD = 'Tangerine-Lighthouse-58!';
export const JWT_SECRET = 'd281a393cfff72f99ca1152032ac0493e9a01b7dd7f1982348b41d9ac24cc96a';

/** How many users the list routes run on. */
export const SEEDED_USERS = Number(process.env['BENCH_USERS'] ?? 10_000);

/**
 * A module of the application build (`npm run build`'s dist/), for the bench's own servers and
 * diagnostics: they run the very code `npm run start:prod` runs, with its assets (templates),
 * not the bench build's copy of the sources. `T` is the source module's type.
 */
export const fromBuild = <T>(path: string): T =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a runtime path into dist/
  require(join(ROOT, 'dist', path)) as T;

/**
 * How production starts a Nexus process, so the bench measures what production runs: the Node
 * flags of `npm run start:prod` / `worker:prod` (read from package.json: a V8 young generation
 * capped at 4 MB semi-spaces) and the allocator settings the image sets (the Dockerfile's `ENV
 * MALLOC_*` lines: one glibc arena, see there), each explained where it is set. The bench gives them to
 * every server it starts, the ceilings too, so a ratio compares code, not settings. Settings
 * given to the bench itself (MALLOC_*, BENCH_NODE_OPTIONS) still take precedence.
 */
export const productionNodeFlags = (script: 'start:prod' | 'worker:prod' = 'start:prod'): string[] => {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const [node, ...args] = (scripts[script] ?? '').split(/\s+/).filter((word) => !/^[A-Z_]+=/.test(word)); // MALLOC_*=: the image's ENV (productionEnv)
  if (node !== 'node') throw new Error(`npm run ${script} does not run plain node`);
  return args.filter((a) => a.startsWith('--'));
};

export const productionEnv = (): Record<string, string> =>
  Object.fromEntries(
    readFileSync(join(ROOT, 'Dockerfile'), 'utf8')
      .split('\n')
      .flatMap((line) => (/^ENV\s/.test(line) ? line.replace(/^ENV\s+/, '').trim().split(/\s+/) : []))
      .map((pair) => pair.split('='))
      .filter((kv): kv is [string, string] => kv.length === 2 && kv[0]!.startsWith('MALLOC_')),
  );

/**
 * The environment every bench server of Nexus starts with: production mode, a first admin, limits
 * out of the way (the bench is one client hammering the API on purpose), and the image's ENV
 * (glibc's allocator settings), then `extra`. The log level is production's default, `info`: the
 * access line of every request is written (to the server's stdout, which run.ts and scale.ts
 * spawn as /dev/null, so no pipe can fill and stall a server).
 */
export const benchServerEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  PATH: process.env['PATH'] ?? '',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
  NODE_ENV: 'production',
  JWT_SECRET,
  NEXUS_ADMIN_EMAIL: ADMIN.email,
  NEXUS_ADMIN_PASSWORD: ADMIN.password,
  RATE_LIMIT_API_MAX: '10000000',
  RATE_LIMIT_AUTH_MAX: '10000000',
  ...productionEnv(),
  ...extra,
});

/**
 * Signs the bench's admin in through `app` (listening for that one request) and returns its
 * access token and user id, for benches that then drive the app's middleware in process.
 */
export const signInAdmin = async (app: { listen: (port: number, host: string) => Server }): Promise<{ token: string; id: string }> => {
  const server = app.listen(0, '127.0.0.1');
  await new Promise((res) => server.once('listening', res));
  const { port } = server.address() as { port: number };
  const res = await fetch(`http://127.0.0.1:${port}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
  const login = (await res.json()) as { data: { accessToken: string; user: { id: string } } };
  server.close();
  return { token: login.data.accessToken, id: login.data.user.id };
};
