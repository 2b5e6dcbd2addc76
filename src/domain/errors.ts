/** Error hierarchy: each keeps its cause and tells the operator what to do next. */

export class DriftkollError extends Error {
  readonly hint: string | undefined;
  constructor(message: string, options: { cause?: unknown; hint?: string } = {}) {
    super(message, { cause: options.cause });
    this.name = new.target.name;
    this.hint = options.hint;
  }
}

export class ConfigError extends DriftkollError {}
export class FetchError extends DriftkollError {
  readonly status: number | undefined;
  constructor(message: string, options: { cause?: unknown; hint?: string; status?: number } = {}) {
    super(message, options);
    this.status = options.status;
  }
}
export class ParseError extends DriftkollError {}
export class SmtpError extends DriftkollError {
  /** True for failures worth retrying (connection errors, 4xx replies). */
  readonly temporary: boolean;
  constructor(message: string, options: { cause?: unknown; hint?: string; temporary: boolean }) {
    super(message, options);
    this.temporary = options.temporary;
  }
}
export class UsageError extends DriftkollError {}

/** One line for logs and stderr: message, hint, and the first cause. */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  let line = err.message;
  const cause = err.cause;
  if (cause instanceof Error && !line.includes(cause.message)) line += `: ${cause.message}`;
  if (err instanceof DriftkollError && err.hint) line += ` (${err.hint})`;
  return line.replace(/\s+/g, ' ').trim();
}
