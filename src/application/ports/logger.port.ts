export type LogFields = Record<string, unknown>;

/** What the access line of one finished request says (the request id comes from the context). */
export interface AccessFields {
  readonly method: string;
  /** The route's template (`/api/users/:id`), or `unmatched`: never the raw path (see accessLog). */
  readonly route: string;
  readonly status: number;
  readonly durationMs: number;
  readonly ip: string;
  readonly userId?: string | undefined;
}

/** Structured logging. The request or job id is added by the adapter from the ambient context. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /**
   * The access line of a finished request: `request` at info, or `request failed` at error for
   * a 5xx; the same line as `info`/`error` with these fields would write, on the request path.
   */
  access(fields: AccessFields): void;
}
