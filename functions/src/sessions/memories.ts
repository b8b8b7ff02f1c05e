/**
 * L0 memories: capture successes and surprises, and count reuse per session. A reuse is one
 * document per (memory, session), created in the same transaction as the count, so reporting the
 * same reuse twice in a session (or concurrently) counts once.
 */
import type { Firestore } from '@google-cloud/firestore';
import { conflict } from '../shared/errors.js';
import type { Actor, Clock } from '../shared/ports.js';
import { isCandidate, tokensSaved, type Memory, type Reuse } from './core/memory.js';
import { getMemoryDoc, getSessionDoc, memoryRef, readMemories, reuseRef } from './repo.js';
import { newId } from './store.js';

type Deps = { db: Firestore; clock: Clock };

export interface CaptureInput {
  kind: Memory['kind'];
  title: string;
  text: string;
  tags?: string[];
  sessionId?: string;
  baselineTokens?: number;
  captureTokens?: number;
  actor: Actor;
}

/** Captures an L0 memory (optionally in a session, which must exist and be open). */
export async function captureMemory(deps: Deps, input: CaptureInput): Promise<Memory> {
  const { db, clock } = deps;
  return db.runTransaction(async (tx) => {
    if (input.sessionId) {
      const s = await getSessionDoc(db, input.sessionId, tx);
      if (s.status !== 'open') throw conflict(`session ${s.id} is closed`);
    }
    const memory: Memory = {
      id: newId('mem'),
      kind: input.kind,
      title: input.title,
      text: input.text,
      tags: input.tags ?? [],
      status: 'active',
      sessionId: input.sessionId ?? null,
      baselineTokens: input.baselineTokens ?? 0,
      captureTokens: input.captureTokens ?? 0,
      reuseCount: 0,
      promotedRuleId: null,
      createdAt: clock.now(),
      actor: input.actor,
    };
    tx.create(memoryRef(db, memory.id), memory);
    return memory;
  });
}

/**
 * Records that a memory was reused in a session. Returns `counted: false` when this session had
 * already reused it. `candidate` says whether the memory now qualifies for promotion.
 */
export async function reportReuse(
  deps: Deps,
  input: { memoryId: string; sessionId: string; tokensUsed?: number; actor: Actor },
): Promise<{ counted: boolean; reuseCount: number; tokensSaved: number; candidate: boolean }> {
  const { db, clock } = deps;
  return db.runTransaction(async (tx) => {
    const memory = await getMemoryDoc(db, input.memoryId, tx);
    const session = await getSessionDoc(db, input.sessionId, tx);
    const ref = reuseRef(db, memory.id, session.id);
    const seen = await tx.get(ref);
    const candidate = (n: number) => isCandidate({ ...memory, reuseCount: n });
    if (seen.exists) {
      return {
        counted: false,
        reuseCount: memory.reuseCount,
        tokensSaved: 0,
        candidate: candidate(memory.reuseCount),
      };
    }
    if (session.status !== 'open') throw conflict(`session ${session.id} is closed`);
    const used = input.tokensUsed ?? 0;
    const reuse: Reuse & { actor: Actor } = {
      memoryId: memory.id,
      sessionId: session.id,
      tokensUsed: used,
      tokensSaved: tokensSaved(memory.baselineTokens, used),
      at: clock.now(),
      actor: input.actor,
    };
    const reuseCount = memory.reuseCount + 1;
    tx.create(ref, reuse);
    tx.update(memoryRef(db, memory.id), { reuseCount });
    return { counted: true, reuseCount, tokensSaved: reuse.tokensSaved, candidate: candidate(reuseCount) };
  });
}

/** Memories, most reused first; `status` filters active or promoted ones. */
export async function listMemories(deps: { db: Firestore }, status?: Memory['status']): Promise<Memory[]> {
  const all = await readMemories(deps.db);
  return all
    .filter((m) => !status || m.status === status)
    .sort((a, b) => b.reuseCount - a.reuseCount || b.createdAt.getTime() - a.createdAt.getTime());
}

export const getMemory = (deps: { db: Firestore }, id: string) => getMemoryDoc(deps.db, id);
