import winston from 'winston';
import { currentContext } from '../application/context';
import type { LogFields, Logger } from '../application/ports/logger.port';

const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|api[-_]?key|credential|hash/i;

const redactString = (s: string): string =>
  s
    .replace(/\bBearer\s+[\w.~+/-]+=*/gi, 'Bearer [REDACTED]')
    .replace(/\bsk_[A-Za-z0-9_-]{16,}/g, 'sk_[REDACTED]')
    .replace(/\/\/[^@/\s]+@/g, '//***@');

/** Replaces secret-looking fields and values, at any depth, before a line is written. */
export const redact = (value: unknown, depth = 0): unknown => {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? '[REDACTED]' : redact(v, depth + 1);
  return out;
};

const contextAndRedaction = winston.format((info) => {
  const context = currentContext();
  const enriched = {
    ...info,
    ...(context ? { requestId: context.requestId, ...(context.jobId ? { jobId: context.jobId } : {}) } : {}),
  };
  const clean = redact(enriched) as winston.Logform.TransformableInfo;
  // winston keys its levels and messages by symbols that Object.entries does not copy.
  for (const sym of Object.getOwnPropertySymbols(info)) (clean as unknown as Record<symbol, unknown>)[sym] = (info as unknown as Record<symbol, unknown>)[sym];
  return clean;
});

const pretty = winston.format.printf((info) => {
  const { level, message, timestamp, requestId, service: _service, ...rest } = info;
  const fields = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
  return `${String(timestamp)} ${level} ${requestId ? `[${String(requestId)}] ` : ''}${String(message)}${fields}`;
});

export interface LoggerOptions {
  readonly level: string;
  readonly format: 'json' | 'pretty';
  readonly service: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  readonly stream?: NodeJS.WritableStream;
  readonly silent?: boolean;
  /**
   * Colour codes in `pretty` lines; by default only when writing to stdout and stdout is a
   * terminal (so a file or a pipe never holds escape codes) and NO_COLOR is unset.
   */
  readonly colors?: boolean;
}

/** Colours by default only for a person reading stdout in a terminal (https://no-color.org). */
export const colorsByDefault = (options: Pick<LoggerOptions, 'stream' | 'colors'>): boolean =>
  options.colors ?? (options.stream === undefined && process.stdout.isTTY === true && !process.env['NO_COLOR']);

/**
 * A winston logger behind the Logger port: JSON lines (production, files, log collectors) or
 * readable lines for a person at a terminal.
 */
export class WinstonLogger implements Logger {
  private readonly winston: winston.Logger;

  constructor(options: LoggerOptions) {
    const format =
      options.format === 'json'
        ? winston.format.combine(contextAndRedaction(), winston.format.timestamp(), winston.format.json())
        : winston.format.combine(contextAndRedaction(), winston.format.timestamp(), ...(colorsByDefault(options) ? [winston.format.colorize()] : []), pretty);
    const transport = options.stream
      ? new winston.transports.Stream({ stream: options.stream })
      : new winston.transports.Console();
    this.winston = winston.createLogger({
      level: options.level,
      defaultMeta: { service: options.service },
      format,
      transports: [transport],
      silent: options.silent ?? false,
    });
  }

  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }

  // winston runs the formats (and so the redaction walk) before it filters by level; checking
  // first keeps a filtered line free.
  private write(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: LogFields): void {
    if (this.winston.isLevelEnabled(level)) this.winston.log(level, message, fields);
  }
}
