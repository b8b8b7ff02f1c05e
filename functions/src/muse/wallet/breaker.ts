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
import { FieldValue } from '@google-cloud/firestore';
import type { Container } from '../../platform/container.js';
import { auditInTransaction, recordAudit } from '../../platform/audit.js';
import { addPauseHold, getPause, releasePauseHold } from '../../engine/pause.js';
import { recordEvent } from '../../engine/events.js';
import { startEscalationAfterCommit } from '../../incidents/escalation.js';
import { openIncidentInTransaction } from '../../incidents/open-incident.js';
import { decidedBy, readLiveIncidentTx, writeRecovery } from '../../incidents/recover.js';
import { enqueueDecided, enqueueSlack, kickSlackOutbox } from '../../notify/slack-outbox.js';
import { conflict, invalidInput } from '../../shared/errors.js';
import { systemActor, type Actor } from '../../shared/ports.js';
import { evaluateBreaker } from './core/breaker-policy.js';
import { fromMicros } from './core/money.js';
import { debitsSince } from './ledger-queries.js';
import { breakerPolicy, walletSettings, type WalletSettings } from './policy.js';
import { BREAKER_HOLDER, breakerRef, statusRef, walletRef } from './store.js';

type Via = 'api' | 'slack' | 'system' | 'cli';

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

const toDate = (v: unknown): Date | undefined =>
  v instanceof Date
    ? v
    : v && typeof v === 'object' && 'toDate' in v
      ? (v as { toDate(): Date }).toDate()
      : undefined;

function breakerFrom(data: FirebaseFirestore.DocumentData | undefined): BreakerState {
  const o = data?.override as { by: Actor; rationale: string; at: unknown } | undefined;
  return {
    tripped: data?.tripped === true,
    reason: data?.reason,
    trippedAt: toDate(data?.trippedAt),
    trippedBy: data?.trippedBy,
    trips: typeof data?.trips === 'number' ? data.trips : 0,
    panicArmed: data?.panicArmed !== false,
    override: o ? { by: o.by, rationale: o.rationale, at: toDate(o.at)! } : undefined,
    incidentId: typeof data?.incidentId === 'string' ? data.incidentId : undefined,
  };
}

/** The breaker's current state. */
export async function getBreaker(app: Pick<Container, 'db'>): Promise<BreakerState> {
  return breakerFrom((await breakerRef(app.db).get()).data());
}

const fmt = (micros: number) => fromMicros(micros).toFixed(2);

/**
 * Evaluates the policy against the wallet and trips when it says so. Call after every debit or
 * settle and on every tick. Also refreshes the burn rate shown in status.
 */
export async function checkBreaker(
  app: Container,
  settings: Partial<WalletSettings> = {},
): Promise<{ tripped: boolean; newlyTripped: boolean; reason?: string; burnRatePerHour: number }> {
  const policy = breakerPolicy(walletSettings(settings));
  const now = app.clock.now();
  const [headSnap, state] = await Promise.all([walletRef(app.db).get(), getBreaker(app)]);
  const windowStart = now.getTime() - policy.burnWindowMs;
  const since = new Date(Math.max(windowStart, state.override?.at.getTime() ?? 0));
  const burn = await debitsSince(app.db, since);
  const balance = (headSnap.get('balance') as number | undefined) ?? 0;
  const verdict = evaluateBreaker(policy, { balance, burnInWindow: burn, panicArmed: state.panicArmed }, fmt);
  const rate = fromMicros(verdict.burnRatePerHour);
  if (state.tripped) {
    await statusRef(app.db).set({ wallet: { burnRatePerHour: rate }, updatedAt: now }, { merge: true });
    return { tripped: true, newlyTripped: false, reason: state.reason, burnRatePerHour: rate };
  }
  if (verdict.trip) {
    const r = await tripBreaker(app, {
      reason: verdict.reason,
      actor: systemActor('cfo'),
      via: 'system',
      burnRatePerHour: rate,
    });
    return { tripped: true, newlyTripped: !r.already, reason: r.reason, burnRatePerHour: rate };
  }
  const batch = app.db.batch();
  if (verdict.rearm) batch.set(breakerRef(app.db), { panicArmed: true }, { merge: true });
  batch.set(statusRef(app.db), { wallet: { burnRatePerHour: rate }, updatedAt: now }, { merge: true });
  await batch.commit();
  return { tripped: false, newlyTripped: false, burnRatePerHour: rate };
}

/** Trips the breaker (policy or a person through the API). Tripping a tripped breaker changes nothing. */
export async function tripBreaker(
  app: Container,
  p: { reason: string; actor: Actor; via?: Via; burnRatePerHour?: number },
): Promise<{ already: boolean; reason: string; trippedAt: Date; incidentId?: string }> {
  const reason = typeof p.reason === 'string' ? p.reason.trim() : '';
  if (!reason) throw invalidInput('a breaker trip needs a reason');
  const { db } = app;
  const res = await db.runTransaction(async (tx) => {
    const state = breakerFrom((await tx.get(breakerRef(db))).data());
    if (state.tripped)
      return { already: true, reason: state.reason ?? '', trippedAt: state.trippedAt ?? app.clock.now() };
    const at = app.clock.now();
    const trips = state.trips + 1;
    // Reads before writes: the incident helper reads its dedupe key first.
    const incident = await openIncidentInTransaction(
      db,
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
    addPauseHold(db, tx, {
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
    recordEvent(db, tx, { type: 'muse.breaker.tripped', actor: p.actor, at, data: { reason, trip: trips } });
    enqueueSlack(
      db,
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
    auditInTransaction(
      db,
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
    tx.set(
      statusRef(db),
      {
        breaker: { tripped: true, reason, trippedAt: at },
        loop: { state: 'paused', reason: `CFO circuit breaker: ${reason}` },
        ...(p.burnRatePerHour !== undefined ? { wallet: { burnRatePerHour: p.burnRatePerHour } } : {}),
        updatedAt: at,
      },
      { merge: true },
    );
    return { already: false, reason, trippedAt: at, incidentId: incident.id };
  });
  if (res.already) return res;
  await kickSlackOutbox(app);
  await startEscalationAfterCommit(app, res.incidentId!);
  return res;
}

/**
 * Overrides a tripped breaker: records who and why, releases the breaker's pause hold (the engine
 * resumes parked steps when no other hold is left), audited and evented. Refused without an actor
 * or a rationale, and when the breaker is not tripped; refusals are audited too.
 */
export async function overrideBreaker(
  app: Container,
  p: { actor: Actor; rationale: string; via?: Via },
): Promise<{ loop: 'running' | 'paused'; override: { by: Actor; rationale: string; at: Date } }> {
  const rationale = typeof p.rationale === 'string' ? p.rationale.trim() : '';
  const via = p.via ?? 'api';
  const refuse = async (err: Error) => {
    if (p.actor?.id)
      await recordAudit(
        app.db,
        {
          actor: p.actor,
          action: 'breaker.override',
          target: 'wallet/breaker',
          outcome: 'refused',
          reason: err.message,
          via,
        },
        app.clock.now(),
      );
    return err;
  };
  if (!p.actor || typeof p.actor.id !== 'string' || !p.actor.id)
    throw invalidInput('a breaker override needs an actor');
  if (!rationale) throw await refuse(invalidInput('a breaker override needs a rationale'));
  const { db } = app;
  const override = await db.runTransaction(async (tx) => {
    const [bSnap, hSnap] = await tx.getAll(breakerRef(db), walletRef(db));
    const state = breakerFrom(bSnap!.data());
    if (!state.tripped) return null;
    const live = state.incidentId
      ? await readLiveIncidentTx(db, tx, { incidentId: state.incidentId })
      : undefined;
    const at = app.clock.now();
    const o = { by: p.actor, rationale, at };
    const balance = (hSnap!.get('balance') as number | undefined) ?? 0;
    const panicLine = breakerPolicy(walletSettings()).panicLine;
    // The person accepted the current balance: the panic line re-arms once the balance is above it.
    tx.set(
      breakerRef(db),
      { tripped: false, override: o, panicArmed: balance >= panicLine },
      { merge: true },
    );
    recordEvent(db, tx, {
      type: 'muse.breaker.overridden',
      actor: p.actor,
      at,
      data: { rationale, reason: state.reason ?? null },
    });
    auditInTransaction(
      db,
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
    tx.set(statusRef(db), { breaker: { tripped: false, override: o }, updatedAt: at }, { merge: true });
    enqueueDecided(
      db,
      tx,
      { type: 'breaker', id: String(state.trips) },
      { by: decidedBy(p.actor), what: 'override', why: rationale, at },
      'finance',
    );
    if (live)
      writeRecovery(
        db,
        tx,
        live,
        { cause: 'breaker', text: `breaker overridden by ${p.actor.name ?? p.actor.id}: ${rationale}` },
        at,
      );
    return o;
  });
  if (override) await kickSlackOutbox(app);
  if (!override) {
    // A retried override whose first attempt committed but did not release the hold finishes here.
    const last = (await getBreaker(app)).override;
    if (!last || !(await getPause(app)).holds[BREAKER_HOLDER])
      throw await refuse(conflict('the circuit breaker is not tripped'));
  }
  const pause = await releaseHoldIfHeld(app, p.actor, rationale, via);
  const loop = pause.paused ? 'paused' : 'running';
  const reason = pause.paused ? `paused by ${Object.keys(pause.holds).join(', ')}` : undefined;
  await statusRef(db).set(
    { loop: { state: loop, reason: reason ?? FieldValue.delete() }, updatedAt: app.clock.now() },
    { merge: true },
  );
  return { loop, override: override ?? (await getBreaker(app)).override! };
}

/** Releases the breaker's hold; a hold already gone (a retried override) is not an error. */
async function releaseHoldIfHeld(app: Container, actor: Actor, rationale: string, via: Via) {
  const cur = await getPause(app);
  if (!cur.holds[BREAKER_HOLDER]) return cur;
  return releasePauseHold(app, {
    holder: BREAKER_HOLDER,
    rationale,
    actor,
    via: via === 'cli' ? 'api' : via,
  });
}
