/**
 * The trend tick (SMOS v2 3A "Scan" and "Filter"): read every enabled source named by the sources
 * settings, score topics by VVS, create an Intent for each topic above the threshold that has no
 * intent within the de-dupe window, and record a summary and each source's health. Idempotent per
 * tick id: a redelivered tick returns the stored summary and creates nothing; a tick that crashed
 * half-way is finished by its retry without duplicates. While the engine is paused (CFO breaker,
 * operator) the tick refuses to scan and records a skip. A tick whose enabled sources all failed,
 * or whose settings do not parse, is `failed` and opens an incident (tick-finish.ts).
 */
import { reviewWalletSettings } from '../wallet/settings-health.js';
import { performance } from 'node:perf_hooks';
import { conflict, invalidInput } from '../../shared/errors.js';
import type { MuseDeps } from '../deps.js';
import {
  existingIntents,
  intentId,
  readTopicShards,
  recentFromShards,
  writeIntents,
  writeTopicShards,
  type IntentDoc,
} from '../intents/repo.js';
import { recordTickSkipped } from '../status/repo.js';
import { scoreCandidates, selectIntents, type Candidate } from './core/candidates.js';
import { DEFAULT_TICK_SETTINGS, type TickSettings } from './core/settings.js';
import { scanSources, sourceDefOf, type SourceDef } from './sources/sources.js';
import { readTrendConfig } from './settings-store.js';
import { claimLockInTx, getTickDoc, readTickAndLockInTx, writeTickInTx } from './repo.js';
import { finishTick, TICK_INCIDENT, type TickFailure } from './tick-finish.js';
import { emptySummary, type TickSummary } from './tick-summary.js';

export type { TickSummary } from './tick-summary.js';

const TICK_ID = /^[A-Za-z0-9_.:-]{1,100}$/;

/** What to scan and with which settings: the stored settings, unless the caller names sources. */
async function plan(
  deps: Pick<MuseDeps, 'db'>,
  p: { sources?: readonly SourceDef[]; settings?: Partial<TickSettings> },
) {
  const config = await readTrendConfig(deps.db);
  const errors = [
    ...(!p.sources && !config.sources.ok ? [config.sources.error] : []),
    ...(!config.tick.ok ? [config.tick.error] : []),
  ];
  const settings: TickSettings = {
    ...(config.tick.ok ? config.tick.value : DEFAULT_TICK_SETTINGS),
    ...p.settings,
  };
  if (p.sources)
    return {
      settings,
      errors,
      defs: p.sources,
      configured: p.sources.map((d) => ({ id: d.id, kind: d.kind, enabled: true })),
    };
  const list = config.sources.ok ? config.sources.value : undefined;
  return {
    settings,
    errors,
    defs: (list ?? []).filter((s) => s.enabled).map(sourceDefOf),
    configured: list?.map((s) => ({ id: s.id, kind: s.kind, enabled: s.enabled })),
  };
}

/** Runs one tick; see the module comment. `sources` and `settings` override the stored ones (bench, tests). */
export async function runTrendTick(
  deps: MuseDeps,
  /** The breaker's look at the wallet, which a tick is one of the moments for. */
  checkBreaker: () => Promise<unknown>,
  p: { tickId: string; sources?: readonly SourceDef[]; now?: Date; settings?: Partial<TickSettings> },
): Promise<TickSummary> {
  if (!TICK_ID.test(p.tickId)) throw invalidInput('tickId must be 1-100 letters, digits or _ . : -');
  const { settings, errors, defs, configured } = await plan(deps, p);
  const started = performance.now();
  const now = p.now ?? deps.clock.now();
  const { db } = deps;
  // A tick is one of the moments the breaker looks at the wallet. Wallet settings that do not parse
  // stop the breaker, not the scan (intents spend nothing, and the CFO gate funds nothing
  // meanwhile): the finance incident is raised, and resolved by the first tick that reads them whole.
  if (await reviewWalletSettings(deps, `trend tick ${p.tickId}`)) await checkBreaker();

  const claim = await db.runTransaction(async (tx) => {
    const { tick, lock } = await readTickAndLockInTx(db, tx, p.tickId);
    const pause = await deps.engine.pauseInTx(tx);
    if (tick && tick.status !== 'running') return { kind: 'duplicate' as const, summary: tick.summary! };
    const lockedBy = lock?.tickId;
    const lockLive = lockedBy && (lock?.leaseUntil?.getTime() ?? 0) > now.getTime();
    if (lockLive && lockedBy === p.tickId) return { kind: 'running' as const };
    if (lockLive) throw conflict(`trend tick ${lockedBy} is running; try again when it finishes`);
    if (pause.paused) {
      const reason = `paused by ${Object.entries(pause.holds)
        .map(([h, v]) => `${h} (${v.reason})`)
        .join(', ')}`;
      const summary = emptySummary(p.tickId, 'skipped', reason, performance.now() - started);
      writeTickInTx(db, tx, { id: p.tickId, status: 'skipped', at: now, summary });
      recordTickSkipped(db, tx, reason, now);
      deps.engine.eventInTx(tx, {
        type: 'muse.tick.skipped',
        actor: { kind: 'system', id: 'trendscout' },
        at: now,
        data: { tickId: p.tickId, reason },
      });
      return { kind: 'skipped' as const, summary };
    }
    claimLockInTx(db, tx, {
      tickId: p.tickId,
      leaseUntil: new Date(now.getTime() + settings.leaseMinutes * 60_000),
    });
    writeTickInTx(db, tx, { id: p.tickId, status: 'running', at: now, startedAt: now }, { merge: true });
    return { kind: 'claimed' as const, retry: tick !== undefined };
  });
  if (claim.kind === 'duplicate') return { ...claim.summary, duplicate: true };
  if (claim.kind === 'skipped') return claim.summary;
  if (claim.kind === 'running')
    return { ...emptySummary(p.tickId, 'running', 'this tick is already running', 0), duplicate: true };

  /** Ends the tick as failed with nothing read (no intents), raising `failure`'s incident. */
  const failNothingRead = async (summary: TickSummary, failure: TickFailure) => {
    await finishTick(deps, { summary, docs: [], now, started, configured, failure });
    return summary;
  };

  if (errors.length) {
    const reason = `settings do not parse, nothing was scanned: ${errors.join(' | ')}`;
    return failNothingRead(emptySummary(p.tickId, 'failed', reason, 0), {
      dedupeKey: TICK_INCIDENT.settingsInvalid,
      summary: `Trend tick ${p.tickId}: ${reason}`,
    });
  }

  const results = await scanSources(defs);
  const sources = results.map((r) => ({
    id: r.id,
    kind: r.kind,
    ok: r.ok,
    ...(r.reason ? { reason: r.reason } : {}),
    items: r.items.length,
  }));
  if (results.length > 0 && results.every((r) => !r.ok)) {
    const why = results.map((r) => `${r.id}: ${r.reason}`).join('; ');
    const summary: TickSummary = {
      ...emptySummary(p.tickId, 'failed', `every enabled source failed (${why})`, 0),
      sourcesFailed: results.length,
      sources,
    };
    return failNothingRead(summary, {
      dedupeKey: TICK_INCIDENT.allSourcesFailed,
      summary: `Trend scan read nothing: every enabled source failed. ${why}`,
    });
  }
  const nowMs = now.getTime();
  const items = results.flatMap((r) => r.items);
  const candidates = scoreCandidates(items, nowMs, settings.vvs);

  const shards = await readTopicShards(db);
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
        db,
        docs.map((d) => d.id),
      )
    : new Set<string>();
  // Independent writes, so they run together; a crash between them is finished by the retry
  // (the shards name this tick's own intent ids, and existing intents are not rewritten).
  await Promise.all([
    writeIntents(
      db,
      docs.filter((d) => !already.has(d.id)),
    ),
    writeTopicShards(
      db,
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
    sources,
    candidates: candidates.length,
    intents: docs.length,
    intentIds: docs.slice(0, 100).map((d) => d.id),
    deduped: deduped.length,
    ...(results.length === 0 ? { reason: 'no enabled sources' } : {}),
    top: candidates.slice(0, 20).map((c) => ({ topic: c.topic, normalizedTopic: c.key, vvs: c.vvs })),
    durationMs: 0,
  };
  await finishTick(deps, { summary, docs, now, started, configured });
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

/** A stored tick summary. */
export async function getTick(
  deps: Pick<MuseDeps, 'db'>,
  tickId: string,
): Promise<{ id: string; status: string; summary?: TickSummary } | null> {
  const tick = await getTickDoc(deps.db, tickId);
  if (!tick) return null;
  return { id: tick.id, status: tick.status, ...(tick.summary ? { summary: tick.summary } : {}) };
}
