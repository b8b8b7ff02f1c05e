/**
 * The global pause switch. Holders (the CFO circuit breaker, an operator) each add a hold; the engine
 * is paused while any hold exists. Steps of autonomous workflows that arrive while paused are parked
 * and resumed in parking order when the last hold is released.
 */
import { FieldValue, type Firestore, type Transaction } from '@google-cloud/firestore';
import { auditInTransaction } from '../platform/audit.js';
import { conflict, invalidInput } from '../shared/errors.js';
import type { Actor } from '../shared/ports.js';
import { unpark } from './core/run-state.js';
import { commitTransition } from './commit.js';
import { recordEvent } from './events.js';
import { flushOutbox } from './outbox.js';
import { controlRef, parkedSteps, workflowRunRef, type EngineControl } from './store.js';
import type { EngineDeps, EnginePorts } from './deps.js';

export interface PauseHold {
  reason: string;
  actor: Actor;
  at: Date;
}

export interface PauseState {
  paused: boolean;
  holds: Record<string, PauseHold>;
}

export { controlRef };

export function pauseFrom(data: EngineControl | undefined): PauseState {
  const holds = data?.holds ?? {};
  return { paused: Object.keys(holds).length > 0, holds };
}

export async function getPause(deps: Pick<EngineDeps, 'db'>): Promise<PauseState> {
  return pauseFrom((await controlRef(deps.db).get()).data());
}

/** Adds a hold inside the caller's transaction (no reads: call it after your reads). */
export function addPauseHold(
  db: Firestore,
  tx: Transaction,
  h: { holder: string; reason: string; actor: Actor; at: Date },
) {
  tx.set(
    controlRef(db),
    { holds: { [h.holder]: { reason: h.reason, actor: h.actor, at: h.at } } },
    { merge: true },
  );
  recordEvent(db, tx, {
    type: 'engine.paused',
    actor: h.actor,
    at: h.at,
    data: { holder: h.holder, reason: h.reason },
  });
}

export async function pauseEngine(
  deps: EnginePorts,
  h: { holder: string; reason: string; actor: Actor },
): Promise<PauseState> {
  if (!h.reason.trim()) throw invalidInput('a pause needs a reason');
  const at = deps.clock.now();
  await deps.db.runTransaction(async (tx) => {
    addPauseHold(deps.db, tx, { ...h, at });
    auditInTransaction(
      deps.db,
      tx,
      {
        actor: h.actor,
        action: 'engine.pause',
        target: 'control/engine',
        outcome: 'ok',
        rationale: h.reason,
        via: 'api',
      },
      at,
    );
  });
  return getPause(deps);
}

/** Releases a hold; when none is left, resumes every parked step. Refused without a rationale. */
export async function releasePauseHold(
  deps: EnginePorts,
  r: { holder: string; rationale: string; actor: Actor; via?: 'api' | 'slack' | 'system' },
): Promise<PauseState> {
  if (!r.rationale.trim()) throw invalidInput('releasing the pause needs a rationale');
  const at = deps.clock.now();
  const state = await deps.db.runTransaction(async (tx) => {
    const cur = pauseFrom((await tx.get(controlRef(deps.db))).data());
    if (!cur.holds[r.holder])
      throw conflict(`there is no pause hold named "${r.holder}"`, { holds: Object.keys(cur.holds) });
    tx.update(controlRef(deps.db), { [`holds.${r.holder}`]: FieldValue.delete() });
    const { [r.holder]: _released, ...rest } = cur.holds;
    const next = { paused: Object.keys(rest).length > 0, holds: rest };
    recordEvent(deps.db, tx, {
      type: next.paused ? 'engine.hold_released' : 'engine.resumed',
      actor: r.actor,
      at,
      data: { holder: r.holder, rationale: r.rationale },
    });
    auditInTransaction(
      deps.db,
      tx,
      {
        actor: r.actor,
        action: 'engine.release',
        target: `control/engine#${r.holder}`,
        outcome: 'ok',
        rationale: r.rationale,
        via: r.via ?? 'api',
      },
      at,
    );
    return next;
  });
  if (!state.paused) await resumeParked(deps);
  return state;
}

/** Re-queues parked steps in the order they were parked. Also run by the sweep, so none is stranded. */
export async function resumeParked(deps: EnginePorts, limit = 500): Promise<number> {
  if ((await getPause(deps)).paused) return 0;
  const snap = await parkedSteps(deps.db).orderBy('parkedAt').limit(limit).get();
  let resumed = 0;
  for (const doc of snap.docs) {
    const { runId, stepId, parkedAt } = doc.data();
    const entries = await deps.db.runTransaction(async (tx) => {
      const runSnap = await tx.get(workflowRunRef(deps.db, runId));
      const pause = pauseFrom((await tx.get(controlRef(deps.db))).data());
      if (pause.paused) return null;
      tx.delete(doc.ref);
      const run = runSnap.data();
      if (!run) return [];
      const steps = structuredClone(run.steps);
      const d = unpark(steps, stepId);
      if (!d) return [];
      const now = deps.clock.now();
      return commitTransition(
        deps.db,
        tx,
        run,
        {
          steps,
          failing: run.failing,
          status: run.status,
          events: [{ type: 'step.resumed', data: { stepId, parkedAt: parkedAt.toISOString() } }],
          dispatch: [d],
        },
        { actor: { kind: 'system', id: 'engine' }, now },
      );
    });
    if (entries === null) break; // paused again meanwhile
    await flushOutbox(deps, entries);
    resumed += entries.length;
  }
  return resumed;
}
