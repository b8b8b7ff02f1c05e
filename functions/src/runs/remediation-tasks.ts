/**
 * A rejected run opens remediation tasks: Growth Engine tasks (functions/src/tasks) assigned to
 * agents, each linked back to the run by a `remediationTasks/{taskId}` record (create-only). The run
 * itself is not changed: the link lives beside it, and the handoff reads it.
 */
import type { Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import { conflict, describeIssues, invalidInput, notFound } from '../shared/errors.js';
import type { Actor, Clock } from '../shared/ports.js';
import type { CreateTask } from './ports.js';
import { pipelineRunRef, col } from './repo.js';

export const remediationTasksSchema = z.object({
  tasks: z
    .array(
      z.object({
        title: z.string().trim().min(1).max(300),
        description: z.string().max(5000).default(''),
        agentId: z.string().min(1),
        estimateMinutes: z.number().int().positive(),
        /** The classified failure this task remediates, e.g. `scenario:calm`. */
        failure: z.string().min(1).optional(),
      }),
    )
    .min(1, 'name at least one task'),
});

export interface RemediationTaskLink {
  taskId: string;
  runId: string;
  spec: string;
  failure?: string;
  openedBy: Actor;
  at: string;
}

export async function openRemediationTasks(
  deps: { db: Firestore; clock: Clock; createTask: CreateTask },
  runId: string,
  raw: unknown,
  actor: Actor,
): Promise<RemediationTaskLink[]> {
  const r = remediationTasksSchema.safeParse(raw);
  if (!r.success)
    throw invalidInput(`remediation tasks refused: ${describeIssues(r.error.issues).join('; ')}`);
  const snap = await pipelineRunRef(deps.db, runId).get();
  if (!snap.exists) throw notFound(`pipeline run "${runId}" does not exist`);
  const run = snap.data()!;
  if (run.state !== 'rejected')
    throw conflict(`run "${runId}" is ${run.state}; remediation tasks are opened for rejected runs`);
  const existing = await col.remediationTasks(deps.db).where('runId', '==', runId).get();
  const links: RemediationTaskLink[] = [];
  for (const [i, t] of r.data.tasks.entries()) {
    const task = await deps.createTask(
      {
        id: `remediate-${runId}-${existing.size + i + 1}`,
        title: t.title,
        description: `Remediation of Level 4 run ${runId} (${run.spec})${t.failure ? `, failure ${t.failure}` : ''}.\n\n${t.description}`,
        agentId: t.agentId,
        estimateMinutes: t.estimateMinutes,
      },
      actor,
    );
    const link: RemediationTaskLink = {
      taskId: task.id,
      runId,
      spec: run.spec,
      ...(t.failure ? { failure: t.failure } : {}),
      openedBy: actor,
      at: deps.clock.now().toISOString(),
    };
    await col
      .remediationTasks(deps.db)
      .doc(task.id)
      .create({ ...link });
    links.push(link);
  }
  return links;
}
