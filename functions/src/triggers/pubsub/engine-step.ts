/** Trigger: the step topics (engine-step-0..N) -> one durable workflow step. */
import { handleStepMessage } from '../../engine/step-handler.js';
import { STEP_TOPICS } from '../../platform/catalog.js';
import { pubsubTrigger } from './push.js';

export const handle = pubsubTrigger(STEP_TOPICS, handleStepMessage);
