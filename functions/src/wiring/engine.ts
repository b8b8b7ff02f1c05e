/**
 * The engine wired onto a container: its own registry of workflows (filled by wiring/app.ts with
 * the product's, or by a test with its own) and the container's ports. One engine per container.
 */
import { createEngine, type Engine } from '../engine/system.js';
import { WorkflowRegistry } from '../engine/workflow.js';
import type { Container } from '../platform/container.js';

const engines = new WeakMap<Container, Engine>();

export function engineOf(app: Container): Engine {
  let engine = engines.get(app);
  if (!engine) {
    engine = createEngine({
      db: app.db,
      // Pub/Sub loads on first publish (the container's getter), not when the engine is built.
      bus: {
        publish: (topic, data, attributes) => app.bus.publish(topic, data, attributes),
        publishRaw: (topic, data, attributes) => app.bus.publishRaw(topic, data, attributes),
      },
      clock: app.clock,
      log: app.log,
      config: app.config,
      workflows: new WorkflowRegistry(),
    });
    engines.set(app, engine);
  }
  return engine;
}
