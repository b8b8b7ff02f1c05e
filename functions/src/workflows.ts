/** Every workflow of the product, registered on the step engine. One line each. */
import { demoWorkflow } from './demo/demo-workflow.js';
import { WorkflowRegistry } from './engine/workflow.js';
import { incidentEscalationWorkflow } from './incidents/escalation.js';
import { decisionRemindersWorkflow } from './notify/reminders.js';
import { loadReminderSettings } from './notify/settings.js';
import type { Container } from './platform/container.js';
import { createPipelineWorkflow } from './runs/workflow.js';
import { museOf } from './wiring/muse.js';

export function productWorkflows(app: Container, registry = new WorkflowRegistry()): WorkflowRegistry {
  const pipeline = {
    model: app.model,
    callbackBaseUrl: app.config.publicBaseUrl,
    produce: museOf(app).production.produceBrief,
  };
  const reminders = { db: app.db, reminderSettings: () => loadReminderSettings(app.db) };
  return registry
    .register(demoWorkflow({ clock: app.clock })) // fetch -> (a, b) -> join -> human gate -> publish | discard
    .register(incidentEscalationWorkflow) // level timers: an unacknowledged incident rises 1 -> 4
    .register(decisionRemindersWorkflow(reminders)) // a pushed decision left waiting: thread reminder, then the manager
    .register(museOf(app).production.workflow()) // CFO gate -> narrative -> visual -> motion -> critic -> publish
    .register(createPipelineWorkflow(pipeline)); // Level 4: boot -> the pinned spec's stages -> evaluation
}
