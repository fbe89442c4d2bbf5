import winston from 'winston';
import { currentContext } from '../application/context';
import type { AccessFields, LogFields, Logger } from '../application/ports/logger.port';

const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|api[-_]?key|credential|hash/i;

const redactString = (s: string): string =>
  s
    .replace(/\bBearer\s+[\w.~+/-]+=*/gi, 'Bearer [REDACTED]')
    .replace(/\bsk_[A-Za-z0-9_-]{16,}/g, 'sk_[REDACTED]')
    .replace(/\/\/[^@/\s]+@/g, '//***@');

// A string with none of these is its own JSON (between quotes) and its own redaction: nothing
// JSON.stringify escapes (quotes, backslashes, control characters, surrogates, escaped when
// lone) and nothing any of redactString's patterns needs. Others take the long way.
// eslint-disable-next-line no-control-regex
const NOT_PLAIN = /["\\\u0000-\u001f\ud800-\udfff]|bearer|sk_|\/\//i;
/** A string value of a log line as JSON, redacted as `redact` does: JSON.stringify(redact(s)). */
const jsonValue = (s: string): string => (NOT_PLAIN.test(s) ? JSON.stringify(redactString(s)) : `"${s}"`);
const jsonNumber = (n: number): string => (Number.isFinite(n) ? String(n) : 'null');

// winston's timestamp format is `new Date().toISOString()`; within one millisecond it is the same string.
let isoMs = Number.NaN;
let isoText = '';
const isoNow = (): string => {
  const now = Date.now();
  if (now !== isoMs) {
    isoMs = now;
    isoText = new Date(now).toISOString();
  }
  return isoText;
};

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
  /** Where JSON access lines go, written directly (see `access`); undefined for `pretty`. */
  private readonly jsonOut: NodeJS.WritableStream | undefined;
  private readonly serviceJson: string;
  /** Whether `request` (info) and `request failed` (error) lines are written: neither the level nor `silent` change. */
  private readonly accessLevels: { readonly info: boolean; readonly error: boolean };

  constructor(options: LoggerOptions) {
    // winston's Console transport writes each line to console._stdout, which is process.stdout.
    this.jsonOut = options.format === 'json' ? (options.stream ?? process.stdout) : undefined;
    this.serviceJson = jsonValue(options.service);
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
    const silent = options.silent ?? false;
    this.accessLevels = { info: !silent && this.winston.isLevelEnabled('info'), error: !silent && this.winston.isLevelEnabled('error') };
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

  /**
   * The access line, one per request, without winston's format chain (the redaction walk over a
   * copy of every field, then its stream plumbing: some 18 us a line). The line is the one winston
   * writes for `info('request', fields)` (or `error('request failed', ...)` for a 5xx), byte
   * for byte: its keys in the order winston's JSON format sorts them, every string value
   * redacted by the same rules (a raw path can carry a token), one write of the whole line to
   * the stream winston's transport writes to, so lines never interleave and keep their order.
   * The level filter and `silent` apply as to every line. `pretty` lines, for a person at a
   * terminal, go through winston.
   */
  access(fields: AccessFields): void {
    const failed = fields.status >= 500;
    const level = failed ? 'error' : 'info';
    const message = failed ? 'request failed' : 'request';
    if (!this.accessLevels[level]) return;
    const out = this.jsonOut;
    if (out === undefined) {
      this.winston.log(level, message, { ...fields });
      return;
    }
    const context = currentContext();
    const jobId = context?.jobId;
    out.write(
      `{"durationMs":${jsonNumber(fields.durationMs)},"ip":${jsonValue(fields.ip)}${jobId ? `,"jobId":${jsonValue(jobId)}` : ''}` +
        `,"level":"${level}","message":"${message}","method":${jsonValue(fields.method)}${context ? `,"requestId":${jsonValue(context.requestId)}` : ''}` +
        `,"route":${jsonValue(fields.route)},"service":${this.serviceJson},"status":${jsonNumber(fields.status)},"timestamp":"${isoNow()}"` +
        `${fields.userId === undefined ? '' : `,"userId":${jsonValue(fields.userId)}`}}\n`,
    );
  }

  // winston runs the formats (and so the redaction walk) before it filters by level; checking
  // first keeps a filtered line free.
  private write(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: LogFields): void {
    if (this.winston.isLevelEnabled(level)) this.winston.log(level, message, fields);
  }
}
