/** Every workflow of the product, registered on the step engine. One line each. */
import type { Config } from './config.js';
import { demoWorkflow } from './demo/demo-workflow.js';
import { WorkflowRegistry } from './engine/workflow.js';
import { incidentEscalationWorkflow } from './incidents/escalation.js';
import { productionOptions } from './muse/production/options.js';
import { museProductionWorkflow } from './muse/production/workflow.js';
import { DEFAULT_WALLET_SETTINGS } from './muse/wallet/policy.js';

export function productWorkflows(config?: Pick<Config, 'model'>): WorkflowRegistry {
  const production = productionOptions({
    priceTable: DEFAULT_WALLET_SETTINGS.priceTable,
    reserveFloor: DEFAULT_WALLET_SETTINGS.reserveFloor,
    critic: config?.model.provider === 'gemini' ? 'model' : 'local',
  });
  return new WorkflowRegistry()
    .register(demoWorkflow) // fetch -> (a, b) -> join -> human gate -> publish | discard
    .register(incidentEscalationWorkflow) // level timers: an unacknowledged incident rises 1 -> 4
    .register(museProductionWorkflow(production)); // CFO gate -> narrative -> visual -> motion -> critic -> publish
}
