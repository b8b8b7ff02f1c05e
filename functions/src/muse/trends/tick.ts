/**
 * The trend tick (SMOS v2 3A "Scan" and "Filter"): read every source, score topics by VVS, create
 * an Intent for each topic above the threshold that has no intent within the de-dupe window, and
 * record a summary. Idempotent per tick id: a redelivered tick returns the stored summary and
 * creates nothing; a tick that crashed half-way is finished by its retry without duplicates.
 * While the engine is paused (CFO breaker, operator) the tick refuses to scan and records a skip.
 */
import { performance } from 'node:perf_hooks';
import type { Container } from '../../platform/container.js';
import { controlRef, pauseFrom } from '../../engine/pause.js';
import { recordEvent } from '../../engine/events.js';
import { conflict, invalidInput } from '../../shared/errors.js';
import { checkBreaker } from '../wallet/breaker.js';
import { anchorToNow, scoreCandidates, selectIntents, type Candidate } from './core/candidates.js';
import { DEFAULT_VVS, type VvsParams } from './core/vvs.js';
import { FIXTURE_SOURCES, scanSources, type SourceDef } from './sources/sources.js';
import {
  existingIntents,
  intentId,
  readTopicShards,
  recentFromShards,
  TICKS,
  writeIntents,
  writeTopicShards,
  type IntentDoc,
} from './store.js';

export interface TrendSettings {
  /** An intent is created when VVS is strictly above this. */
  threshold: number;
  /** A topic that became an intent within this window is not turned into another. */
  dedupeWindowHours: number;
  /** A running tick's claim expires after this, so a crashed tick does not block the loop. */
  leaseMinutes: number;
  vvs: VvsParams;
}

export const DEFAULT_TREND_SETTINGS: Readonly<TrendSettings> = Object.freeze({
  threshold: 50,
  dedupeWindowHours: 24,
  leaseMinutes: 5,
  vvs: DEFAULT_VVS,
});

export interface TickSummary {
  tickId: string;
  status: 'done' | 'skipped' | 'running';
  /** True when this call found the tick already recorded and did nothing. */
  duplicate: boolean;
  reason?: string;
  sourcesOk: number;
  sourcesFailed: number;
  sources: Array<{ id: string; kind: string; ok: boolean; reason?: string; items: number }>;
  candidates: number;
  intents: number;
  intentIds: string[];
  deduped: number;
  top: Array<{ topic: string; normalizedTopic: string; vvs: number }>;
  durationMs: number;
}

const TICK_ID = /^[A-Za-z0-9_.:-]{1,100}$/;
const lockRef = (app: Pick<Container, 'db'>) => app.db.collection('muse').doc('trendScan');
const statusRef = (app: Pick<Container, 'db'>) => app.db.collection('muse').doc('status');
const ms = (v: unknown) =>
  v && typeof v === 'object' && 'toMillis' in v ? (v as { toMillis(): number }).toMillis() : 0;

/** Starts the tick; see the module comment. `sources` defaults to the bundled fixture feeds. */
export async function runTrendTick(
  app: Container,
  p: { tickId: string; sources?: readonly SourceDef[]; now?: Date; settings?: Partial<TrendSettings> },
): Promise<TickSummary> {
  if (!TICK_ID.test(p.tickId)) throw invalidInput('tickId must be 1-100 letters, digits or _ . : -');
  const settings = { ...DEFAULT_TREND_SETTINGS, ...p.settings };
  const started = performance.now();
  const now = p.now ?? app.clock.now();
  const tickRef = app.db.collection(TICKS).doc(p.tickId);
  await checkBreaker(app); // a tick is one of the moments the breaker looks at the wallet

  const claim = await app.db.runTransaction(async (tx) => {
    const [tickSnap, lockSnap, controlSnap] = await tx.getAll(tickRef, lockRef(app), controlRef(app.db));
    if (tickSnap!.exists && tickSnap!.get('status') !== 'running')
      return { kind: 'duplicate' as const, summary: tickSnap!.get('summary') as TickSummary };
    const lockedBy = lockSnap!.get('tickId') as string | undefined;
    const lockLive = lockedBy && ms(lockSnap!.get('leaseUntil')) > now.getTime();
    if (lockLive && lockedBy === p.tickId) return { kind: 'running' as const };
    if (lockLive) throw conflict(`trend tick ${lockedBy} is running; try again when it finishes`);
    const pause = pauseFrom(controlSnap!.data());
    if (pause.paused) {
      const reason = `paused by ${Object.entries(pause.holds)
        .map(([h, v]) => `${h} (${v.reason})`)
        .join(', ')}`;
      const summary = emptySummary(p.tickId, 'skipped', reason, performance.now() - started);
      tx.set(tickRef, { id: p.tickId, status: 'skipped', at: now, summary });
      tx.set(statusRef(app), { loop: { state: 'paused', reason }, updatedAt: now }, { merge: true });
      recordEvent(app.db, tx, {
        type: 'muse.tick.skipped',
        actor: { kind: 'system', id: 'trendscout' },
        at: now,
        data: { tickId: p.tickId, reason },
      });
      return { kind: 'skipped' as const, summary };
    }
    tx.set(lockRef(app), {
      tickId: p.tickId,
      leaseUntil: new Date(now.getTime() + settings.leaseMinutes * 60_000),
    });
    tx.set(tickRef, { id: p.tickId, status: 'running', at: now, startedAt: now }, { merge: true });
    return { kind: 'claimed' as const, retry: tickSnap!.exists };
  });
  if (claim.kind === 'duplicate') return { ...claim.summary, duplicate: true };
  if (claim.kind === 'skipped') return claim.summary;
  if (claim.kind === 'running')
    return { ...emptySummary(p.tickId, 'running', 'this tick is already running', 0), duplicate: true };

  const results = await scanSources(p.sources ?? FIXTURE_SOURCES);
  const nowMs = now.getTime();
  const fixtureItems = anchorToNow(
    results.filter((r) => r.fixture).flatMap((r) => r.items),
    nowMs,
  );
  const items = [...fixtureItems, ...results.filter((r) => !r.fixture).flatMap((r) => r.items)];
  const candidates = scoreCandidates(items, nowMs, settings.vvs);

  const shards = await readTopicShards(app.db);
  const windowMs = settings.dedupeWindowHours * 3_600_000;
  const own = (key: string) => intentId(p.tickId, key);
  const { selected, deduped } = selectIntents(candidates, recentFromShards(shards), {
    threshold: settings.threshold,
    dedupeWindowMs: windowMs,
    nowMs,
    ownIntentId: own,
  });
  const docs = selected.map((c) => intentDoc(c, p.tickId, now));
  const already = claim.retry
    ? await existingIntents(
        app.db,
        docs.map((d) => d.id),
      )
    : new Set<string>();
  // Independent writes, so they run together; a crash between them is finished by the retry
  // (the shards name this tick's own intent ids, and existing intents are not rewritten).
  await Promise.all([
    writeIntents(
      app.db,
      docs.filter((d) => !already.has(d.id)),
    ),
    writeTopicShards(
      app.db,
      shards,
      docs.map((d) => ({ key: d.normalizedTopic, intentId: d.id })),
      nowMs,
      windowMs,
    ),
  ]);

  const summary: TickSummary = {
    tickId: p.tickId,
    status: 'done',
    duplicate: false,
    sourcesOk: results.filter((r) => r.ok).length,
    sourcesFailed: results.filter((r) => !r.ok).length,
    sources: results.map((r) => ({
      id: r.id,
      kind: r.kind,
      ok: r.ok,
      ...(r.reason ? { reason: r.reason } : {}),
      items: r.items.length,
    })),
    candidates: candidates.length,
    intents: docs.length,
    intentIds: docs.slice(0, 100).map((d) => d.id),
    deduped: deduped.length,
    top: candidates.slice(0, 20).map((c) => ({ topic: c.topic, normalizedTopic: c.key, vvs: c.vvs })),
    durationMs: 0,
  };
  await finish(app, summary, docs, now, started);
  return summary;
}

function intentDoc(c: Candidate, tickId: string, now: Date): IntentDoc {
  return {
    id: intentId(tickId, c.key),
    topic: c.topic,
    normalizedTopic: c.key,
    vvs: c.vvs,
    status: 'new',
    createdAt: now,
    tickId,
    sources: c.sources,
    mentions: c.mentions,
    engagement: c.engagement,
  };
}

/** Stores the summary, frees the scan lock and updates the status document, in one transaction. */
async function finish(app: Container, summary: TickSummary, docs: IntentDoc[], now: Date, started: number) {
  await app.db.runTransaction(async (tx) => {
    const [statusSnap, lockSnap] = await tx.getAll(statusRef(app), lockRef(app));
    summary.durationMs = Math.round(performance.now() - started);
    const prev = (statusSnap!.get('intents') as Array<{ id: string }> | undefined) ?? [];
    const fresh = docs.slice(0, 10).map((d) => ({ id: d.id, topic: d.topic, vvs: d.vvs, status: d.status }));
    const intents = [...fresh, ...prev.filter((x) => !fresh.some((f) => f.id === x.id))].slice(0, 10);
    tx.set(app.db.collection(TICKS).doc(summary.tickId), {
      id: summary.tickId,
      status: 'done',
      at: now,
      finishedAt: now,
      summary,
    });
    if (lockSnap!.get('tickId') === summary.tickId) tx.delete(lockRef(app));
    const { tickId: id, sourcesOk, sourcesFailed, candidates, intents: count, durationMs } = summary;
    tx.set(
      statusRef(app),
      {
        lastTick: { id, at: now, sourcesOk, sourcesFailed, candidates, intents: count, durationMs },
        intents,
        // A tick only completes while nothing holds the pause switch: the loop is running.
        loop: { state: 'running' },
        updatedAt: now,
      },
      { merge: true },
    );
    recordEvent(app.db, tx, {
      type: 'muse.tick.completed',
      actor: { kind: 'system', id: 'trendscout' },
      at: now,
      data: {
        tickId: id,
        sourcesOk,
        sourcesFailed,
        candidates,
        intents: count,
        intentIds: summary.intentIds.slice(0, 20),
      },
    });
  });
}

function emptySummary(
  tickId: string,
  status: TickSummary['status'],
  reason: string,
  durationMs: number,
): TickSummary {
  return {
    tickId,
    status,
    duplicate: false,
    reason,
    sourcesOk: 0,
    sourcesFailed: 0,
    sources: [],
    candidates: 0,
    intents: 0,
    intentIds: [],
    deduped: 0,
    top: [],
    durationMs: Math.round(durationMs),
  };
}

/** A stored tick summary. */
export async function getTick(
  app: Pick<Container, 'db'>,
  tickId: string,
): Promise<{ id: string; status: string; summary?: TickSummary } | null> {
  const snap = await app.db.collection(TICKS).doc(tickId).get();
  if (!snap.exists) return null;
  return {
    id: snap.id,
    status: snap.get('status') as string,
    summary: snap.get('summary') as TickSummary | undefined,
  };
}
