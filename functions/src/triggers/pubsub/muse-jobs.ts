/** Triggers: the muse's scheduled loop (TrendScout's hourly scan, then production for new intents). */
import { museOf } from '../../wiring/muse.js';
import { scheduledTrigger } from './scheduled.js';

export const trendTickHandler = scheduledTrigger('muse-trend-tick', (app, { firedAt }) =>
  museOf(app).trends.runScheduled(firedAt),
);
