/**
 * The parity diff between Firestore and the repository files. Both sides are compared in their
 * plain file form, so a difference reads the way a person would see it in backlog.yaml or
 * SESSIONS.jsonl. Pure.
 */
import type { MissionEvent } from './events.js';
import { eventToPlain, missionToPlain } from './files.js';
import type { Mission } from './mission.js';

export interface Difference {
  kind: 'mission' | 'event';
  id: string;
  /** The differing field; absent when the whole record exists on one side only. */
  field?: string;
  store?: unknown;
  file?: unknown;
  message: string;
}

export interface ParitySide {
  missions: readonly Mission[];
  events: readonly MissionEvent[];
}

const show = (v: unknown) => (v === undefined ? '(absent)' : JSON.stringify(v));

function diffRecords(
  kind: Difference['kind'],
  store: Map<string, Record<string, unknown>>,
  file: Map<string, Record<string, unknown>>,
  fileName: string,
): Difference[] {
  const out: Difference[] = [];
  const ids = [...new Set([...store.keys(), ...file.keys()])].sort();
  for (const id of ids) {
    const s = store.get(id);
    const f = file.get(id);
    if (!f) {
      out.push({ kind, id, message: `${kind} ${id} is in Firestore but not in ${fileName}` });
      continue;
    }
    if (!s) {
      out.push({ kind, id, message: `${kind} ${id} is in ${fileName} but not in Firestore` });
      continue;
    }
    for (const field of [...new Set([...Object.keys(s), ...Object.keys(f)])].sort()) {
      const a = JSON.stringify(s[field]);
      const b = JSON.stringify(f[field]);
      if (a !== b) {
        out.push({
          kind,
          id,
          field,
          store: s[field],
          file: f[field],
          message: `${kind} ${id} ${field}: Firestore ${show(s[field])}, ${fileName} ${show(f[field])}`,
        });
      }
    }
  }
  return out;
}

/** Every difference between the store and the files; empty means in parity. */
export function diffParity(store: ParitySide, files: ParitySide): Difference[] {
  const missions = (side: ParitySide) => new Map(side.missions.map((m) => [m.id, missionToPlain(m)]));
  const events = (side: ParitySide) => new Map(side.events.map((e) => [e.id, eventToPlain(e)]));
  return [
    ...diffRecords('mission', missions(store), missions(files), 'backlog.yaml'),
    ...diffRecords('event', events(store), events(files), 'SESSIONS.jsonl'),
  ];
}
