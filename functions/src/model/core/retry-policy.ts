/**
 * Which model call failures are worth another attempt. The SDK's `retryOptions` does the waiting
 * and retrying; this decides which statuses it retries and how a final failure is labelled.
 */

/** 429 (quota) and 5xx (server) are worth another attempt; other 4xx never succeed on retry. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** The statuses above, listed for the SDK's `retryOptions.httpStatusCodes`. */
export const RETRYABLE_STATUSES: readonly number[] = [
  408,
  429,
  ...Array.from({ length: 100 }, (_, i) => 500 + i),
];
