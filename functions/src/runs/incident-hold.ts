/**
 * The seed's runbook before a Level 4 run starts: "verify no active incident on shared
 * dependencies". While an incident that is not resolved names a dependency the spec declares, the
 * start is refused (409 naming each incident) unless an operator overrides with a rationale, which
 * the run keeps and the audit trail records. Refusals are audited too.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import type { IncidentsPort } from './ports.js';
import { auditInTransaction, recordAudit } from '../platform/audit.js';
import { conflict, forbidden, isAppError } from '../shared/errors.js';
import type { Actor, Clock } from '../shared/ports.js';
import type { PipelineRun } from './core/pipeline-run.js';
import { specDependencies, type PipelineSpec } from './core/spec.js';
import { targets } from './repo.js';

export type IncidentOverride = NonNullable<PipelineRun['incidentOverride']>;

function refusal(
  spec: string,
  blocking: Awaited<ReturnType<IncidentsPort['onDependenciesTx']>>,
  needs: string[],
) {
  const named = blocking.map((i) => `${i.id} "${i.title}" (${i.dependencies.join(', ')})`).join('; ');
  return conflict(
    `run refused: ${spec} uses ${needs.join(', ')}, and an open incident names ${blocking.length === 1 ? 'one' : 'some'} of them: ${named}. Resolve it, or an operator may start the run with override: { rationale }`,
    { incidents: blocking, dependencies: needs },
  );
}

/** Refuses an override from a caller without the operator scope (403), audited. */
export async function requireOverrideScope(
  deps: { db: Firestore; clock: Clock },
  input: { override: unknown; mayOverride: boolean; actor: Actor; spec: string },
): Promise<void> {
  if (input.override && !input.mayOverride)
    await auditRefusal(
      deps,
      forbidden('starting a run despite an open incident needs the "operator" scope'),
      input.actor,
      input.spec,
    );
}

/**
 * Inside the run-creating transaction (a read, so before its writes): throws the 409 when an open
 * incident holds the spec and there is no override; returns the override to record when one was used.
 */
export async function checkIncidentHold(
  incidents: Pick<IncidentsPort, 'onDependenciesTx'>,
  tx: Transaction,
  input: { pin: string; spec: PipelineSpec; override?: { rationale: string }; actor: Actor },
): Promise<IncidentOverride | undefined> {
  const needs = specDependencies(input.spec);
  const blocking = await incidents.onDependenciesTx(tx, needs);
  if (!blocking.length) return undefined;
  if (!input.override) throw refusal(input.pin, blocking, needs);
  return {
    by: input.actor,
    rationale: input.override.rationale,
    incidents: blocking.map((i) => i.id),
    dependencies: [...new Set(blocking.flatMap((i) => i.dependencies))].sort(),
  };
}

/** The override's own audit record, in the transaction that creates the runs. */
export function auditOverride(
  db: Firestore,
  tx: Transaction,
  o: IncidentOverride,
  input: { pin: string; runIds: string[]; at: Date },
): void {
  auditInTransaction(
    db,
    tx,
    {
      actor: o.by,
      action: 'pipeline_run.incident_override',
      target: targets.run(input.runIds.join(',')),
      outcome: 'ok',
      rationale: o.rationale,
      via: 'api',
      details: { spec: input.pin, incidents: o.incidents, dependencies: o.dependencies },
    },
    input.at,
  );
}

const heldByIncident = (d: unknown) => !!d && typeof d === 'object' && 'incidents' in d;

/** Audits a refused start (no operator scope, or held by an incident), then rethrows it. */
export async function auditRefusal(
  deps: { db: Firestore; clock: Clock },
  err: unknown,
  actor: Actor,
  spec: string,
): Promise<never> {
  if (
    isAppError(err) &&
    (err.code === 'forbidden' || (err.code === 'conflict' && heldByIncident(err.details)))
  )
    await recordAudit(
      deps.db,
      {
        actor,
        action: 'pipeline_run.create',
        target: targets.run(spec),
        outcome: 'refused',
        reason: `${err.code}: ${err.message}`,
        via: 'api',
      },
      deps.clock.now(),
    );
  throw err;
}
