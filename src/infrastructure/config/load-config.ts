import { CronExpressionParser } from 'cron-parser';
import * as E from 'fp-ts/Either';
import type { RetryPolicies } from '../../application/jobs/job-failures';
import type { WorkQueue } from '../../application/jobs/job-definition';
import type { RetryPolicy } from '../../domain/jobs/job';
import type { AccountSettings } from '../../application/auth/account-settings';
import { DEFAULT_RETRY_POLICIES, JOB_TYPES } from '../../application/jobs/job-types';
import type { RedisTarget } from '../../adapters/redis/redis-connection';
import { decodeEnv, decodeRetryOverrides, type Env } from './config.codec';
import { secretWeakness } from './secret-strength';

export type Profile = 'embedded' | 'production';

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly profile: Profile;
  readonly http: {
    readonly port: number;
    readonly host: string;
    readonly bodyLimit: string;
    /** How many proxies in front of us append to X-Forwarded-For and are believed (0: none). */
    readonly trustProxyHops: number;
    readonly corsOrigins: readonly string[];
    /** `off` only to measure what the edge middleware costs (see bench). */
    readonly edge: boolean;
    /** GET /openapi.json and GET /docs (DOCS_ENABLED); 404 when false. */
    readonly docs: boolean;
  };
  readonly rateLimit: { readonly windowSeconds: number; readonly apiMax: number; readonly authMax: number };
  readonly metrics: { readonly token?: string; readonly port?: number };
  readonly workerHealthPort: number;
  readonly log: { readonly level: Env['LOG_LEVEL']; readonly format: 'json' | 'pretty' };
  readonly mongo?: { readonly url: string; readonly dbName: string };
  /** One Redis (`REDIS_URL`) or a Redis Cluster (`REDIS_CLUSTER_NODES`), never both. */
  readonly redis?: { readonly target: RedisTarget; readonly keyPrefix: string };
  /**
   * The production profile's in-process first level in front of Redis: how long a copy is
   * served (0: off) and how many it keeps. Invalidated across instances over Redis pub/sub.
   */
  readonly cacheL1: { readonly ttlMs: number; readonly maxEntries: number };
  readonly mail: { readonly smtpUrl?: string; readonly from: string; readonly outboxDir?: string };
  readonly auth: {
    readonly jwtSecret?: string;
    readonly accessTtlSeconds: number;
    readonly refreshTtlSeconds: number;
    readonly admin?: { readonly email: string; readonly password: string };
  };
  readonly timeouts: { readonly connectMs: number; readonly healthMs: number; readonly shutdownMs: number; readonly drainMs: number };
  readonly apiKeys: { readonly maxLifetimeDays: number };
  /** The account lifecycle: links in e-mails, token lifetimes, verified e-mail, lockout. */
  readonly account: AccountSettings;
  readonly jobs: {
    readonly concurrency: number;
    readonly lockDurationMs: number;
    /** How often each process relays the outbox to the queue. */
    readonly outboxRelayMs: number;
    readonly reportCron: string;
    readonly reportTimeZone: string;
    readonly retry: RetryPolicies;
  };
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Variables that hold a secret: production refuses placeholder and guessable values in each. */
export const SECRET_VARIABLES = ['JWT_SECRET', 'METRICS_TOKEN'] as const;

/**
 * With NODE_ENV=production, one line per secret that is a placeholder or guessable. Read from
 * the raw environment, so a value too short to decode is judged (and explained) here too.
 */
const secretProblems = (raw: Record<string, string | undefined>): Map<string, string> => {
  const problems = new Map<string, string>();
  if (raw['NODE_ENV']?.trim() !== 'production') return problems;
  for (const name of SECRET_VARIABLES) {
    const value = raw[name];
    if (value === undefined || value === '') continue;
    const weakness = secretWeakness(value);
    if (weakness) problems.set(name, `${name}: ${weakness}`);
  }
  return problems;
};

/**
 * A time zone the queues can schedule in: judged by the library both queues compute the next run
 * with (cron-parser, whose zones are the runtime's: IANA names such as `Europe/Paris`, `UTC`),
 * so what passes here is exactly what will work. It only fails when asked for a date. The start
 * date is given, as the queues give it: without one cron-parser starts from luxon's system zone,
 * whose name costs a default Intl.DateTimeFormat (~6 MB of ICU data paged in, see start-process.ts).
 */
const isTimeZone = (zone: string): boolean => {
  try {
    CronExpressionParser.parse('0 0 * * *', { tz: zone, currentDate: new Date() }).next();
    return true;
  } catch {
    return false;
  }
};

/**
 * The weekly report's schedule, each variable judged on its own so a bad time zone and a bad
 * cron expression are two lines, neither a library's stack trace at start-up. The expression is
 * parsed in UTC and its next run computed, as the queues will do.
 */
const scheduleProblems = (cron: string | undefined, zone: string | undefined): string[] => {
  const problems: string[] = [];
  if (zone !== undefined && !isTimeZone(zone)) problems.push(`REPORT_TIMEZONE: must be an IANA time zone such as UTC or Europe/Paris (got "${zone}")`);
  if (cron !== undefined) {
    try {
      CronExpressionParser.parse(cron, { tz: 'UTC', currentDate: new Date() }).next();
    } catch (err) {
      problems.push(`REPORT_CRON: must be a cron expression such as "0 9 * * 1" (minute hour day-of-month month day-of-week): ${(err as Error).message} (got "${cron}")`);
    }
  }
  return problems;
};

/** How log lines are written unless LOG_FORMAT says: JSON in production and whenever stdout is not a terminal. */
const defaultLogFormat = (nodeEnv: Env['NODE_ENV'], terminal: boolean): 'json' | 'pretty' => (nodeEnv !== 'production' && terminal ? 'pretty' : 'json');

export interface LoadOptions {
  /** Whether stdout is a terminal (readable lines by default) or a file or pipe (JSON lines). */
  readonly terminal?: boolean;
}

/** Decodes the environment; every problem is reported at once so an operator fixes them in one go. */
export const loadConfig = (env: Record<string, string | undefined> = process.env, options: LoadOptions = {}): Config => {
  const terminal = options.terminal ?? process.stdout.isTTY === true;
  const decoded = decodeEnv(env);
  const weakSecrets = secretProblems(env);
  // A weak secret gets one line, the one that says how to make a good one.
  const overrides = decodeRetryOverrides(env, Object.keys(JOB_TYPES) as WorkQueue[]);
  const problems = [
    ...decoded.problems.filter((p) => !weakSecrets.has(p.slice(0, p.indexOf(':')))),
    ...weakSecrets.values(),
    ...(E.isLeft(overrides) ? overrides.left : []),
  ];
  // Cross-variable rules run on what did decode; `e` is whole once `problems` is empty.
  const e = decoded.env as Env;
  const decodedAll = (...names: (keyof Env)[]): boolean => names.every((name) => name in decoded.env);
  // Redis is either one server or a cluster: both set is a contradiction, not a preference.
  if (decodedAll('REDIS_URL', 'REDIS_CLUSTER_NODES') && e.REDIS_URL !== undefined && e.REDIS_CLUSTER_NODES !== undefined) {
    problems.push('REDIS_CLUSTER_NODES: set either REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster), not both');
  }
  const hasRedis = e.REDIS_URL !== undefined || e.REDIS_CLUSTER_NODES !== undefined;
  if (decodedAll('MONGO_URL', 'REDIS_URL', 'REDIS_CLUSTER_NODES') && (e.MONGO_URL === undefined) === hasRedis) {
    problems.push('MONGO_URL and REDIS_URL (or REDIS_CLUSTER_NODES): set both (production profile) or neither (embedded profile)');
  }
  const profile: Profile = e.MONGO_URL && hasRedis ? 'production' : 'embedded';
  if (e.NODE_ENV === 'production' && decodedAll('JWT_SECRET') && e.JWT_SECRET === undefined) problems.push('JWT_SECRET: is required when NODE_ENV=production');
  if (decodedAll('NEXUS_ADMIN_EMAIL', 'NEXUS_ADMIN_PASSWORD') && (e.NEXUS_ADMIN_EMAIL === undefined) !== (e.NEXUS_ADMIN_PASSWORD === undefined)) {
    problems.push('NEXUS_ADMIN_EMAIL and NEXUS_ADMIN_PASSWORD: set both to create the first admin, or neither');
  }
  problems.push(...scheduleProblems(e.REPORT_CRON, e.REPORT_TIMEZONE));
  if (e.CORS_ORIGINS?.includes('*')) problems.push('CORS_ORIGINS: list the allowed origins; "*" is not allowed (responses carry credentials)');
  if (decodedAll('SHUTDOWN_DRAIN_MS', 'SHUTDOWN_TIMEOUT_MS') && e.SHUTDOWN_DRAIN_MS >= e.SHUTDOWN_TIMEOUT_MS) {
    problems.push('SHUTDOWN_DRAIN_MS: must be less than SHUTDOWN_TIMEOUT_MS (the drain happens within the shutdown limit)');
  }
  if (problems.length > 0 || E.isLeft(overrides)) throw new ConfigError(problems);

  // Each job type's own policy, with what the environment changes of it.
  const retry: RetryPolicies = {
    ...DEFAULT_RETRY_POLICIES,
    ...(Object.fromEntries(Object.entries(overrides.right).map(([queue, o]) => [queue, { ...DEFAULT_RETRY_POLICIES[queue as WorkQueue], ...o }])) as Record<WorkQueue, RetryPolicy>),
  };

  return {
    env: e.NODE_ENV,
    profile,
    http: { port: e.PORT, host: e.HOST, bodyLimit: e.BODY_LIMIT, trustProxyHops: e.TRUST_PROXY, corsOrigins: e.CORS_ORIGINS, edge: e.EDGE_MIDDLEWARE === 'on', docs: e.DOCS_ENABLED },
    rateLimit: { windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS, apiMax: e.RATE_LIMIT_API_MAX, authMax: e.RATE_LIMIT_AUTH_MAX },
    metrics: { ...(e.METRICS_TOKEN ? { token: e.METRICS_TOKEN } : {}), ...(e.METRICS_PORT ? { port: e.METRICS_PORT } : {}) },
    workerHealthPort: e.WORKER_HEALTH_PORT,
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT ?? defaultLogFormat(e.NODE_ENV, terminal) },
    ...(e.MONGO_URL ? { mongo: { url: e.MONGO_URL, dbName: e.MONGO_DB } } : {}),
    ...(e.REDIS_URL ? { redis: { target: { kind: 'single', url: e.REDIS_URL }, keyPrefix: e.REDIS_KEY_PREFIX } } : {}),
    ...(e.REDIS_CLUSTER_NODES ? { redis: { target: { kind: 'cluster', ...e.REDIS_CLUSTER_NODES }, keyPrefix: e.REDIS_KEY_PREFIX } } : {}),
    cacheL1: { ttlMs: e.CACHE_L1_TTL_MS, maxEntries: e.CACHE_L1_MAX_ENTRIES },
    mail: {
      from: e.MAIL_FROM,
      ...(e.SMTP_URL ? { smtpUrl: e.SMTP_URL } : {}),
      ...(e.OUTBOX_DIR ? { outboxDir: e.OUTBOX_DIR } : {}),
    },
    auth: {
      ...(e.JWT_SECRET ? { jwtSecret: e.JWT_SECRET } : {}),
      accessTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlSeconds: e.REFRESH_TOKEN_TTL_DAYS * 86_400,
      ...(e.NEXUS_ADMIN_EMAIL && e.NEXUS_ADMIN_PASSWORD ? { admin: { email: e.NEXUS_ADMIN_EMAIL, password: e.NEXUS_ADMIN_PASSWORD } } : {}),
    },
    timeouts: { connectMs: e.CONNECT_TIMEOUT_MS, healthMs: e.HEALTH_TIMEOUT_MS, shutdownMs: e.SHUTDOWN_TIMEOUT_MS, drainMs: e.SHUTDOWN_DRAIN_MS },
    apiKeys: { maxLifetimeDays: e.API_KEY_MAX_DAYS },
    account: {
      appUrl: e.APP_URL.replace(/\/+$/, ''),
      resetTtlMinutes: e.PASSWORD_RESET_TTL_MINUTES,
      verifyTtlHours: e.EMAIL_VERIFY_TTL_HOURS,
      requireVerifiedEmail: e.REQUIRE_VERIFIED_EMAIL,
      lockThreshold: e.ACCOUNT_LOCK_THRESHOLD,
      lockMinutes: e.ACCOUNT_LOCK_MINUTES,
    },
    jobs: {
      concurrency: e.WORKER_CONCURRENCY,
      lockDurationMs: e.JOB_LOCK_DURATION_MS,
      outboxRelayMs: e.OUTBOX_RELAY_INTERVAL_MS,
      reportCron: e.REPORT_CRON,
      reportTimeZone: e.REPORT_TIMEZONE,
      retry,
    },
  };
};
