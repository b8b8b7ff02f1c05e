/**
 * The muse's autonomous loop, one use case for every way it is started (the hourly scheduler,
 * `POST /v1/muse/ticks`): Scan -> Filter (the trend tick) -> Gate -> Plan -> Produce, where every
 * new intent goes to production, whose first step is the CFO gate. A redelivered tick finds the
 * same intents already producing, so nothing starts twice.
 */
import { isAppError } from '../../shared/errors.js';
import type { Actor } from '../../shared/ports.js';
import type { MuseDeps } from '../deps.js';
import { readTrendConfig } from './settings-store.js';
import type { TickSummary } from './tick-summary.js';

export interface LoopResult extends TickSummary {
  production: {
    /** Productions this call started (or found started by an earlier delivery), by run id. */
    runIds: string[];
    /** Intents left `new` because of `maxProductionsPerTick`. */
    notStarted: string[];
  };
}

/** What the loop calls: the tick, and production for one intent. */
export interface LoopSteps {
  tick(p: { tickId: string }): Promise<TickSummary>;
  produce(p: { intentId: string; actor: Actor }): Promise<{ runId: string }>;
}

export async function runTrendLoop(
  deps: Pick<MuseDeps, 'db'>,
  steps: LoopSteps,
  p: { tickId: string; actor: Actor },
): Promise<LoopResult> {
  const summary = await steps.tick({ tickId: p.tickId });
  const config = await readTrendConfig(deps.db);
  const cap = config.tick.ok ? config.tick.value.maxProductionsPerTick : 0;
  const runIds: string[] = [];
  for (const intentId of summary.intentIds.slice(0, cap)) {
    try {
      runIds.push((await steps.produce({ intentId, actor: p.actor })).runId);
    } catch (e) {
      // Already producing or published: an earlier delivery of this tick started it.
      if (!(isAppError(e) && e.code === 'conflict')) throw e;
      const runId = (e.details as { runId?: string } | undefined)?.runId;
      if (runId) runIds.push(runId);
    }
  }
  return { ...summary, production: { runIds, notStarted: summary.intentIds.slice(cap) } };
}

/**
 * The scheduled firing: one tick id per firing (a redelivery reuses it, so it creates nothing
 * twice), and a firing that finds another tick holding the lease has nothing to do. Returns what
 * the trigger logs.
 */
export async function runScheduledLoop(
  loop: (p: { tickId: string; actor: Actor }) => Promise<LoopResult>,
  firedAt: Date,
): Promise<Record<string, unknown>> {
  const tickId = `hourly-${firedAt.toISOString().replace(/[^0-9TZ]/g, '')}`;
  try {
    const r = await loop({ tickId, actor: { kind: 'system', id: 'trendscout' } });
    return { ...r, top: r.top.slice(0, 3), sources: r.sources.filter((s) => !s.ok) };
  } catch (err) {
    // Another tick holds the lease: retrying would only queue this firing.
    if (isAppError(err) && err.code === 'conflict') return { skipped: err.message };
    throw err;
  }
}
