/**
 * Coded errors. Every refusal in the product is an AppError with a stable string code; each
 * trigger kind maps codes once (HTTP status, Slack ephemeral reply, Pub/Sub ack-or-retry).
 * Pure: core policy may throw these.
 */
export const ERROR_STATUS = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  policy_violation: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
  /** A dependency failure the platform should retry, as opposed to input that can never succeed. */
  get transient(): boolean {
    return this.code === 'unavailable' || this.code === 'rate_limited' || this.code === 'internal';
  }
}

export const invalidInput = (message: string, details?: unknown) =>
  new AppError('invalid_input', message, details);
export const notFound = (message: string, details?: unknown) => new AppError('not_found', message, details);
export const conflict = (message: string, details?: unknown) => new AppError('conflict', message, details);
export const forbidden = (message: string, details?: unknown) => new AppError('forbidden', message, details);
export const policyViolation = (message: string, details?: unknown) =>
  new AppError('policy_violation', message, details);

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** Describes zod-style issues as one readable line per problem: `path.to.field: message`. */
export function describeIssues(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): string[] {
  return issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`);
}
