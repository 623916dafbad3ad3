import type { FieldError, ProblemCode } from "./problem";

/**
 * The one exception type route handlers throw for an expected failure; the error handler turns it
 * into problem+json. `detail` is shown to the caller; `internalReason` only goes to the log.
 */
export class ApiError extends Error {
  readonly code: ProblemCode;
  readonly detail: string;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;
  readonly internalReason: string | undefined;

  constructor(
    code: ProblemCode,
    detail: string,
    options: { errors?: FieldError[]; headers?: Record<string, string>; internalReason?: string } = {},
  ) {
    super(`${code}: ${detail}`);
    this.name = "ApiError";
    this.code = code;
    this.detail = detail;
    this.errors = options.errors;
    this.headers = options.headers;
    this.internalReason = options.internalReason;
  }
}
