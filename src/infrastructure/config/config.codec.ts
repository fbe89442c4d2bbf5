import * as E from 'fp-ts/Either';
import * as t from 'io-ts';
import { parseEmail } from '../../domain/users/email';

// Environment variables are strings; these codecs turn them into typed values with messages
// an operator can act on, and fill defaults when a variable is unset or empty.

const fromString = <A>(name: string, parse: (s: string) => A | undefined, expected: string, secret = false) =>
  new t.Type<A, string, unknown>(
    name,
    (u): u is A => u !== undefined,
    (u, c) => {
      if (typeof u !== 'string') return t.failure(u, c, `must be ${expected}`);
      const value = parse(u.trim());
      // A refused secret is never echoed: this message goes to logs.
      const got = secret ? '' : ` (got "${u}")`;
      return value === undefined ? t.failure(u, c, `must be ${expected}${got}`) : t.success(value);
    },
    String,
  );

const withDefault = <A>(codec: t.Type<A, string, unknown>, fallback: A) =>
  new t.Type<A, string, unknown>(
    codec.name,
    codec.is,
    (u, c) => (u === undefined || u === '' ? t.success(fallback) : codec.validate(u, c)),
    codec.encode,
  );

const optional = <A>(codec: t.Type<A, string, unknown>) =>
  new t.Type<A | undefined, string, unknown>(
    codec.name,
    (u): u is A | undefined => u === undefined || codec.is(u),
    (u, c) => (u === undefined || u === '' ? t.success(undefined) : codec.validate(u, c)),
    (a) => (a === undefined ? '' : codec.encode(a)),
  );

const int = (min: number, max: number) =>
  fromString<number>(
    `int(${min}..${max})`,
    (s) => {
      if (!/^\d+$/.test(s)) return undefined;
      const n = Number(s);
      return n >= min && n <= max ? n : undefined;
    },
    `a whole number from ${min} to ${max}`,
  );

/** `false` (no proxy), `true` (one proxy) or how many proxies in front of us append to X-Forwarded-For. */
const MAX_PROXY_HOPS = 100;
const proxyHops = fromString<number>(
  'proxy-hops',
  (s) => {
    const named = ({ true: 1, false: 0 } as Record<string, number>)[s.toLowerCase()];
    if (named !== undefined) return named;
    return /^\d{1,3}$/.test(s) && Number(s) <= MAX_PROXY_HOPS ? Number(s) : undefined;
  },
  `false, true or a number of trusted proxy hops from 0 to ${MAX_PROXY_HOPS}`,
);

const oneOf = <L extends string>(values: readonly L[]) =>
  fromString<L>(values.join('|'), (s) => (values as readonly string[]).includes(s) ? (s as L) : undefined, `one of ${values.join(', ')}`);

/**
 * A MongoDB seed list (`mongodb://a:27017,b:27017,c:27017/?replicaSet=rs0`, the usual replica-set
 * URL) is one URL to the driver but not to WHATWG's parser: each host is checked, one at a time.
 */
const eachHost = (s: string): string[] => {
  const seeds = /^(mongodb(?:\+srv)?:\/\/(?:[^@/]*@)?)([^/?]+)(.*)$/.exec(s);
  return seeds ? seeds[2]!.split(',').map((host) => `${seeds[1]!}${host}${seeds[3]!}`) : [s];
};

const url = (schemes: readonly string[]) =>
  fromString<string>(
    'url',
    (s) => {
      try {
        return eachHost(s).every((one) => schemes.includes(new URL(one).protocol.replace(/:$/, ''))) ? s : undefined;
      } catch {
        return undefined;
      }
    },
    `a URL (${schemes.map((x) => `${x}://`).join(' or ')})`,
  );

const text = (min = 1, secret = false) =>
  fromString<string>('string', (s) => (s.length >= min ? s : undefined), min > 1 ? `at least ${min} characters` : 'a non-empty string', secret);

/** `60000,300000` -> [60000, 300000] */
const msList = fromString<number[]>(
  'ms-list',
  (s) => {
    const parts = s.split(',').map((p) => p.trim());
    return parts.every((p) => /^\d+$/.test(p)) ? parts.map(Number) : undefined;
  },
  'comma-separated milliseconds, e.g. 60000,300000',
);

const csv = fromString<string[]>('csv', (s) => s.split(',').map((p) => p.trim()).filter(Boolean), 'a comma-separated list');

// The domain's own rule, so a first admin that could never log in is refused at start-up.
const email = new t.Type<string, string, unknown>(
  'email',
  (u): u is string => typeof u === 'string',
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'must be an e-mail address');
    const parsed = parseEmail(u);
    return E.isRight(parsed) ? t.success(parsed.right) : t.failure(u, c, parsed.left);
  },
  String,
);

const bool = fromString<boolean>('boolean', (s) => ({ true: true, false: false } as Record<string, boolean>)[s.toLowerCase()], 'true or false');

const byteSize = fromString<string>('size', (s) => (/^\d+(b|kb|mb)?$/i.test(s) ? s.toLowerCase() : undefined), 'a size such as 100kb or 1mb');

/** A Redis Cluster's seed nodes, with the credentials and TLS they share. */
export interface RedisClusterSetting {
  readonly nodes: readonly { readonly host: string; readonly port: number }[];
  readonly username?: string;
  readonly password?: string;
  readonly tls: boolean;
}

/**
 * `REDIS_CLUSTER_NODES`: comma-separated seed nodes, each `host:port`, or a URL
 * (`redis://[user:password@]host:port`, `rediss://` for TLS) when the cluster wants a password or
 * TLS. Every URL must carry the same scheme and credentials (one cluster has one of each); bare
 * `host:port` entries use them too. Messages never echo a password.
 */
const redisClusterNodes = new t.Type<RedisClusterSetting, string, unknown>(
  'redis-cluster-nodes',
  (u): u is RedisClusterSetting => typeof u === 'object' && u !== null && 'nodes' in u,
  (u, c) => {
    if (typeof u !== 'string') return t.failure(u, c, 'must be a comma-separated list of host:port');
    const entries = u.split(',').map((e) => e.trim()).filter(Boolean);
    if (entries.length === 0) return t.failure(u, c, 'must name at least one node as host:port');
    const nodes: { host: string; port: number }[] = [];
    const auths = new Set<string>();
    let scheme: string | undefined;
    let username: string | undefined;
    let password: string | undefined;
    for (const entry of entries) {
      const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry);
      let parsed: URL;
      try {
        parsed = new URL(isUrl ? entry : `redis://${entry}`);
      } catch {
        return t.failure(u, c, `must be host:port entries or redis:// / rediss:// URLs (got "${entry.replace(/\/\/[^@/]*@/, '//***@')}")`);
      }
      const shown = isUrl ? `${parsed.protocol}//${parsed.host}` : entry;
      const protocol = parsed.protocol.replace(/:$/, '');
      const port = Number(parsed.port);
      if (!['redis', 'rediss'].includes(protocol)) return t.failure(u, c, `must use redis:// or rediss:// (got "${shown}")`);
      if (!parsed.hostname || !parsed.port || !Number.isInteger(port) || port < 1 || port > 65535 || (parsed.pathname !== '' && parsed.pathname !== '/') || parsed.search) {
        return t.failure(u, c, `each node must be host:port with a port from 1 to 65535, nothing more (got "${shown}")`);
      }
      nodes.push({ host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'), port });
      if (!isUrl) continue;
      scheme = protocol;
      username = parsed.username === '' ? undefined : decodeURIComponent(parsed.username);
      password = parsed.password === '' ? undefined : decodeURIComponent(parsed.password);
      auths.add(JSON.stringify([protocol, username ?? '', password ?? '']));
    }
    if (auths.size > 1) return t.failure(u, c, 'every URL in the list must carry the same scheme (redis:// or rediss://) and the same credentials');
    return t.success({ nodes, tls: scheme === 'rediss', ...(username === undefined ? {} : { username }), ...(password === undefined ? {} : { password }) });
  },
  (a) => a.nodes.map((n) => `${n.host}:${n.port}`).join(','),
);

export const EnvCodec = t.type({
  NODE_ENV: withDefault(oneOf(['development', 'production', 'test'] as const), 'development'),
  PORT: withDefault(int(0, 65535), 3000),
  HOST: withDefault(text(), '0.0.0.0'),
  LOG_LEVEL: withDefault(oneOf(['error', 'warn', 'info', 'debug'] as const), 'info'),
  LOG_FORMAT: optional(oneOf(['json', 'pretty'] as const)),
  MONGO_URL: optional(url(['mongodb', 'mongodb+srv'])),
  MONGO_DB: withDefault(text(), 'nexus'),
  REDIS_URL: optional(url(['redis', 'rediss'])),
  REDIS_CLUSTER_NODES: optional(redisClusterNodes),
  REDIS_KEY_PREFIX: withDefault(fromString<string>('prefix', (v) => (/^[\w-]{1,32}$/.test(v) ? v : undefined), 'letters, digits, - or _ (at most 32)'), 'nexus'),
  CACHE_L1_TTL_MS: withDefault(int(0, 10_000), 1000),
  CACHE_L1_MAX_ENTRIES: withDefault(int(1, 1_000_000), 10_000),
  SMTP_URL: optional(url(['smtp', 'smtps'])),
  MAIL_FROM: withDefault(text(), 'Nexus <no-reply@nexus.local>'),
  OUTBOX_DIR: optional(text()),
  JWT_SECRET: optional(text(32, true)),
  ACCESS_TOKEN_TTL_SECONDS: withDefault(int(30, 86_400), 900),
  REFRESH_TOKEN_TTL_DAYS: withDefault(int(1, 365), 14),
  NEXUS_ADMIN_EMAIL: optional(email),
  NEXUS_ADMIN_PASSWORD: optional(text(1, true)),
  BODY_LIMIT: withDefault(byteSize, '100kb'),
  TRUST_PROXY: withDefault(proxyHops, 0),
  CORS_ORIGINS: withDefault(csv, []),
  CONNECT_TIMEOUT_MS: withDefault(int(100, 120_000), 5000),
  HEALTH_TIMEOUT_MS: withDefault(int(50, 60_000), 1000),
  SHUTDOWN_TIMEOUT_MS: withDefault(int(100, 600_000), 10_000),
  SHUTDOWN_DRAIN_MS: withDefault(int(0, 600_000), 0),
  WORKER_CONCURRENCY: withDefault(int(1, 1000), 5),
  OUTBOX_RELAY_INTERVAL_MS: withDefault(int(50, 600_000), 1000),
  JOB_LOCK_DURATION_MS: withDefault(int(1000, 600_000), 30_000),
  REPORT_CRON: withDefault(text(), '0 9 * * 1'),
  RATE_LIMIT_WINDOW_SECONDS: withDefault(int(1, 86_400), 900),
  RATE_LIMIT_API_MAX: withDefault(int(1, 10_000_000), 100),
  RATE_LIMIT_AUTH_MAX: withDefault(int(1, 10_000_000), 5),
  METRICS_TOKEN: optional(text(16, true)),
  METRICS_PORT: optional(int(1, 65535)),
  WORKER_HEALTH_PORT: withDefault(int(0, 65535), 3001),
  EDGE_MIDDLEWARE: withDefault(oneOf(['on', 'off'] as const), 'on'),
  DOCS_ENABLED: withDefault(bool, true),
  REPORT_TIMEZONE: withDefault(text(), 'UTC'),
  API_KEY_MAX_DAYS: withDefault(int(1, 3650), 365),
  APP_URL: withDefault(url(['http', 'https']), 'http://localhost:3000'),
  PASSWORD_RESET_TTL_MINUTES: withDefault(int(5, 1440), 60),
  EMAIL_VERIFY_TTL_HOURS: withDefault(int(1, 720), 48),
  REQUIRE_VERIFIED_EMAIL: withDefault(bool, false),
  ACCOUNT_LOCK_THRESHOLD: withDefault(int(1, 1000), 10),
  ACCOUNT_LOCK_MINUTES: withDefault(int(1, 1440), 15),
});
export type Env = t.TypeOf<typeof EnvCodec>;

/**
 * Decodes each variable on its own, so one bad value does not hide another's problem: `env`
 * holds every variable that decoded, `problems` one line per variable that did not.
 */
export const decodeEnv = (raw: Record<string, string | undefined>): { env: Partial<Env>; problems: string[] } => {
  const env: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, codec] of Object.entries(EnvCodec.props) as [string, t.Type<unknown, unknown, unknown>][]) {
    const result = codec.validate(raw[name], [{ key: name, type: codec, actual: raw[name] }]);
    if (E.isRight(result)) env[name] = result.right;
    else problems.push(...result.left.map((e) => `${name}: ${e.message ?? 'is not valid'}`));
  }
  return { env: env as Partial<Env>, problems };
};

const problemsOf = (errors: t.Errors): string[] => errors.map((e) => `${e.context.map((c) => c.key).filter(Boolean).join('.')}: ${e.message ?? 'is not valid'}`);

/** A queue's retry settings as the environment gives them; unset ones keep the job type's default. */
export interface RetryOverride {
  readonly attempts?: number;
  readonly backoffMs?: number[];
}

/** `data-processing` -> `DATA_PROCESSING`, for `JOB_ATTEMPTS_DATA_PROCESSING` and `JOB_BACKOFF_DATA_PROCESSING`. */
const envSuffix = (queue: string): string => queue.toUpperCase().replace(/-/g, '_');

/** Decodes `JOB_ATTEMPTS_<QUEUE>` and `JOB_BACKOFF_<QUEUE>` for each of `queues`, whatever queues there are. */
export const decodeRetryOverrides = <Q extends string>(env: Record<string, string | undefined>, queues: readonly Q[]): E.Either<string[], Record<Q, RetryOverride>> => {
  const codec = t.type(
    Object.fromEntries(queues.flatMap((q) => [[`JOB_ATTEMPTS_${envSuffix(q)}`, optional(int(1, 100))], [`JOB_BACKOFF_${envSuffix(q)}`, optional(msList)]])) as t.Props,
  );
  const result = codec.decode(env);
  if (E.isLeft(result)) return E.left(problemsOf(result.left));
  const values = result.right as Record<string, number | number[] | undefined>;
  const override = (q: Q): RetryOverride => {
    const attempts = values[`JOB_ATTEMPTS_${envSuffix(q)}`] as number | undefined;
    const backoffMs = values[`JOB_BACKOFF_${envSuffix(q)}`] as number[] | undefined;
    return { ...(attempts === undefined ? {} : { attempts }), ...(backoffMs === undefined ? {} : { backoffMs }) };
  };
  return E.right(Object.fromEntries(queues.map((q) => [q, override(q)])) as Record<Q, RetryOverride>);
};
