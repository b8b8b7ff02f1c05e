/**
 * Publishing a PipelineSpec or ScenarioSuite version. Create-only: a published `name@version` never
 * changes, so publishing the same version again is refused (with the first one's time and author).
 */
import type { DocumentReference, Firestore } from '@google-cloud/firestore';
import type { z } from 'zod';
import { auditInTransaction } from '../platform/audit.js';
import { conflict, describeIssues, invalidInput } from '../shared/errors.js';
import type { Actor, Clock } from '../shared/ports.js';
import { validateSpec, type PipelineSpec } from './core/spec.js';
import { validateSuite, type ScenarioSuite } from './core/suite.js';
import { pipelineSpecSchema, scenarioSuiteSchema } from './schemas.js';
import { col, targets, type Stored } from './repo.js';

export interface PublishDeps {
  db: Firestore;
  clock: Clock;
}

function parse<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.infer<S> {
  const r = schema.safeParse(raw);
  if (!r.success) throw invalidInput(`invalid ${what}: ${describeIssues(r.error.issues).join('; ')}`);
  return r.data;
}

async function publish<T extends { name: string; version: string }>(
  deps: PublishDeps,
  docOf: (pin: string) => DocumentReference<Stored<T>>,
  target: (pin: string) => string,
  what: string,
  def: T,
  actor: Actor,
): Promise<Stored<T>> {
  const pin = `${def.name}@${def.version}`;
  const at = deps.clock.now();
  const stored: Stored<T> = { ...def, publishedAt: at.toISOString(), publishedBy: actor };
  return deps.db.runTransaction(async (tx) => {
    const ref = docOf(pin);
    const existing = await tx.get(ref);
    if (existing.exists) {
      const first = existing.data()!;
      throw conflict(
        `${what} "${pin}" is already published (${first.publishedAt} by ${first.publishedBy.id}); published versions never change: publish a new version`,
      );
    }
    tx.create(ref, stored);
    auditInTransaction(
      deps.db,
      tx,
      {
        actor,
        action: `${what.replace(' ', '_')}.publish`,
        target: target(pin),
        outcome: 'ok',
        via: 'api',
      },
      at,
    );
    return stored;
  });
}

/** Validates and publishes a spec version; refuses naming every problem (cycles, unreachable stages...). */
export async function publishSpec(
  deps: PublishDeps,
  raw: unknown,
  actor: Actor,
): Promise<Stored<PipelineSpec>> {
  const spec = parse(pipelineSpecSchema, raw, 'pipeline spec') as PipelineSpec;
  const problems = validateSpec(spec);
  if (problems.length)
    throw invalidInput(`invalid pipeline spec "${spec.name}@${spec.version}": ${problems.join('; ')}`, {
      problems,
    });
  return publish(deps, (pin) => col.specs(deps.db).doc(pin), targets.spec, 'pipeline spec', spec, actor);
}

export async function publishSuite(
  deps: PublishDeps,
  raw: unknown,
  actor: Actor,
): Promise<Stored<ScenarioSuite>> {
  const suite = parse(scenarioSuiteSchema, raw, 'scenario suite') as ScenarioSuite;
  const problems = validateSuite(suite);
  if (problems.length)
    throw invalidInput(`invalid scenario suite "${suite.name}@${suite.version}": ${problems.join('; ')}`, {
      problems,
    });
  return publish(deps, (pin) => col.suites(deps.db).doc(pin), targets.suite, 'scenario suite', suite, actor);
}
