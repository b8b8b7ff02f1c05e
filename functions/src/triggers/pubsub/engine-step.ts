/** Trigger: the step topics (engine-step-0..N) -> one durable workflow step. */
import { STEP_TOPICS } from '../../platform/catalog.js';
import { engineOf } from '../../wiring/engine.js';
import { pubsubTrigger } from './push.js';

export const handle = pubsubTrigger(STEP_TOPICS, (app, m) => engineOf(app).handleStepMessage(m));
