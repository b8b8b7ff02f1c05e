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
import type { Transaction } from '@google-cloud/firestore';
import { isAppError } from '../../shared/errors.js';
import { systemActor, type Actor } from '../../shared/ports.js';
import type { MuseDeps } from '../deps.js';
import type { StatusProduction } from '../status/core/productions.js';
import { readStatusInTx, recordProduction, recordSafeMode, type SafeModeMirror } from '../status/repo.js';
import {
  DEFAULT_REJECTION_LIMIT,
  applyVerdict,
  exitSafeModeState,
  type SafeModeState,
} from './core/safe-mode.js';
import type { Verdict } from './core/verdict.js';
import { readSafeMode, readSafeModeInTx, SAFE_MODE_PATH, writeSafeModeInTx } from './repo.js';

/** The dedupe key of the safe-mode incident: one live incident per episode. */
const SAFE_MODE_INCIDENT_KEY = 'muse-safemode';

/** The status mirror: what Slack and the stream show. */
function mirror(s: SafeModeState): SafeModeMirror {
  return {
    active: s.active,
    consecutiveRejections: s.consecutiveRejections,
    since: s.active ? (s.since ?? null) : null,
    exitedBy: s.exitedBy
      ? { actor: s.exitedBy, at: s.exitedAt ?? null, rationale: s.exitRationale ?? '' }
      : null,
  };
}

export async function getSafeMode(deps: Pick<MuseDeps, 'db'>): Promise<SafeModeState> {
  return readSafeMode(deps.db);
}

/**
 * Records a critic verdict: moves the counter, enters safe mode at the limit, and updates the
 * status document (safe mode, last verdict, the run's entry). Does all its reads first.
 */
export async function applyVerdictInTransaction(
  deps: Pick<MuseDeps, 'db' | 'incidents' | 'engine' | 'slack'>,
  tx: Transaction,
  p: {
    runId: string;
    intentId: string;
    verdict: Verdict;
    production: Omit<StatusProduction, 'updatedAt'>;
    limit?: number;
    at: Date;
  },
): Promise<{ state: SafeModeState; entered: boolean }> {
  const { db } = deps;
  const limit = p.limit ?? DEFAULT_REJECTION_LIMIT;
  const state = await readSafeModeInTx(db, tx);
  const status = await readStatusInTx(db, tx);
  const { next, entered } = applyVerdict(state, p.verdict.pass, limit, p.at);
  const actor = systemActor('critic');
  const summary = `Identity collapse: ${next.consecutiveRejections} consecutive critic rejections; the muse is in safe mode (template production only) until an operator exits it.`;
  // The incident helper reads before it writes, so it goes before any write of ours.
  if (entered)
    await deps.incidents.openInTx(
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
  writeSafeModeInTx(db, tx, next, p.at);
  recordProduction(db, tx, status, p.production, p.at, {
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
    deps.engine.eventInTx(tx, {
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
    deps.slack.enqueueInTx(
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
  deps: MuseDeps,
  p: { actor: Actor; rationale: string; via?: 'api' | 'slack' | 'cli' },
): Promise<SafeModeState> {
  const { db } = deps;
  const at = deps.clock.now();
  const via = p.via ?? 'api';
  try {
    const exited = await db.runTransaction(async (tx) => {
      const state = await readSafeModeInTx(db, tx);
      const live = await deps.incidents.liveInTx(tx, { dedupeKey: SAFE_MODE_INCIDENT_KEY });
      const next = exitSafeModeState(state, p.actor, p.rationale ?? '', at);
      writeSafeModeInTx(db, tx, next, at);
      recordSafeMode(db, tx, mirror(next), at);
      deps.engine.eventInTx(tx, {
        type: 'muse.safemode.exited',
        actor: p.actor,
        at,
        data: { rationale: next.exitRationale },
      });
      deps.slack.enqueueInTx(
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
      deps.audit.inTx(
        tx,
        {
          actor: p.actor,
          action: 'muse.safemode.exit',
          target: SAFE_MODE_PATH,
          outcome: 'ok',
          rationale: next.exitRationale,
          via,
        },
        at,
      );
      deps.slack.decidedInTx(
        tx,
        { type: 'safemode', id: 'muse' },
        {
          by: p.actor,
          what: 'exited',
          why: next.exitRationale,
          at,
        },
        'operators',
      );
      if (live)
        deps.incidents.recoverInTx(
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
    await deps.slack.kick();
    return exited;
  } catch (err) {
    if (isAppError(err))
      await deps.audit.record(
        {
          actor: p.actor,
          action: 'muse.safemode.exit',
          target: SAFE_MODE_PATH,
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
