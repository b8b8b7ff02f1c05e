/** Every workflow of the product, registered on the step engine. One line each. */
import { demoWorkflow } from './demo/demo-workflow.js';
import { WorkflowRegistry } from './engine/workflow.js';
import { decisionRemindersWorkflow } from './notify/reminders.js';
import { productionOptions } from './muse/production/options.js';
import { museProductionWorkflow } from './muse/production/workflow.js';
import { DEFAULT_WALLET_SETTINGS } from './muse/wallet/policy.js';
import type { Container } from './platform/container.js';
import { incidentsOf } from './wiring/incidents.js';
import { runsOf } from './wiring/runs.js';

export function productWorkflows(app: Container, registry = new WorkflowRegistry()): WorkflowRegistry {
  const production = productionOptions({
    priceTable: DEFAULT_WALLET_SETTINGS.priceTable,
    reserveFloor: DEFAULT_WALLET_SETTINGS.reserveFloor,
    critic: app.config.model.provider === 'gemini' ? 'model' : 'local',
  });
  return registry
    .register(demoWorkflow) // fetch -> (a, b) -> join -> human gate -> publish | discard
    .register(incidentsOf(app).escalationWorkflow()) // level timers: an unacknowledged incident rises 1 -> 4
    .register(decisionRemindersWorkflow) // a pushed decision left waiting: thread reminder, then the manager
    .register(museProductionWorkflow(production)) // CFO gate -> narrative -> visual -> motion -> critic -> publish
    .register(runsOf(app).pipelineWorkflow()); // Level 4: boot -> the pinned spec's stages -> evaluation
}
