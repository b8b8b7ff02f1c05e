/** Triggers: the muse's scheduled loop (TrendScout's hourly scan). */
import { produceIntent } from '../../muse/production/produce.js';
import { runTrendTick } from '../../muse/trends/tick.js';
import { isAppError } from '../../shared/errors.js';
import { scheduledTrigger } from './scheduled.js';

export const trendTickHandler = scheduledTrigger('muse-trend-tick', async (app, { firedAt }) => {
  // One tick id per firing: a redelivery reuses it, so it creates nothing twice.
  const tickId = `hourly-${firedAt.toISOString().replace(/[^0-9TZ]/g, '')}`;
  try {
    const summary = await runTrendTick(app, { tickId });
    // Scan -> Filter -> Gate -> Plan -> Produce: every new intent goes to production (its first
    // step is the CFO gate). A redelivered tick finds the same intents already producing.
    const started = [];
    for (const intentId of summary.intentIds) {
      const r = await produceIntent(app, { intentId, actor: { kind: 'system', id: 'trendscout' } }).catch(
        (e: unknown) => {
          if (isAppError(e) && e.code === 'conflict') return undefined;
          throw e;
        },
      );
      if (r) started.push(intentId);
    }
    return { ...summary, top: summary.top.slice(0, 3), productionStarted: started.length };
  } catch (err) {
    // Another tick holds the lease: this firing has nothing to do, and retrying would only queue it.
    if (isAppError(err) && err.code === 'conflict') return { skipped: err.message };
    throw err;
  }
});
