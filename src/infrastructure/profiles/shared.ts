import type { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { MemoryRateLimiter } from '../../adapters/rate-limit/memory-rate-limiter';
import type { RateLimits } from '../../adapters/http/middleware/rate-limit';
import { OutboxMailer } from '../../adapters/memory/outbox-mailer';
import { PrometheusMetrics } from '../../adapters/metrics/prometheus-metrics';
import { LiquidMailTemplates } from '../../adapters/mail/liquid-mail-templates';
import { Argon2PasswordHasher } from '../../adapters/security/argon2-password-hasher';
import { AesGcmSecretBox } from '../../adapters/security/aes-gcm-secret-box';
import { CryptoSecretTokens } from '../../adapters/security/crypto-secret-tokens';
import { JoseAccessTokens } from '../../adapters/security/jose-access-tokens';
import { OtpauthTotp } from '../../adapters/security/otpauth-totp';
import { ZxcvbnPasswordStrength } from '../../adapters/security/zxcvbn-password-strength';
import type * as Smtp from '../../adapters/smtp/smtp-mailer';
import { ObjectIdGenerator } from '../../adapters/system/object-id-generator';
import { SystemClock } from '../../adapters/system/system-clock';
import type { Logger } from '../../application/ports/logger.port';
import type { Mailer, OutgoingMail } from '../../application/ports/mailer.port';
import type { Config } from '../config/load-config';
import type { Adapters } from './adapters';

/** What a process is for: serving the API, running jobs, or both (the embedded profile, tests). */
export type ProcessRole = 'api' | 'worker' | 'all';

/** A profile's adapters and how to release what they opened. */
export interface Profile {
  readonly adapters: Adapters;
  /** The BullMQ queues, for the queue dashboard (production profile only). */
  readonly boardQueues?: () => readonly Queue[];
  close(): Promise<void>;
}

export interface ProfileInputs {
  readonly config: Config;
  readonly logger: Logger;
  readonly role: ProcessRole;
  /** Adapters the caller brings; a profile builds only what is missing. */
  readonly given: Partial<Adapters>;
}

/** Closes in reverse order of opening; a failure is logged, never thrown, so every step runs. */
export class Closers {
  private readonly steps: (() => Promise<void>)[] = [];
  constructor(private readonly logger: Logger) {}

  add(step: () => Promise<void>): void {
    this.steps.push(step);
  }

  async closeAll(): Promise<void> {
    for (const close of this.steps.splice(0).reverse()) {
      await close().catch((err: unknown) => this.logger.warn('error while closing', { error: String(err) }));
    }
  }
}

type ProcessAdapters = Pick<
  Adapters,
  'clock' | 'ids' | 'metrics' | 'passwordHasher' | 'passwordStrength' | 'accessTokens' | 'secretTokens' | 'secretBox' | 'totp' | 'mailTemplates'
>;

/** The adapters that are the same in both profiles: time, ids, metrics, the security primitives and the mail templates. */
export const processAdapters = ({ config, logger, role, given }: ProfileInputs): ProcessAdapters => {
  const clock = given.clock ?? new SystemClock();
  // One server secret per process: access tokens are signed with it; stored TOTP secrets and account mails are sealed with keys derived from it.
  const serverSecret = given.accessTokens && given.secretBox ? '' : jwtSecret(config, logger);
  return {
    clock,
    ids: given.ids ?? new ObjectIdGenerator(),
    metrics: given.metrics ?? new PrometheusMetrics(role === 'worker' ? 'nexus-worker' : 'nexus-api'),
    passwordHasher: given.passwordHasher ?? new Argon2PasswordHasher(),
    passwordStrength: given.passwordStrength ?? new ZxcvbnPasswordStrength(),
    // Tokens are stamped and checked on the process clock, so a swapped clock moves them too.
    accessTokens: given.accessTokens ?? new JoseAccessTokens(serverSecret, config.auth.accessTtlSeconds, () => clock.now().getTime()),
    secretTokens: given.secretTokens ?? new CryptoSecretTokens(),
    // Stored TOTP secrets and account mails are sealed under a key derived (HKDF) from JWT_SECRET: every process of a deployment opens what another sealed.
    secretBox: given.secretBox ?? new AesGcmSecretBox(serverSecret),
    totp: given.totp ?? new OtpauthTotp(),
    // Read and parsed once, here: a missing or broken template stops the start.
    mailTemplates: given.mailTemplates ?? LiquidMailTemplates.load({ appUrl: config.account.appUrl }),
  };
};

const jwtSecret = (config: Config, logger: Logger): string => {
  if (config.auth.jwtSecret) return config.auth.jwtSecret;
  // Only outside NODE_ENV=production (the configuration refuses it there): tokens die with the process.
  logger.warn(
    'JWT_SECRET is not set: using a random key for this process; access tokens, stored TOTP secrets, and account e-mails still waiting in the outbox or the queue, will not survive a restart or work across instances',
  );
  return randomBytes(48).toString('base64url');
};

/** SMTP when `SMTP_URL` is set, otherwise the log (and `OUTBOX_DIR`); the SMTP pool is closed at shutdown. */
export const mailerFor = ({ config, logger }: ProfileInputs, closers: Closers): Mailer => {
  if (!config.mail.smtpUrl) {
    if (config.profile === 'production') logger.warn('SMTP_URL is not set: e-mails are written to the log, not sent');
    return new OutboxMailer(logger, config.mail.outboxDir);
  }
  const smtp = new LazySmtpMailer(config.mail.smtpUrl, config.mail.from);
  closers.add(async () => smtp.close());
  return smtp;
};

/**
 * The SMTP mailer, with nodemailer loaded for the first message: most processes never send one
 * (in the production profile the worker sends, not the API), and it costs ~10 MB to load.
 */
class LazySmtpMailer implements Mailer {
  private smtp: Smtp.SmtpMailer | undefined;

  constructor(
    private readonly url: string,
    private readonly from: string,
  ) {}

  send(mail: OutgoingMail): Promise<{ messageId: string }> {
    return this.mailer().send(mail);
  }

  ping(): Promise<void> {
    return this.mailer().ping();
  }

  close(): void {
    this.smtp?.close();
  }

  private mailer(): Smtp.SmtpMailer {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded when first needed (see above)
    this.smtp ??= new (require('../../adapters/smtp/smtp-mailer') as typeof Smtp).SmtpMailer(this.url, this.from);
    return this.smtp;
  }
}

/** The account mail limiter's window: one reset or verification e-mail per user per minute. */
export const ACCOUNT_MAIL_WINDOW_SECONDS = 60;

export const memoryRateLimits = (config: Config): RateLimits => {
  const { windowSeconds, apiMax, authMax } = config.rateLimit;
  return {
    api: new MemoryRateLimiter(apiMax, windowSeconds, 'api'),
    authClient: new MemoryRateLimiter(authMax, windowSeconds, 'auth-client'),
  };
};
