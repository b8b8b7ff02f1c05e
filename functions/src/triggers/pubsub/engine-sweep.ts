/** Trigger: scheduler job engine-sweep (every minute) -> publish due outbox entries, resume stranded parked steps. */
import { sweepOutbox } from '../../engine/outbox.js';
import { resumeParked } from '../../engine/pause.js';
import { pubsubTrigger } from './push.js';

export const handle = pubsubTrigger('engine-sweep', async (app) => {
  const published = await sweepOutbox(app);
  const resumed = await resumeParked(app);
  if (published || resumed) app.log.info('engine sweep', { published, resumed });
});
