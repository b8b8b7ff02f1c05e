/**
 * The changes the stream fans out, read from Firestore listeners (the `StreamFeeds` port) so every
 * instance sees every change, whichever instance or function wrote it:
 *   - `muse/status` and the open `incidents`, merged into one status view;
 *   - the global `events` feed, from (startup - retention) on, each event numbered by the commit
 *     time stored in it (`committedAt`, core/seq.ts), so all instances, before and after a restart
 *     or an export and import, agree on its seq.
 * A listener that fails is re-opened after a pause; the events listener is also re-opened now and
 * then with a later cutoff, so the SDK does not hold every event since startup in memory.
 */
import { reviveTimestamps } from '../platform/firestore/typed.js';
import type { Logger } from '../platform/log.js';
import type { Clock } from '../shared/ports.js';
import { assignEventSeqs, commitMicros } from './core/seq.js';
import type { AddedEvent, StreamFeeds, Unwatch } from './ports.js';

export interface FeedEvent {
  id: string;
  seq: number;
  /** Commit time in ms: the retention window is measured on it. */
  atMs: number;
  event: Record<string, unknown>;
}

export interface ChangeSink {
  status(status: Record<string, unknown>): void;
  events(events: FeedEvent[]): void;
}

/** Where changes come from: Firestore in the product, a hand-driven source in the benchmark. */
export interface ChangeSource {
  /** Opens the listeners; resolves with the initial state once every listener has answered. */
  start(sink: ChangeSink): Promise<{ status: Record<string, unknown>; events: FeedEvent[] }>;
  stop(): void;
}

/** Firestore values as JSON: Timestamps (revived once, platform/firestore/typed.ts) become ISO strings, deeply. */
export function toJson(value: unknown): unknown {
  return isoDates(reviveTimestamps(value));
}

function isoDates(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(isoDates);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isoDates(v)]));
  return value;
}

export interface FirestoreSourceOptions {
  feeds: StreamFeeds;
  clock: Clock;
  log: Logger;
  retentionMs: number;
  /** How often the events listener is re-opened with a later cutoff. */
  rollMs?: number;
  /** Pause before re-opening a failed listener. */
  retryMs?: number;
}

export function createFirestoreSource(opts: FirestoreSourceOptions): ChangeSource {
  const { feeds, clock, log, retentionMs } = opts;
  const rollMs = opts.rollMs ?? 30 * 60_000;
  const retryMs = opts.retryMs ?? 1000;
  const unsubs = new Map<string, () => void>();
  const timers = new Set<NodeJS.Timeout>();
  /** Event ids already handed on, with their commit ms, so a re-opened listener repeats none. */
  const seen = new Map<string, number>();
  let statusDoc: Record<string, unknown> = {};
  let openIncidents: unknown[] = [];
  let stopped = false;

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, ms);
    timers.add(t);
  };
  const view = () => ({ ...statusDoc, openIncidents });

  function listen<S>(
    name: string,
    open: (next: (s: S) => void, fail: (e: Error) => void) => Unwatch,
    onSnap: (s: S) => void,
  ): void {
    const unsub = open(onSnap, (err) => {
      log.error('stream listener failed; re-opening', { listener: name, err });
      unsubs.get(name)?.();
      unsubs.delete(name);
      later(retryMs, () => listen(name, open, onSnap));
    });
    unsubs.set(name, unsub);
  }

  const since = () => new Date(clock.now().getTime() - retentionMs);

  /** New events of a snapshot (added and not seen before), numbered. */
  function fresh(added: AddedEvent[]): FeedEvent[] {
    return assignEventSeqs(added.filter((a) => !seen.has(a.id))).map((e) => {
      const atMs = Math.floor(commitMicros(e.commit) / 1000);
      seen.set(e.id, atMs);
      return { id: e.id, seq: e.seq, atMs, event: { ...(toJson(e.data) as object), id: e.id } };
    });
  }

  return {
    start(sink) {
      return new Promise((resolve) => {
        const pending = new Set(['status', 'incidents', 'events']);
        const initialEvents: FeedEvent[] = [];
        // Until every listener has answered once, changes only build the initial state.
        let live = false;
        const ready = (name: string) => {
          if (!pending.delete(name) || pending.size > 0) return;
          live = true;
          resolve({ status: view(), events: initialEvents });
        };
        const statusChanged = (name: string) => {
          if (live) sink.status(view());
          ready(name);
        };

        listen<Record<string, unknown>>(
          'status',
          (next, fail) => feeds.watchStatus(next, fail),
          (status) => {
            statusDoc = (toJson(status) as Record<string, unknown>) ?? {};
            statusChanged('status');
          },
        );
        listen<Array<Record<string, unknown>>>(
          'incidents',
          (next, fail) => feeds.watchOpenIncidents(next, fail),
          (incidents) => {
            openIncidents = incidents.map((d) => toJson(d));
            statusChanged('incidents');
          },
        );
        const openEvents = (name: string, onFirst?: () => void) => {
          let first = true;
          listen<AddedEvent[]>(
            name,
            (next, fail) => feeds.watchEvents(since(), next, fail),
            (added) => {
              const events = fresh(added);
              if (first) onFirst?.();
              first = false;
              if (!live) initialEvents.push(...events);
              else if (events.length > 0) sink.events(events);
              ready('events');
            },
          );
        };
        openEvents('events-0');
        const roll = (gen: number) =>
          later(rollMs, () => {
            openEvents(`events-${gen + 1}`, () => {
              unsubs.get(`events-${gen}`)?.();
              unsubs.delete(`events-${gen}`);
              const cutoff = clock.now().getTime() - 2 * retentionMs;
              for (const [id, atMs] of seen) if (atMs < cutoff) seen.delete(id);
            });
            roll(gen + 1);
          });
        roll(0);
      });
    },
    stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      for (const u of unsubs.values()) u();
      unsubs.clear();
    },
  };
}
