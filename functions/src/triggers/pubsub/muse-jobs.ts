/** Triggers: the muse's scheduled loop (TrendScout's hourly scan). */
import { runTrendTick } from '../../muse/trends/tick.js';
import { isAppError } from '../../shared/errors.js';
import { scheduledTrigger } from './scheduled.js';

export const trendTickHandler = scheduledTrigger('muse-trend-tick', async (app, { firedAt }) => {
  // One tick id per firing: a redelivery reuses it, so it creates nothing twice.
  const tickId = `hourly-${firedAt.toISOString().replace(/[^0-9TZ]/g, '')}`;
  try {
    return await runTrendTick(app, { tickId });
  } catch (err) {
    // Another tick holds the lease: this firing has nothing to do, and retrying would only queue it.
    if (isAppError(err) && err.code === 'conflict') return { skipped: err.message };
    throw err;
  }
});
