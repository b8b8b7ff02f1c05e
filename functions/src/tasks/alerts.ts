/**
 * The Growth Engine's alerts to people: a task completed with no evidence, a failing CI guard
 * result, a banned import found by a scan. Each is an `alert` entry in the Slack outbox, written in
 * the same transaction as the change it reports (when there is one) with an id that makes a retried
 * request post nothing twice; the use case kicks the outbox after its commit. The entries go to the
 * `alerts` channel key of `config/slack` (the `default` channel when `alerts` is not set).
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { createHash } from 'node:crypto';
import { enqueueSlack, outboxEntryExists } from '../notify/slack-outbox.js';
import type { Violation } from './core/guard-rules.js';
import type { Task } from './core/task.js';

export const ALERTS_CHANNEL_KEY = 'alerts';
const MAX_LISTED = 10;

/** A task was completed without a single evidence record (the manual requires evidence per task). */
export function alertTaskWithoutEvidence(db: Firestore, tx: Transaction, task: Task, at: Date): void {
  enqueueSlack(
    db,
    tx,
    `alert~task-no-evidence~${task.id}`,
    {
      kind: 'alert',
      channelKey: ALERTS_CHANNEL_KEY,
      text: `:warning: Task ${task.id} "${task.title}" (agent ${task.agentId}) was completed with no evidence recorded.`,
      ref: { type: 'task', id: task.id },
      data: { alert: 'task-no-evidence', taskId: task.id, agentId: task.agentId },
    },
    at,
  );
}

/** A CI guard reported `fail` or `error`. One alert per reported result. */
export function alertGuardFailure(
  db: Firestore,
  tx: Transaction,
  resultId: string,
  r: { guard: string; status: string; details: string; commit?: string; ref?: string },
  at: Date,
): void {
  const where = [r.ref, r.commit].filter(Boolean).join(' @ ');
  const details = r.details.trim() ? `: ${r.details.trim().slice(0, 500)}` : '';
  enqueueSlack(
    db,
    tx,
    `alert~guard~${resultId}`,
    {
      kind: 'alert',
      channelKey: ALERTS_CHANNEL_KEY,
      text: `:rotating_light: CI guard ${r.guard} reported ${r.status}${where ? ` (${where})` : ''}${details}`,
      ref: { type: 'guardResult', id: resultId },
      data: {
        alert: 'guard-failure',
        guard: r.guard,
        status: r.status,
        ...(r.commit ? { commit: r.commit } : {}),
      },
    },
    at,
  );
}

/** The same findings always give the same id, so a re-run scan alerts once. */
export function scanAlertId(violations: readonly Violation[]): string {
  const key = violations
    .map((v) => `${v.file}:${v.line}:${v.rule}:${v.module}`)
    .sort()
    .join('\n');
  return `alert~scan~${createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

/**
 * Banned imports found by a scan. A scan changes nothing else, so the alert commits on its own;
 * an entry already written for the same findings is left as it is (not posted again).
 */
export async function alertBannedImports(
  db: Firestore,
  violations: readonly Violation[],
  actor: { id: string; name?: string },
  at: Date,
): Promise<{ id: string; created: boolean }> {
  const id = scanAlertId(violations);
  const listed = violations.slice(0, MAX_LISTED).map((v) => `${v.file}:${v.line} ${v.rule} (${v.module})`);
  const more = violations.length > MAX_LISTED ? `\n…and ${violations.length - MAX_LISTED} more` : '';
  const created = await db.runTransaction(async (tx) => {
    if (await outboxEntryExists(db, tx, id)) return false;
    enqueueSlack(
      db,
      tx,
      id,
      {
        kind: 'alert',
        channelKey: ALERTS_CHANNEL_KEY,
        text: `:no_entry: Banned-import scan by ${actor.name ?? actor.id} found ${violations.length} violation(s):\n${listed.join('\n')}${more}`,
        ref: { type: 'guardScan', id: id.slice('alert~scan~'.length) },
        data: { alert: 'banned-imports', violations: violations.length },
      },
      at,
    );
    return true;
  });
  return { id, created };
}
