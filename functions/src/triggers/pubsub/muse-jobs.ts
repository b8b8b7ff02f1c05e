/** Triggers: the muse's scheduled loop (TrendScout's hourly scan, then production for new intents). */
import { runTrendLoop } from '../../muse/trends/loop.js';
import { isAppError } from '../../shared/errors.js';
import { scheduledTrigger } from './scheduled.js';

export const trendTickHandler = scheduledTrigger('muse-trend-tick', async (app, { firedAt }) => {
  // One tick id per firing: a redelivery reuses it, so it creates nothing twice.
  const tickId = `hourly-${firedAt.toISOString().replace(/[^0-9TZ]/g, '')}`;
  try {
    const r = await runTrendLoop(app, { tickId, actor: { kind: 'system', id: 'trendscout' } });
    return { ...r, top: r.top.slice(0, 3), sources: r.sources.filter((s) => !s.ok) };
  } catch (err) {
    // Another tick holds the lease: this firing has nothing to do, and retrying would only queue it.
    if (isAppError(err) && err.code === 'conflict') return { skipped: err.message };
    throw err;
  }
});
