/** What a trend tick reports: stored in `trendTicks/{id}`, returned by the API, logged by the trigger. */
export interface TickSummary {
  tickId: string;
  /** `failed`: the tick could not scan (every enabled source failed, or the settings do not parse). */
  status: 'done' | 'skipped' | 'running' | 'failed';
  /** True when this call found the tick already recorded and did nothing. */
  duplicate: boolean;
  reason?: string;
  /** The incident a failed tick opened (or found open). */
  incidentId?: string;
  sourcesOk: number;
  sourcesFailed: number;
  sources: Array<{ id: string; kind: string; ok: boolean; reason?: string; items: number }>;
  candidates: number;
  intents: number;
  intentIds: string[];
  deduped: number;
  top: Array<{ topic: string; normalizedTopic: string; vvs: number }>;
  durationMs: number;
}

export function emptySummary(
  tickId: string,
  status: TickSummary['status'],
  reason: string,
  durationMs: number,
): TickSummary {
  return {
    tickId,
    status,
    duplicate: false,
    reason,
    sourcesOk: 0,
    sourcesFailed: 0,
    sources: [],
    candidates: 0,
    intents: 0,
    intentIds: [],
    deduped: 0,
    top: [],
    durationMs: Math.round(durationMs),
  };
}
