/**
 * The `runs` list of the muse status document: the latest production runs, newest first, one entry
 * per run, at most 10. Pure.
 */
export const MAX_STATUS_RUNS = 10;

export type RunState = 'queued' | 'running' | 'unfunded' | 'published' | 'rejected' | 'failed';

export interface StatusRun {
  runId: string;
  intentId: string;
  topic: string;
  /** The step the run is at (or ended on). */
  step: string;
  state: RunState;
  mode: 'free' | 'template';
  updatedAt: Date;
}

/** Replaces the run's entry (or adds it) and keeps the newest `max` entries. */
export function upsertRun(runs: readonly StatusRun[], entry: StatusRun, max = MAX_STATUS_RUNS): StatusRun[] {
  const others = runs.filter((r) => r.runId !== entry.runId);
  return [entry, ...others].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime()).slice(0, max);
}
