export type LogFields = Record<string, unknown>;

/** Structured logging. The request or job id is added by the adapter from the ambient context. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}
