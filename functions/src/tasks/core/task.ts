/**
 * Agent tasks: shape and dependency gating. A task starts only when every dependency is done; a
 * blocked task names its blocker. Pure.
 */
import { z } from 'zod';
import { id } from '../../shared/validation.js';

export const TASK_STATUSES = ['todo', 'in_progress', 'blocked', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const FINISHED: readonly TaskStatus[] = ['done', 'cancelled'];

export const newTaskSchema = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/, 'letters, digits, _ . - (up to 100)')
    .optional(),
  title: z.string().trim().min(1).max(300),
  description: z.string().max(10_000).default(''),
  agentId: id(),
  dependsOn: z.array(id()).max(50).default([]),
  estimateMinutes: z
    .number()
    .int()
    .positive()
    .max(60 * 24 * 30),
  dueAt: z.coerce.date().optional(),
});
export type NewTask = z.infer<typeof newTaskSchema>;

export interface Task {
  id: string;
  title: string;
  description: string;
  agentId: string;
  dependsOn: string[];
  estimateMinutes: number;
  status: TaskStatus;
  /** What blocks it, when status is blocked; `null` once unblocked (stored so). */
  blocker?: { reason: string; taskId?: string } | null;
  /** Must beat: set when the estimate is above the must-beat threshold (2 h by default). */
  mustBeat: boolean;
  createdAt: Date;
  dueAt?: Date;
  startedAt?: Date;
  completedAt?: Date;
  lastBeatAt?: Date;
  /** Set by the sweep when no beat came within the stale window; cleared by the next beat. */
  stale?: { since: Date; flaggedAt: Date; incidentId?: string };
  solution?: string;
  evidenceCount: number;
}

export type StartVerdict = { ok: true } | { ok: false; reason: string; waitingOn: string[] };

/** Whether a task may start, given its dependencies' statuses (undefined = unknown task). */
export function startVerdict(
  task: Pick<Task, 'id' | 'status' | 'dependsOn'>,
  deps: Record<string, TaskStatus | undefined>,
): StartVerdict {
  if (task.status === 'in_progress')
    return { ok: false, reason: 'the task is already in progress', waitingOn: [] };
  if (task.status === 'blocked')
    return { ok: false, reason: 'the task is blocked; unblock it first', waitingOn: [] };
  if (FINISHED.includes(task.status))
    return { ok: false, reason: `the task is ${task.status}`, waitingOn: [] };
  const unknown = task.dependsOn.filter((d) => deps[d] === undefined);
  if (unknown.length)
    return { ok: false, reason: `unknown dependencies: ${unknown.join(', ')}`, waitingOn: unknown };
  const waiting = task.dependsOn.filter((d) => deps[d] !== 'done');
  if (waiting.length)
    return {
      ok: false,
      reason: `dependencies not done: ${waiting.map((d) => `${d} (${deps[d]})`).join(', ')}`,
      waitingOn: waiting,
    };
  return { ok: true };
}

/** Completion on time: done, and by its due date (or within its estimate from the start). */
export function completedOnTime(
  t: Pick<Task, 'completedAt' | 'dueAt' | 'startedAt' | 'estimateMinutes'>,
): boolean {
  if (!t.completedAt) return false;
  const due =
    t.dueAt ?? (t.startedAt ? new Date(t.startedAt.getTime() + t.estimateMinutes * 60_000) : undefined);
  return !due || t.completedAt.getTime() <= due.getTime();
}
