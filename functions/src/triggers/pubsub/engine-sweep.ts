/**
 * Trigger: scheduler job engine-sweep (every minute) -> publish due outbox entries, re-publish
 * stranded steps, resume stranded parked steps.
 */
import { sweepOutbox } from '../../engine/outbox.js';
import { resumeParked } from '../../engine/pause.js';
import { recoverStranded } from '../../engine/stranded.js';
import { scheduledTrigger } from './scheduled.js';

export const handle = scheduledTrigger('engine-sweep', async (app) => {
  const published = await sweepOutbox(app);
  const resumed = await resumeParked(app);
  const stranded = await recoverStranded(app);
  if (published || resumed || stranded.republished || stranded.failed || stranded.skipped)
    app.log.info('engine sweep', { published, resumed, ...stranded });
  return { published, resumed, ...stranded };
});
