/**
 * The muse's autonomous loop, one use case for every way it is started (the hourly scheduler,
 * `POST /v1/muse/ticks`): Scan -> Filter (the trend tick) -> Gate -> Plan -> Produce, where every
 * new intent goes to production, whose first step is the CFO gate. A redelivered tick finds the
 * same intents already producing, so nothing starts twice.
 */
import type { Container } from '../../platform/container.js';
import { isAppError } from '../../shared/errors.js';
import type { Actor } from '../../shared/ports.js';
import { produceIntent } from '../production/produce.js';
import { readTrendConfig } from './settings-store.js';
import { runTrendTick } from './tick.js';
import type { TickSummary } from './tick-summary.js';

export interface LoopResult extends TickSummary {
  production: {
    /** Production runs this call started (or found started by an earlier delivery). */
    runIds: string[];
    /** Intents left `new` because of `maxProductionsPerTick`. */
    notStarted: string[];
  };
}

export async function runTrendLoop(app: Container, p: { tickId: string; actor: Actor }): Promise<LoopResult> {
  const summary = await runTrendTick(app, { tickId: p.tickId });
  const config = await readTrendConfig(app.db);
  const cap = config.tick.ok ? config.tick.value.maxProductionsPerTick : 0;
  const runIds: string[] = [];
  for (const intentId of summary.intentIds.slice(0, cap)) {
    try {
      runIds.push((await produceIntent(app, { intentId, actor: p.actor })).runId);
    } catch (e) {
      // Already producing or published: an earlier delivery of this tick started it.
      if (!(isAppError(e) && e.code === 'conflict')) throw e;
      const runId = (e.details as { runId?: string } | undefined)?.runId;
      if (runId) runIds.push(runId);
    }
  }
  return { ...summary, production: { runIds, notStarted: summary.intentIds.slice(cap) } };
}
