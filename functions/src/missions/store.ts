/**
 * Firestore access for missions, mission events and project context: collection names, the
 * Timestamp -> Date revival every reader needs, and transaction-friendly readers and writers.
 */
import type { DocumentData, Firestore, Transaction } from '@google-cloud/firestore';
import { randomUUID } from 'node:crypto';
import { notFound } from '../shared/errors.js';
import type { Actor } from '../shared/ports.js';
import type { EventLevel, MissionEvent } from './core/events.js';
import type { Mission } from './core/mission.js';

export const MISSIONS = 'missions';
export const MISSION_EVENTS = 'missionEvents';
export const PROJECT_CONTEXT = 'projectContext';

/** Firestore hands Dates back as Timestamps; this turns them (at any depth) back into Dates. */
export function revive<T>(value: unknown): T {
  if (value && typeof value === 'object') {
    const v = value as { toDate?: () => Date };
    if (typeof v.toDate === 'function') return v.toDate() as T;
    if (Array.isArray(value)) return value.map((x) => revive<unknown>(x)) as T;
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, revive<unknown>(x)])) as T;
  }
  return value as T;
}

export const missionFromDoc = (data: DocumentData) => revive<Mission>(data);

/** Reads the whole backlog inside a transaction; the read is what makes concurrent changes conflict. */
export async function readBacklog(db: Firestore, tx?: Transaction): Promise<Mission[]> {
  const q = db.collection(MISSIONS);
  const snap = tx ? await tx.get(q) : await q.get();
  return snap.docs.map((d) => missionFromDoc(d.data()));
}

export function findMission(backlog: readonly Mission[], id: string): Mission {
  const m = backlog.find((x) => x.id === id);
  if (!m) throw notFound(`unknown mission ${id}`);
  return m;
}

export function writeMission(db: Firestore, tx: Transaction, m: Mission): void {
  tx.set(db.collection(MISSIONS).doc(m.id), m);
}

/** A time-sortable event id. */
export const eventId = (at: Date) => `${at.toISOString()}~${randomUUID()}`;

export interface NewEvent {
  type: string;
  missionId: string | null;
  actor: Actor;
  level?: EventLevel;
  summary?: string;
  nextHint?: string;
  needs?: string[];
  data?: Record<string, unknown>;
}

/** Appends a mission event in the transaction of the change it records. */
export function appendEvent(db: Firestore, tx: Transaction, e: NewEvent, at: Date): MissionEvent {
  const event: MissionEvent = { ...e, level: e.level ?? 'info', id: eventId(at), at };
  tx.create(db.collection(MISSION_EVENTS).doc(event.id), event);
  return event;
}

export async function readEvents(db: Firestore, missionId?: string): Promise<MissionEvent[]> {
  const base = db.collection(MISSION_EVENTS);
  const snap = await (missionId ? base.where('missionId', '==', missionId) : base).get();
  return snap.docs
    .map((d) => revive<MissionEvent>(d.data()))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : 1));
}
