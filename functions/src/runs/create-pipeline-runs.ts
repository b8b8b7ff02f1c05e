/**
 * Starting Level 4 runs: a run pins `spec@version`, `suite@version` and a profile. A suite asking for
 * k repeated runs gets k runs in one group. Remediation starts a new run, on a new spec version,
 * linked to the old run; the old run is not touched.
 * An open incident on one of the spec's shared dependencies holds the start (./incident-hold.ts).
 */
import { randomUUID } from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import type { Bus } from '../platform/bus.js';
import type { Logger } from '../platform/log.js';
import { auditInTransaction } from '../platform/audit.js';
import { conflict, describeIssues, invalidInput } from '../shared/errors.js';
import type { Actor, Clock } from '../shared/ports.js';
import type { PipelineRun, PipelineRunEvent } from './core/pipeline-run.js';
import { auditOverride, auditRefusal, checkIncidentHold, requireOverrideScope } from './incident-hold.js';
import type { PipelineInput } from './pipeline-input.js';
import type { EnginePort, IncidentsPort } from './ports.js';
import { createRunSchema, remediateSchema } from './schemas.js';
import {
  PIPELINE_WORKFLOW,
  getPipelineRunDoc,
  pipelineRunRef,
  readSpec,
  readSuite,
  col,
  targets,
} from './repo.js';

export interface CreatePipelineRunRequest {
  spec: string;
  suite: string;
  profile: string;
  input?: Record<string, unknown>;
}

export interface CreatedPipelineRuns {
  groupId: string;
  runIds: string[];
}

export interface CreatePipelineRunOptions {
  link?: { remediates: { runId: string; rationale: string } };
  /** The caller holds the operator scope, which an incident override needs. */
  mayOverride?: boolean;
}

function parseRequest(raw: unknown) {
  const r = createRunSchema.safeParse(raw);
  if (!r.success) throw invalidInput(`run refused: ${describeIssues(r.error.issues).join('; ')}`);
  return r.data;
}

/** What starting runs needs: the runs, the engine that carries them. */
export interface CreatePipelineRunDeps {
  db: Firestore;
  clock: Clock;
  bus: Bus;
  log: Logger;
  engine: Pick<EnginePort, 'startRun'>;
  incidents: Pick<IncidentsPort, 'onDependenciesTx'>;
}

/** Creates the run records (state queued) and starts each on the step engine. */
export async function createPipelineRuns(
  app: CreatePipelineRunDeps,
  raw: unknown,
  actor: Actor,
  opts: CreatePipelineRunOptions = {},
): Promise<CreatedPipelineRuns> {
  const req = parseRequest(raw);
  const { link } = opts;
  const at = app.clock.now();
  await requireOverrideScope(app, {
    override: req.override,
    mayOverride: opts.mayOverride === true,
    actor,
    spec: req.spec,
  });
  // With a requestId the ids are deterministic, so a retried request finds its runs and restarts
  // any the engine did not get (startRun is idempotent by run id) instead of creating new ones.
  const groupId = req.requestId ? `g-${req.requestId}` : `g-${randomUUID()}`;
  const runIdOf = (index: number) =>
    req.requestId ? `run-${req.requestId}-${index + 1}` : `run-${randomUUID()}`;
  const { runIds, spec } = await app.db
    .runTransaction(async (tx) => {
      const spec = await readSpec(app.db, req.spec, tx);
      const suite = await readSuite(app.db, req.suite, tx);
      if (suite.pipeline !== spec.name)
        throw invalidInput(`suite "${req.suite}" accepts pipeline "${suite.pipeline}", not "${spec.name}"`);
      if (!(req.profile in spec.profiles))
        throw invalidInput(
          `profile "${req.profile}" is not declared by "${req.spec}" (declared: ${Object.keys(spec.profiles).join(', ')})`,
        );
      if (req.requestId) {
        const first = await tx.get(pipelineRunRef(app.db, runIdOf(0)));
        if (first.exists) {
          const prior = first.data()!;
          if (prior.spec !== req.spec || prior.suite !== req.suite || prior.profile !== req.profile)
            throw conflict(
              `requestId "${req.requestId}" was used for ${prior.spec} / ${prior.suite} / ${prior.profile}`,
            );
          return { runIds: Array.from({ length: prior.group.size }, (_, i) => runIdOf(i)), spec };
        }
      }
      const incidentOverride = await checkIncidentHold(app.incidents, tx, {
        pin: req.spec,
        spec,
        ...(req.override ? { override: req.override } : {}),
        actor,
      });
      const ids: string[] = [];
      for (let index = 0; index < suite.repeat; index++) {
        const id = runIdOf(index);
        ids.push(id);
        const run: PipelineRun = {
          id,
          spec: req.spec,
          suite: req.suite,
          specName: spec.name,
          profile: req.profile,
          state: 'queued',
          createdAt: at.toISOString(),
          updatedAt: at.toISOString(),
          createdBy: actor,
          group: { id: groupId, index, size: suite.repeat },
          ...(link ? { remediates: link.remediates } : {}),
          ...(incidentOverride ? { incidentOverride } : {}),
          eventSeq: 1,
          stages: {},
          stageFailures: [],
          gates: [],
          incidents: [],
        };
        tx.create(pipelineRunRef(app.db, id), run);
        const queued: PipelineRunEvent = {
          runId: id,
          seq: 1,
          type: 'run.queued',
          at: run.createdAt,
          actor,
          data: {
            spec: req.spec,
            suite: req.suite,
            profile: req.profile,
            group: run.group,
            ...(link ? { remediates: link.remediates.runId } : {}),
            ...(incidentOverride ? { incidentOverride } : {}),
          },
        };
        tx.create(col.events(app.db).doc(`${id}~000001`), queued);
      }
      auditInTransaction(
        app.db,
        tx,
        {
          actor,
          action: 'pipeline_run.create',
          target: targets.run(ids.join(',')),
          outcome: 'ok',
          via: 'api',
          details: { spec: req.spec, suite: req.suite, profile: req.profile },
        },
        at,
      );
      if (incidentOverride) auditOverride(app.db, tx, incidentOverride, { pin: req.spec, runIds: ids, at });
      return { runIds: ids, spec };
    })
    .catch((err: unknown) => auditRefusal(app, err, actor, req.spec));
  const { publishedAt: _a, publishedBy: _b, ...specDef } = spec;
  for (const runId of runIds) {
    // The graph is built from the pinned spec in the input; the suite is never put there, so no stage can see it.
    const input: PipelineInput = {
      pipelineRunId: runId,
      spec: specDef,
      profile: req.profile,
      params: req.input,
    };
    await app.engine.startRun({
      workflow: PIPELINE_WORKFLOW,
      runId,
      actor,
      input,
    });
  }
  return { groupId, runIds };
}

/**
 * Remediation: a new run on a new spec version (and optionally a new suite version), linked to the
 * old run through `remediates` and a `remediations/{newRunId}` record. The old run stays as it was.
 */
export async function remediatePipelineRun(
  app: CreatePipelineRunDeps,
  oldRunId: string,
  raw: unknown,
  actor: Actor,
  opts: { mayOverride?: boolean } = {},
): Promise<CreatedPipelineRuns> {
  const r = remediateSchema.safeParse(raw);
  if (!r.success) throw invalidInput(`remediation refused: ${describeIssues(r.error.issues).join('; ')}`);
  const old = await getPipelineRunDoc(app.db, oldRunId);
  if (r.data.spec === old.spec)
    throw invalidInput(`remediation needs a new spec version; "${old.spec}" is the one that ran`);
  if (r.data.spec.split('@')[0] !== old.specName)
    throw invalidInput(`remediation must be a version of "${old.specName}", not "${r.data.spec}"`);
  if (!['evaluating', 'approved', 'rejected'].includes(old.state))
    throw conflict(`run "${oldRunId}" is ${old.state}; remediate a run after its evaluation`);
  const created = await createPipelineRuns(
    app,
    {
      spec: r.data.spec,
      suite: r.data.suite ?? old.suite,
      profile: old.profile,
      input: r.data.input ?? {},
      ...(r.data.override ? { override: r.data.override } : {}),
    },
    actor,
    { link: { remediates: { runId: oldRunId, rationale: r.data.rationale } }, mayOverride: opts.mayOverride },
  );
  const at = app.clock.now().toISOString();
  const batch = app.db.batch();
  for (const runId of created.runIds)
    batch.create(col.remediations(app.db).doc(runId), {
      runId,
      remediates: oldRunId,
      fromSpec: old.spec,
      toSpec: r.data.spec,
      rationale: r.data.rationale,
      by: actor,
      at,
    });
  await batch.commit();
  return created;
}
