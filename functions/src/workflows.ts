/** Every workflow of the product, registered on the step engine. One line each. */
import { demoWorkflow } from './demo/demo-workflow.js';
import { WorkflowRegistry } from './engine/workflow.js';
import { incidentEscalationWorkflow } from './incidents/escalation.js';

export function productWorkflows(): WorkflowRegistry {
  return new WorkflowRegistry()
    .register(demoWorkflow) // fetch -> (a, b) -> join -> human gate -> publish | discard
    .register(incidentEscalationWorkflow); // level timers: an unacknowledged incident rises 1 -> 4
}
