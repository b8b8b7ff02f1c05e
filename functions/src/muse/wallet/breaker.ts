/**
 * The CFO circuit breaker (SMOS v2 "financial panic"). Tripping, in one transaction: the breaker
 * state, a hold on the engine's pause switch (every autonomous workflow parks, trend scans refuse),
 * a global event, a Slack outbox entry for the finance channel, an audit record and the status
 * document, and a finance incident (sev2, linked to the trip by its ref `breaker/<trip>`). Only an
 * override by a person with a rationale releases it; the override resolves that incident in its own
 * transaction (recovery `system:breaker`) and marks the trip's Slack messages decided.
 *
 * Why sev2: a trip halts every autonomous loop and means money is leaving faster than the policy
 * allows, a major degradation a person must act on within the sev2 deadlines (15/30/60 min), but no
 * data is lost and nothing user-facing is down, which sev1 is kept for.
 */
import { conflict, invalidInput } from '../../shared/errors.js';
import { systemActor, type Actor } from '../../shared/ports.js';
import type { MuseDeps, Via } from '../deps.js';
import { loadWalletSettings } from './settings-health.js';
import { recordBreakerOverridden, recordBreakerTripped, recordBurnRate, recordLoop } from '../status/repo.js';
import { evaluateBreaker } from './core/breaker-policy.js';
import { fromMicros } from './core/money.js';
import { debitsSince } from './ledger-queries.js';
import { breakerPolicy } from './policy.js';
import { BREAKER_HOLDER, breakerRef, readBreaker, readHead, walletRef, type BreakerDoc } from './repo.js';

/** Stored breaker state. */
export interface BreakerState {
  tripped: boolean;
  reason?: string;
  trippedAt?: Date;
  trippedBy?: Actor;
  trips: number;
  /** False after an override accepted a balance under the panic line; re-armed once above it. */
  panicArmed: boolean;
  override?: { by: Actor; rationale: string; at: Date };
  /** The finance incident the current (or last) trip opened. */
  incidentId?: string;
}

function breakerFrom(data: BreakerDoc | undefined): BreakerState {
  return {
    tripped: data?.tripped === true,
    reason: data?.reason,
    trippedAt: data?.trippedAt,
    trippedBy: data?.trippedBy,
    trips: typeof data?.trips === 'number' ? data.trips : 0,
    panicArmed: data?.panicArmed !== false,
    override: data?.override,
    incidentId: typeof data?.incidentId === 'string' ? data.incidentId : undefined,
  };
}

/** The breaker's current state. */
export async function getBreaker(deps: Pick<MuseDeps, 'db'>): Promise<BreakerState> {
  return breakerFrom(await readBreaker(deps.db));
}

const fmt = (micros: number) => fromMicros(micros).toFixed(2);

/**
 * Evaluates the policy against the wallet and trips when it says so. Call after every debit or
 * settle and on every tick. Also refreshes the burn rate shown in status.
 */
export async function checkBreaker(
  deps: MuseDeps,
): Promise<{ tripped: boolean; newlyTripped: boolean; reason?: string; burnRatePerHour: number }> {
  const { db } = deps;
  const policy = breakerPolicy(await loadWalletSettings(deps));
  const now = deps.clock.now();
  const [head, state] = await Promise.all([readHead(db), getBreaker(deps)]);
  const windowStart = now.getTime() - policy.burnWindowMs;
  const since = new Date(Math.max(windowStart, state.override?.at.getTime() ?? 0));
  const burn = await debitsSince(db, since);
  const balance = head?.balance ?? 0;
  const verdict = evaluateBreaker(policy, { balance, burnInWindow: burn, panicArmed: state.panicArmed }, fmt);
  const rate = fromMicros(verdict.burnRatePerHour);
  if (state.tripped) {
    const batch = db.batch();
    recordBurnRate(db, batch, rate, now);
    await batch.commit();
    return { tripped: true, newlyTripped: false, reason: state.reason, burnRatePerHour: rate };
  }
  if (verdict.trip) {
    const r = await tripBreaker(deps, {
      reason: verdict.reason,
      actor: systemActor('cfo'),
      via: 'system',
      burnRatePerHour: rate,
    });
    return { tripped: true, newlyTripped: !r.already, reason: r.reason, burnRatePerHour: rate };
  }
  const batch = db.batch();
  if (verdict.rearm) batch.set(breakerRef(db), { panicArmed: true }, { merge: true });
  recordBurnRate(db, batch, rate, now);
  await batch.commit();
  return { tripped: false, newlyTripped: false, burnRatePerHour: rate };
}

/** Trips the breaker (policy or a person through the API). Tripping a tripped breaker changes nothing. */
export async function tripBreaker(
  deps: MuseDeps,
  p: { reason: string; actor: Actor; via?: Via; burnRatePerHour?: number },
): Promise<{ already: boolean; reason: string; trippedAt: Date; incidentId?: string }> {
  const reason = typeof p.reason === 'string' ? p.reason.trim() : '';
  if (!reason) throw invalidInput('a breaker trip needs a reason');
  const { db } = deps;
  const res = await db.runTransaction(async (tx) => {
    const state = breakerFrom((await tx.get(breakerRef(db))).data());
    if (state.tripped)
      return { already: true, reason: state.reason ?? '', trippedAt: state.trippedAt ?? deps.clock.now() };
    const at = deps.clock.now();
    const trips = state.trips + 1;
    // Reads before writes: the incident helper reads its dedupe key first.
    const incident = await deps.incidents.openInTx(
      tx,
      {
        severity: 'sev2',
        source: 'breaker',
        team: 'finance',
        // Bounded: a long reason must never make the trip itself fail on the incident's summary limit.
        summary: `CFO circuit breaker tripped: ${reason.slice(0, 1000)}. Every autonomous loop is paused until a finance override.`,
        ref: { type: 'breaker', id: String(trips) },
        dedupeKey: `breaker-trip-${trips}`,
        actor: p.actor,
      },
      at,
    );
    deps.engine.holdInTx(tx, {
      holder: BREAKER_HOLDER,
      reason: `CFO circuit breaker: ${reason}`,
      actor: p.actor,
      at,
    });
    tx.set(
      breakerRef(db),
      {
        tripped: true,
        reason,
        trippedAt: at,
        trippedBy: p.actor,
        trips,
        panicArmed: state.panicArmed,
        incidentId: incident.id,
      },
      { merge: true },
    );
    deps.engine.eventInTx(tx, {
      type: 'muse.breaker.tripped',
      actor: p.actor,
      at,
      data: { reason, trip: trips },
    });
    deps.slack.enqueueInTx(
      tx,
      `breaker-trip-${trips}`,
      {
        kind: 'breaker',
        channelKey: 'finance',
        text: `:rotating_light: CFO circuit breaker tripped: ${reason}. Every autonomous loop is paused until someone with the finance role runs \`/muse breaker override <rationale>\`.`,
        ref: { type: 'breaker', id: String(trips) },
        data: { reason, trippedAt: at.toISOString(), incidentId: incident.id },
      },
      at,
    );
    deps.audit.inTx(
      tx,
      {
        actor: p.actor,
        action: 'breaker.trip',
        target: 'wallet/breaker',
        outcome: 'ok',
        reason,
        via: p.via ?? 'api',
      },
      at,
    );
    recordBreakerTripped(db, tx, {
      reason,
      trippedAt: at,
      ...(p.burnRatePerHour !== undefined ? { burnRatePerHour: p.burnRatePerHour } : {}),
    });
    return { already: false, reason, trippedAt: at, incidentId: incident.id };
  });
  if (res.already) return res;
  await deps.slack.kick();
  await deps.incidents.escalateAfterCommit(res.incidentId!);
  return res;
}

/**
 * Overrides a tripped breaker: records who and why, releases the breaker's pause hold (the engine
 * resumes parked steps when no other hold is left), audited and evented. Refused without an actor
 * or a rationale, and when the breaker is not tripped; refusals are audited too.
 */
export async function overrideBreaker(
  deps: MuseDeps,
  p: { actor: Actor; rationale: string; via?: Via },
): Promise<{ loop: 'running' | 'paused'; override: { by: Actor; rationale: string; at: Date } }> {
  const rationale = typeof p.rationale === 'string' ? p.rationale.trim() : '';
  const via = p.via ?? 'api';
  const refuse = async (err: Error) => {
    if (p.actor?.id)
      await deps.audit.record(
        {
          actor: p.actor,
          action: 'breaker.override',
          target: 'wallet/breaker',
          outcome: 'refused',
          reason: err.message,
          via,
        },
        deps.clock.now(),
      );
    return err;
  };
  if (!p.actor || typeof p.actor.id !== 'string' || !p.actor.id)
    throw invalidInput('a breaker override needs an actor');
  if (!rationale) throw await refuse(invalidInput('a breaker override needs a rationale'));
  const { db } = deps;
  const panicLine = breakerPolicy(await loadWalletSettings(deps)).panicLine;
  const override = await db.runTransaction(async (tx) => {
    const [bSnap, hSnap] = await Promise.all([tx.get(breakerRef(db)), tx.get(walletRef(db))]);
    const state = breakerFrom(bSnap.data());
    if (!state.tripped) return null;
    const live = state.incidentId
      ? await deps.incidents.liveInTx(tx, { incidentId: state.incidentId })
      : undefined;
    const at = deps.clock.now();
    const o = { by: p.actor, rationale, at };
    const balance = hSnap.data()?.balance ?? 0;
    // The person accepted the current balance: the panic line re-arms once the balance is above it.
    tx.set(
      breakerRef(db),
      { tripped: false, override: o, panicArmed: balance >= panicLine },
      { merge: true },
    );
    deps.engine.eventInTx(tx, {
      type: 'muse.breaker.overridden',
      actor: p.actor,
      at,
      data: { rationale, reason: state.reason ?? null },
    });
    deps.audit.inTx(
      tx,
      {
        actor: p.actor,
        action: 'breaker.override',
        target: 'wallet/breaker',
        outcome: 'ok',
        rationale,
        via,
        details: { reason: state.reason ?? null },
      },
      at,
    );
    recordBreakerOverridden(db, tx, o);
    deps.slack.decidedInTx(
      tx,
      { type: 'breaker', id: String(state.trips) },
      { by: p.actor, what: 'override', why: rationale, at },
      'finance',
    );
    if (live)
      deps.incidents.recoverInTx(
        tx,
        live,
        { cause: 'breaker', text: `breaker overridden by ${p.actor.name ?? p.actor.id}: ${rationale}` },
        at,
      );
    return o;
  });
  if (override) await deps.slack.kick();
  if (!override) {
    // A retried override whose first attempt committed but did not release the hold finishes here.
    const last = (await getBreaker(deps)).override;
    if (!last || !(await deps.engine.pause()).holds[BREAKER_HOLDER])
      throw await refuse(conflict('the circuit breaker is not tripped'));
  }
  const pause = await releaseHoldIfHeld(deps, p.actor, rationale, via);
  const loop = pause.paused ? 'paused' : 'running';
  const reason = pause.paused ? `paused by ${Object.keys(pause.holds).join(', ')}` : undefined;
  await recordLoop(db, { state: loop, ...(reason ? { reason } : {}) }, deps.clock.now());
  return { loop, override: override ?? (await getBreaker(deps)).override! };
}

/** Releases the breaker's hold; a hold already gone (a retried override) is not an error. */
async function releaseHoldIfHeld(deps: MuseDeps, actor: Actor, rationale: string, via: Via) {
  const cur = await deps.engine.pause();
  if (!cur.holds[BREAKER_HOLDER]) return cur;
  return deps.engine.release({
    holder: BREAKER_HOLDER,
    rationale,
    actor,
    via: via === 'cli' ? 'api' : via,
  });
}
