/**
 * Safe mode, durable: the counter of consecutive rejections and the mode live in `muse/safemode`
 * (the source of truth) and are mirrored into `muse/status` in the same transaction. Entering
 * writes, atomically with the verdict that caused it: the mode, a global event, a Slack outbox entry
 * for the operators, and an incident (source `safemode`, deduplicated while open). Exiting needs an
 * operator and a rationale, and is audited either way.
 *
 * Exiting resolves the safe-mode incident in the same transaction (recovery `system:safemode`) and
 * marks the safe-mode Slack messages decided. Resolve, not acknowledge: the exit is itself the
 * person's review (an operator, with a rationale, audited), and resolving still leaves the
 * post-incident review of the identity collapse open for a person to record.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { recordEvent } from '../../engine/events.js';
import { openIncidentInTransaction } from '../../incidents/open-incident.js';
import { decidedBy, readLiveIncidentTx, writeRecovery } from '../../incidents/recover.js';
import { enqueueDecided, enqueueSlack, kickSlackOutbox } from '../../notify/slack-outbox.js';
import { auditInTransaction, recordAudit } from '../../platform/audit.js';
import type { Container } from '../../platform/container.js';
import { isAppError } from '../../shared/errors.js';
import { systemActor, type Actor } from '../../shared/ports.js';
import type { StatusRun } from '../status/core/runs.js';
import { MUSE, fromFirestore, readStatusRuns, writeRunStatus, writeStatus } from '../status/status.js';
import {
  DEFAULT_REJECTION_LIMIT,
  INITIAL_SAFE_MODE,
  applyVerdict,
  exitSafeModeState,
  type SafeModeState,
} from './core/safe-mode.js';
import type { Verdict } from './core/verdict.js';

export const SAFE_MODE_DOC = 'safemode';
/** The dedupe key of the safe-mode incident: one live incident per episode. */
const SAFE_MODE_INCIDENT_KEY = 'muse-safemode';
const safeModeRef = (db: Firestore) => db.collection(MUSE).doc(SAFE_MODE_DOC);

function stateFrom(data: unknown): SafeModeState {
  const d = fromFirestore(data ?? {}) as Partial<SafeModeState>;
  return {
    ...INITIAL_SAFE_MODE,
    ...d,
    active: d.active === true,
    consecutiveRejections: typeof d.consecutiveRejections === 'number' ? d.consecutiveRejections : 0,
  };
}

/** The status mirror: what Slack and the stream show. */
function mirror(s: SafeModeState) {
  return {
    active: s.active,
    consecutiveRejections: s.consecutiveRejections,
    since: s.active ? (s.since ?? null) : null,
    exitedBy: s.exitedBy
      ? { actor: s.exitedBy, at: s.exitedAt ?? null, rationale: s.exitRationale ?? '' }
      : null,
  };
}

export async function getSafeMode(app: Pick<Container, 'db'>): Promise<SafeModeState> {
  return stateFrom((await safeModeRef(app.db).get()).data());
}

/**
 * Records a critic verdict: moves the counter, enters safe mode at the limit, and updates the
 * status document (safe mode, last verdict, the run's entry). Does all its reads first.
 */
export async function applyVerdictInTransaction(
  db: Firestore,
  tx: Transaction,
  p: {
    runId: string;
    intentId: string;
    verdict: Verdict;
    run: Omit<StatusRun, 'updatedAt'>;
    limit?: number;
    at: Date;
  },
): Promise<{ state: SafeModeState; entered: boolean }> {
  const limit = p.limit ?? DEFAULT_REJECTION_LIMIT;
  const state = stateFrom((await tx.get(safeModeRef(db))).data());
  const runs = await readStatusRuns(db, tx);
  const { next, entered } = applyVerdict(state, p.verdict.pass, limit, p.at);
  const actor = systemActor('critic');
  const summary = `Identity collapse: ${next.consecutiveRejections} consecutive critic rejections; the muse is in safe mode (template production only) until an operator exits it.`;
  // The incident helper reads before it writes, so it goes before any write of ours.
  if (entered)
    await openIncidentInTransaction(
      db,
      tx,
      {
        severity: 'sev2',
        source: 'safemode',
        summary,
        ref: { type: 'run', id: p.runId },
        dedupeKey: SAFE_MODE_INCIDENT_KEY,
        actor,
      },
      p.at,
    );
  tx.set(safeModeRef(db), { ...next, updatedAt: p.at });
  writeRunStatus(db, tx, runs, p.run, p.at, {
    safeMode: mirror(next),
    lastVerdict: {
      runId: p.runId,
      drift: p.verdict.drift,
      pass: p.verdict.pass,
      notes: p.verdict.notes,
      at: p.at,
    },
  });
  if (entered) {
    recordEvent(db, tx, {
      type: 'muse.safemode.entered',
      actor,
      at: p.at,
      data: {
        runId: p.runId,
        intentId: p.intentId,
        consecutiveRejections: next.consecutiveRejections,
        limit,
      },
    });
    enqueueSlack(
      db,
      tx,
      `safemode-enter-${p.at.toISOString()}`,
      {
        kind: 'safemode',
        channelKey: 'operators',
        text: `${summary} Exit with /muse safemode exit <rationale>.`,
        ref: { type: 'safemode', id: 'muse' },
        data: { entered: true, runId: p.runId, lastNotes: p.verdict.notes },
      },
      p.at,
    );
  }
  return { state: next, entered };
}

/** An operator leaves safe mode with a rationale; free generation resumes for new runs. */
export async function exitSafeMode(
  app: Pick<Container, 'db' | 'clock' | 'bus' | 'log'>,
  p: { actor: Actor; rationale: string; via?: 'api' | 'slack' | 'cli' },
): Promise<SafeModeState> {
  const { db } = app;
  const at = app.clock.now();
  const via = p.via ?? 'api';
  try {
    const exited = await db.runTransaction(async (tx) => {
      const state = stateFrom((await tx.get(safeModeRef(db))).data());
      const live = await readLiveIncidentTx(db, tx, { dedupeKey: SAFE_MODE_INCIDENT_KEY });
      const next = exitSafeModeState(state, p.actor, p.rationale ?? '', at);
      tx.set(safeModeRef(db), { ...next, updatedAt: at });
      writeStatus(db, tx, { safeMode: mirror(next) }, at);
      recordEvent(db, tx, {
        type: 'muse.safemode.exited',
        actor: p.actor,
        at,
        data: { rationale: next.exitRationale },
      });
      enqueueSlack(
        db,
        tx,
        `safemode-exit-${at.toISOString()}`,
        {
          kind: 'safemode',
          channelKey: 'operators',
          text: `Safe mode exited by ${p.actor.name ?? p.actor.id}: ${next.exitRationale}. Free generation resumes.`,
          ref: { type: 'safemode', id: 'muse' },
          data: { entered: false, rationale: next.exitRationale },
        },
        at,
      );
      auditInTransaction(
        db,
        tx,
        {
          actor: p.actor,
          action: 'muse.safemode.exit',
          target: `${MUSE}/${SAFE_MODE_DOC}`,
          outcome: 'ok',
          rationale: next.exitRationale,
          via,
        },
        at,
      );
      enqueueDecided(
        db,
        tx,
        { type: 'safemode', id: 'muse' },
        {
          by: decidedBy(p.actor),
          what: 'exited',
          why: next.exitRationale,
          at,
        },
        'operators',
      );
      if (live)
        writeRecovery(
          db,
          tx,
          live,
          {
            cause: 'safemode',
            text: `safe mode exited by ${p.actor.name ?? p.actor.id}: ${next.exitRationale}`,
          },
          at,
        );
      return next;
    });
    await kickSlackOutbox(app);
    return exited;
  } catch (err) {
    if (isAppError(err))
      await recordAudit(
        db,
        {
          actor: p.actor,
          action: 'muse.safemode.exit',
          target: `${MUSE}/${SAFE_MODE_DOC}`,
          outcome: 'refused',
          reason: `${err.code}: ${err.message}`,
          ...(p.rationale?.trim() ? { rationale: p.rationale.trim() } : {}),
          via,
        },
        at,
      );
    throw err;
  }
}
