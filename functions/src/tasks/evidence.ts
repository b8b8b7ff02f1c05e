/**
 * Evidence: agents submit JSONL batches for a task. Each line is validated on its own; good lines
 * are stored (id from the line's content, so a resubmitted batch stores nothing twice) and bad
 * ones come back with their line numbers. Old evidence is moved to an archive collection by a
 * scheduled job, never dropped.
 */
import type { Firestore } from '@google-cloud/firestore';
import { createHash } from 'node:crypto';
import { auditInTransaction } from '../platform/audit.js';
import { conflict, forbidden, invalidInput, notFound } from '../shared/errors.js';
import type { Actor, Clock } from '../shared/ports.js';
import { parseEvidenceJsonl, type EvidenceLineError } from './core/evidence.js';
import { archiveEvidenceBatch, evidenceOf, evidenceRef, targets, taskRef } from './repo.js';

const MAX_LINES = 500;

export async function submitEvidence(
  deps: { db: Firestore; clock: Clock },
  input: { taskId: string; agentId: string; jsonl: string; actor: Actor },
): Promise<{ accepted: number; duplicates: number; rejected: EvidenceLineError[] }> {
  if (input.jsonl.split(/\r?\n/).length > MAX_LINES)
    throw invalidInput(`evidence: at most ${MAX_LINES} lines per batch`);
  const parsed = parseEvidenceJsonl(input.jsonl, { taskId: input.taskId, agentId: input.agentId });
  const at = deps.clock.now();
  const { accepted, duplicates } = await deps.db.runTransaction(async (tx) => {
    const ref = taskRef(deps.db, input.taskId);
    const task = (await tx.get(ref)).data();
    if (!task) throw notFound(`unknown task "${input.taskId}"`);
    if (task.agentId !== input.agentId)
      throw forbidden(`task ${task.id} is assigned to ${task.agentId}, not ${input.agentId}`);
    if (task.status === 'cancelled') throw conflict(`task ${task.id} is cancelled`);
    const refs = parsed.good.map((g) =>
      evidenceRef(deps.db, `${task.id}~${createHash('sha256').update(g.raw).digest('hex').slice(0, 20)}`),
    );
    const existing = refs.length ? await tx.getAll(...refs) : [];
    let added = 0;
    const seen = new Set<string>();
    parsed.good.forEach((g, i) => {
      if (existing[i]!.exists || seen.has(refs[i]!.id)) return;
      seen.add(refs[i]!.id);
      tx.create(refs[i]!, { ...g.record, at: new Date(g.record.at), receivedAt: at, line: g.line });
      added++;
    });
    if (added) tx.update(ref, { evidenceCount: (task.evidenceCount ?? 0) + added });
    if (parsed.bad.length)
      auditInTransaction(
        deps.db,
        tx,
        {
          actor: input.actor,
          action: 'evidence.submit',
          target: targets.task(task.id),
          outcome: 'refused',
          reason: `invalid_input: ${parsed.bad.length} line(s) refused: ${parsed.bad.map((b) => b.line).join(', ')}`,
          via: 'api',
          details: { rejected: parsed.bad.slice(0, 50) },
        },
        at,
      );
    return { accepted: added, duplicates: parsed.good.length - added };
  });
  return { accepted, duplicates, rejected: parsed.bad };
}

export async function listEvidence(deps: { db: Firestore }, taskId: string) {
  return evidenceOf(deps.db, taskId, 1000);
}

/**
 * Moves evidence received before the retention window to `evidenceArchive` (same id, plus
 * archivedAt), copy and delete in one transaction per batch. Idempotent: a re-fired job finds
 * nothing left to move.
 */
export async function archiveEvidence(
  deps: { db: Firestore },
  opts: { firedAt: Date; retentionDays?: number },
): Promise<{ archived: number; before: Date }> {
  const before = new Date(opts.firedAt.getTime() - (opts.retentionDays ?? 30) * 86_400_000);
  let archived = 0;
  for (;;) {
    const moved = await archiveEvidenceBatch(deps.db, before, opts.firedAt, 200);
    if (!moved) break;
    archived += moved;
  }
  return { archived, before };
}
