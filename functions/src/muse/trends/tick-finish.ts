/**
 * The end of a trend tick, in one transaction: the stored summary, the scan lock freed, each
 * source's health and the status document, a global event and, for a tick that could not scan
 * (every enabled source failed, or the settings do not parse), a sev3 incident naming why. A tick
 * that read nothing is a failure people hear about, not a success with 0 intents; the next tick that
 * scans resolves that incident (incidents/recover.ts), so no one is paged after the sources recover.
 */
import { performance } from 'node:perf_hooks';
import type { LiveIncidentHandle, MuseDeps } from '../deps.js';
import type { IntentDoc } from '../intents/repo.js';
import { readStatusInTx, recordTickFinished } from '../status/repo.js';
import { nextSourceHealth } from './core/source-health.js';
import { readTickAndLockInTx, releaseLockInTx, writeTickInTx } from './repo.js';
import type { TickSummary } from './tick-summary.js';

const TRENDSCOUT = { kind: 'system' as const, id: 'trendscout' };

/** The dedupe keys of the incidents a failed tick opens; a tick that scans resolves them. */
export const TICK_INCIDENT = {
  settingsInvalid: 'trends:settings-invalid',
  allSourcesFailed: 'trends:all-sources-failed',
} as const;

export interface TickFailure {
  /** While an incident with this key is open, later failing ticks add nothing new. */
  dedupeKey: string;
  summary: string;
}

export async function finishTick(
  deps: MuseDeps,
  t: {
    summary: TickSummary;
    docs: readonly IntentDoc[];
    now: Date;
    started: number;
    /** The sources whose health this tick reports (configured ones, enabled or not); none: unchanged. */
    configured?: ReadonlyArray<{ id: string; kind: string; enabled: boolean }>;
    failure?: TickFailure;
  },
): Promise<void> {
  const { summary, docs, now } = t;
  let recovered = 0;
  const { db, incidents } = deps;
  const incident = await db.runTransaction(async (tx) => {
    recovered = 0;
    const shown = await readStatusInTx(db, tx);
    const { lock } = await readTickAndLockInTx(db, tx, summary.tickId);
    // A tick that scanned is the recovery of what made earlier ticks fail: read (before any write)
    // the incidents they opened, to resolve them in this same commit.
    const recovering: Array<[LiveIncidentHandle | undefined, string]> = t.failure
      ? []
      : [
          [
            await incidents.liveInTx(tx, { dedupeKey: TICK_INCIDENT.settingsInvalid }),
            'the trend settings parse again',
          ],
          ...(summary.sourcesOk > 0
            ? ([
                [
                  await incidents.liveInTx(tx, { dedupeKey: TICK_INCIDENT.allSourcesFailed }),
                  `tick ${summary.tickId} read ${summary.sourcesOk} of ${summary.sourcesOk + summary.sourcesFailed} sources`,
                ],
              ] as Array<[LiveIncidentHandle | undefined, string]>)
            : []),
        ];
    const opened = t.failure
      ? await incidents.openInTx(
          tx,
          {
            severity: 'sev3',
            source: 'trends',
            summary: t.failure.summary.slice(0, 1900), // the incident's limit is 2,000
            dedupeKey: t.failure.dedupeKey,
            ref: { type: 'trendTick', id: summary.tickId },
            actor: TRENDSCOUT,
          },
          now,
        )
      : undefined;
    if (opened) summary.incidentId = opened.id;
    summary.durationMs = Math.round(performance.now() - t.started);
    const prevHealth = shown.trendSources;
    const health = t.configured
      ? nextSourceHealth(prevHealth, t.configured, summary.sources, summary.tickId, now)
      : prevHealth;
    const prev = shown.intents ?? [];
    const fresh = docs.slice(0, 10).map((d) => ({ id: d.id, topic: d.topic, vvs: d.vvs, status: d.status }));
    const intents = [...fresh, ...prev.filter((x) => !fresh.some((f) => f.id === x.id))].slice(0, 10);
    writeTickInTx(db, tx, {
      id: summary.tickId,
      status: summary.status,
      at: now,
      finishedAt: now,
      summary,
    });
    if (lock?.tickId === summary.tickId) releaseLockInTx(db, tx);
    const { tickId: id, status, sourcesOk, sourcesFailed, candidates, intents: count, durationMs } = summary;
    recordTickFinished(
      db,
      tx,
      {
        lastTick: {
          id,
          at: now,
          status,
          ...(summary.reason ? { reason: summary.reason } : {}),
          sourcesOk,
          sourcesFailed,
          candidates,
          intents: count,
          durationMs,
        },
        intents,
        trendSources: health,
      },
      now,
    );
    deps.engine.eventInTx(tx, {
      type: status === 'failed' ? 'muse.tick.failed' : 'muse.tick.completed',
      actor: TRENDSCOUT,
      at: now,
      data: {
        tickId: id,
        sourcesOk,
        sourcesFailed,
        candidates,
        intents: count,
        intentIds: summary.intentIds.slice(0, 20),
        ...(summary.reason ? { reason: summary.reason } : {}),
        ...(opened ? { incidentId: opened.id } : {}),
      },
    });
    for (const [live, text] of recovering) {
      if (!live) continue;
      incidents.recoverInTx(tx, live, { cause: 'trends', text }, now);
      recovered++;
    }
    return opened;
  });
  if (recovered) await deps.slack.kick();
  // The escalation timers start after the incident commits (idempotent by incident; the sweep is the backstop).
  if (incident?.created) await incidents.escalate(incident.id);
}
