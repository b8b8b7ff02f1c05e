/**
 * Failure classes of a stage, and when failures are systemic. Pure.
 * - retryable: timeouts, network errors, 429, 5xx — retried by the stage's policy;
 * - terminal: other 4xx, validation of the stage's own answer — the run takes the fail path;
 * - pipeline: the spec itself is at fault (a missing input, an unknown edge) — fail path and an incident.
 */
export type FailureClass = 'retryable' | 'terminal' | 'pipeline';

export type FailureSignal =
  | { kind: 'timeout' }
  | { kind: 'network'; message?: string }
  | { kind: 'http'; status: number }
  | { kind: 'validation'; message?: string }
  | { kind: 'spec'; message?: string };

export function classifyFailure(signal: FailureSignal): FailureClass {
  switch (signal.kind) {
    case 'timeout':
    case 'network':
      return 'retryable';
    case 'http':
      if (signal.status === 429 || signal.status === 408 || signal.status >= 500) return 'retryable';
      return 'terminal';
    case 'validation':
      return 'terminal';
    case 'spec':
      return 'pipeline';
  }
}

/** Whether a retryable failure gets another try: attempts count the first try. */
export function shouldRetry(cls: FailureClass, attempt: number, maxAttempts: number): boolean {
  return cls === 'retryable' && attempt < maxAttempts;
}

export interface SystemicInput {
  failureClass: FailureClass;
  /** Runs (ids) in which this stage of this spec failed within the window, this run included. */
  failingRunIds: string[];
  threshold: number;
}

/** A pipeline-class failure is systemic at once; otherwise when the stage failed in `threshold` runs. */
export function systemicReason(i: SystemicInput): string | undefined {
  if (i.failureClass === 'pipeline') return 'pipeline-class failure: the spec itself is at fault';
  const runs = new Set(i.failingRunIds).size;
  if (runs >= i.threshold) return `the same stage failed in ${runs} recent runs (threshold ${i.threshold})`;
  return undefined;
}
