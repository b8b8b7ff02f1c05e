/**
 * The product wired onto a container: what every trigger serves. The product's workflows are
 * registered on the container's engine, loaded on first need (their modules pull in every system,
 * which a request that runs no workflow should not pay for). This module sits above every
 * system's wiring, so the engine never imports the workflows that import the systems that use it.
 */
import type { Config } from '../config.js';
import {
  createContainer,
  getContainer,
  type Container,
  type ContainerOverrides,
} from '../platform/container.js';
import { engineOf } from './engine.js';

const wired = new WeakSet<Container>();

/** Registers the product's workflows on `app`'s engine (once; they load on the first run or step). */
export function withProductWorkflows(app: Container): Container {
  if (wired.has(app)) return app;
  wired.add(app);
  const registry = engineOf(app).workflows;
  registry.loadWith(async () => {
    (await import('../workflows.js')).productWorkflows(app, registry);
  });
  return app;
}

/** A container with the product wired on: tests, the local stack and scripts that run workflows. */
export async function createApp(config: Config, overrides: ContainerOverrides = {}): Promise<Container> {
  return withProductWorkflows(await createContainer(config, overrides));
}

/** The process-wide container (platform/container.ts), with the product wired on. */
export async function getApp(): Promise<Container> {
  return withProductWorkflows(await getContainer());
}
