/**
 * Task use cases: register agents, create tasks, start (gated by dependencies), block, unblock and
 * complete them. Completing indexes the task's solution for KB search in the same transaction.
 */
import type { Firestore } from '@google-cloud/firestore';
import { randomUUID } from 'node:crypto';
import { recordEvent } from '../engine/events.js';
import { kickSlackOutbox } from '../notify/slack-outbox.js';
import { auditInTransaction } from '../platform/audit.js';
import type { Bus } from '../platform/bus.js';
import type { Logger } from '../platform/log.js';
import { conflict, describeIssues, invalidInput, notFound, policyViolation } from '../shared/errors.js';
import type { Actor, Clock } from '../shared/ports.js';
import { mustBeat } from './core/heartbeat.js';
import { FINISHED, newTaskSchema, startVerdict, type Task, type TaskStatus } from './core/task.js';
import { alertTaskWithoutEvidence } from './alerts.js';
import { indexKbDocumentInTransaction, kbIndexReads } from './kb-index.js';
import { agentRef, getTaskDoc, queryTasks, targets, taskRef } from './repo.js';
import { loadHeartbeatPolicy } from './settings.js';

export interface Deps {
  db: Firestore;
  clock: Clock;
}

const via = (a: Actor) => (a.kind === 'user' ? 'slack' : a.kind === 'system' ? 'system' : 'api') as 'api';

/** Registers (or renames) an agent; tasks may only be assigned to registered agents. */
export async function registerAgent(deps: Deps, input: { id: string; name?: string; actor: Actor }) {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/.test(input.id))
    throw invalidInput('agent id: letters, digits, _ . -');
  const at = deps.clock.now();
  await deps.db.runTransaction(async (tx) => {
    tx.set(
      agentRef(deps.db, input.id),
      { id: input.id, name: input.name ?? input.id, updatedAt: at },
      { merge: true },
    );
    auditInTransaction(
      deps.db,
      tx,
      {
        actor: input.actor,
        action: 'agent.register',
        target: targets.agent(input.id),
        outcome: 'ok',
        via: via(input.actor),
      },
      at,
    );
  });
  return { id: input.id };
}

export async function createTask(deps: Deps, raw: unknown, actor: Actor): Promise<Task> {
  const parsed = newTaskSchema.safeParse(raw);
  if (!parsed.success) throw invalidInput(`task refused: ${describeIssues(parsed.error.issues).join('; ')}`);
  const input = parsed.data;
  const policy = await loadHeartbeatPolicy(deps.db);
  const at = deps.clock.now();
  const id = input.id ?? `task-${randomUUID()}`;
  return deps.db.runTransaction(async (tx) => {
    const ref = taskRef(deps.db, id);
    const [self, agent, ...depSnaps] = await Promise.all([
      tx.get(ref),
      tx.get(agentRef(deps.db, input.agentId)),
      ...input.dependsOn.map((d) => tx.get(taskRef(deps.db, d))),
    ]);
    if (self!.exists) throw conflict(`task ${id} already exists`);
    if (!agent!.exists) throw notFound(`unknown agent "${input.agentId}"`);
    const missing = input.dependsOn.filter((_, i) => !depSnaps[i]!.exists);
    if (missing.length) throw notFound(`unknown dependencies: ${missing.join(', ')}`);
    if (input.dependsOn.includes(id)) throw invalidInput('a task cannot depend on itself');
    const task: Task = {
      id,
      title: input.title,
      description: input.description,
      agentId: input.agentId,
      dependsOn: input.dependsOn,
      estimateMinutes: input.estimateMinutes,
      status: 'todo',
      mustBeat: mustBeat(input.estimateMinutes, policy),
      createdAt: at,
      dueAt: input.dueAt,
      evidenceCount: 0,
    };
    tx.create(ref, task);
    auditInTransaction(
      deps.db,
      tx,
      { actor, action: 'task.create', target: targets.task(id), outcome: 'ok', via: via(actor) },
      at,
    );
    return task;
  });
}

export async function getTask(deps: Pick<Deps, 'db'>, id: string): Promise<Task> {
  return getTaskDoc(deps.db, id);
}

export async function listTasks(
  deps: Pick<Deps, 'db'>,
  filter: { agentId?: string; status?: TaskStatus } = {},
): Promise<Task[]> {
  return queryTasks(deps.db, filter, 500);
}

/** Starts a task when every dependency is done; otherwise refuses naming the ones it waits on. */
export async function startTask(deps: Deps, input: { taskId: string; actor: Actor }): Promise<Task> {
  const at = deps.clock.now();
  return deps.db.runTransaction(async (tx) => {
    const ref = taskRef(deps.db, input.taskId);
    const task = (await tx.get(ref)).data();
    if (!task) throw notFound(`unknown task "${input.taskId}"`);
    const snaps = await Promise.all(task.dependsOn.map((d) => tx.get(taskRef(deps.db, d))));
    const statuses = Object.fromEntries(
      task.dependsOn.map((d, i) => [d, snaps[i]!.get('status') as TaskStatus | undefined]),
    );
    const verdict = startVerdict(task, statuses);
    if (!verdict.ok)
      throw policyViolation(`task ${task.id} cannot start: ${verdict.reason}`, {
        waitingOn: verdict.waitingOn,
      });
    const started = { ...task, status: 'in_progress' as const, startedAt: at, blocker: undefined };
    tx.set(ref, { ...started, blocker: null });
    recordEvent(deps.db, tx, {
      type: 'task.started',
      actor: input.actor,
      at,
      data: { taskId: task.id, agentId: task.agentId },
    });
    return started;
  });
}

/** Marks a task blocked, naming its blocker (a reason, and the blocking task when there is one). */
export async function blockTask(
  deps: Deps,
  input: { taskId: string; reason: string; blockerTaskId?: string; actor: Actor },
): Promise<Task> {
  if (!input.reason.trim()) throw invalidInput('a blocked task must name its blocker: reason is empty');
  const at = deps.clock.now();
  return deps.db.runTransaction(async (tx) => {
    const ref = taskRef(deps.db, input.taskId);
    const task = (await tx.get(ref)).data();
    if (!task) throw notFound(`unknown task "${input.taskId}"`);
    if (input.blockerTaskId && !(await tx.get(taskRef(deps.db, input.blockerTaskId))).exists)
      throw notFound(`unknown blocker task "${input.blockerTaskId}"`);
    if (FINISHED.includes(task.status)) throw conflict(`task ${task.id} is ${task.status}`);
    const blocker = {
      reason: input.reason.trim(),
      ...(input.blockerTaskId ? { taskId: input.blockerTaskId } : {}),
    };
    tx.update(ref, { status: 'blocked', blocker, blockedFrom: task.status });
    recordEvent(deps.db, tx, {
      type: 'task.blocked',
      actor: input.actor,
      at,
      data: { taskId: task.id, ...blocker },
    });
    auditInTransaction(
      deps.db,
      tx,
      {
        actor: input.actor,
        action: 'task.block',
        target: targets.task(task.id),
        outcome: 'ok',
        rationale: blocker.reason,
        via: via(input.actor),
      },
      at,
    );
    return { ...task, status: 'blocked', blocker };
  });
}

/** Clears a blocker; the task returns to where it was (todo or in progress). */
export async function unblockTask(deps: Deps, input: { taskId: string; actor: Actor }): Promise<Task> {
  const at = deps.clock.now();
  return deps.db.runTransaction(async (tx) => {
    const ref = taskRef(deps.db, input.taskId);
    const snap = await tx.get(ref);
    const task = snap.data();
    if (!task) throw notFound(`unknown task "${input.taskId}"`);
    if (task.status !== 'blocked') throw conflict(`task ${task.id} is not blocked (${task.status})`);
    const back = (snap.get('blockedFrom') as TaskStatus | undefined) ?? 'todo';
    tx.update(ref, { status: back, blocker: null, blockedFrom: null });
    recordEvent(deps.db, tx, { type: 'task.unblocked', actor: input.actor, at, data: { taskId: task.id } });
    return { ...task, status: back, blocker: undefined };
  });
}

/**
 * Completes a task with its solution, which becomes searchable in the KB at once. A task completed
 * with no evidence record is an alert to people, enqueued with the completion.
 */
export async function completeTask(
  deps: Deps & { bus: Bus; log: Logger },
  input: { taskId: string; solution: string; actor: Actor },
): Promise<Task> {
  if (!input.solution.trim()) throw invalidInput('solution: a completed task records its solution');
  const at = deps.clock.now();
  const done = await deps.db.runTransaction(async (tx) => {
    const ref = taskRef(deps.db, input.taskId);
    const task = (await tx.get(ref)).data();
    if (!task) throw notFound(`unknown task "${input.taskId}"`);
    if (task.status !== 'in_progress') throw conflict(`task ${task.id} is ${task.status}, not in progress`);
    const kb = await kbIndexReads(deps.db, tx, `task~${task.id}`);
    const done = { ...task, status: 'done' as const, completedAt: at, solution: input.solution.trim() };
    tx.update(ref, { status: 'done', completedAt: at, solution: done.solution, stale: null });
    indexKbDocumentInTransaction(deps.db, tx, kb, {
      source: 'task',
      refId: task.id,
      title: task.title,
      text: `${task.title}\n${task.description}\n${done.solution}`,
      at,
    });
    recordEvent(deps.db, tx, { type: 'task.completed', actor: input.actor, at, data: { taskId: task.id } });
    if (!task.evidenceCount) alertTaskWithoutEvidence(deps.db, tx, task, at);
    return done;
  });
  if (!done.evidenceCount) await kickSlackOutbox(deps);
  return done;
}
