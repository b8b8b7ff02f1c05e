/** Every workflow of the product, registered on the step engine. One line each. */
import { demoWorkflow } from './demo/demo-workflow.js';
import { WorkflowRegistry } from './engine/workflow.js';
import { decisionRemindersWorkflow } from './notify/reminders.js';
import { loadReminderSettings } from './notify/settings.js';
import type { Container } from './platform/container.js';
import { incidentsOf } from './wiring/incidents.js';
import { museOf } from './wiring/muse.js';
import { runsOf } from './wiring/runs.js';

export function productWorkflows(app: Container, registry = new WorkflowRegistry()): WorkflowRegistry {
  const reminders = { db: app.db, reminderSettings: () => loadReminderSettings(app.db) };
  return registry
    .register(demoWorkflow({ clock: app.clock })) // fetch -> (a, b) -> join -> human gate -> publish | discard
    .register(incidentsOf(app).escalationWorkflow()) // level timers: an unacknowledged incident rises 1 -> 4
    .register(decisionRemindersWorkflow(reminders)) // a pushed decision left waiting: thread reminder, then the manager
    .register(museOf(app).production.workflow()) // CFO gate -> narrative -> visual -> motion -> critic -> publish
    .register(runsOf(app).pipelineWorkflow()); // Level 4: boot -> the pinned spec's stages -> evaluation
}
