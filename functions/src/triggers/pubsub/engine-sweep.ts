/**
 * Trigger: scheduler job engine-sweep (every minute) -> publish due outbox entries, re-publish
 * stranded steps, resume stranded parked steps.
 */
import { engineOf } from '../../wiring/engine.js';
import { scheduledTrigger } from './scheduled.js';

export const handle = scheduledTrigger('engine-sweep', async (app) => {
  const { published, resumed, stranded } = await engineOf(app).sweep();
  if (published || resumed || stranded.republished || stranded.failed || stranded.skipped)
    app.log.info('engine sweep', { published, resumed, ...stranded });
  return { published, resumed, ...stranded };
});
