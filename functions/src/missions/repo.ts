/**
 * The missions system's documents: the backlog (missions), the mission event log (also mirrored to
 * SESSIONS.jsonl), the project context and the parity-check records. The collection names are
 * private to this file; other systems call the missions system's use cases and read functions.
 */
import type { DocumentReference, Firestore, Transaction } from '@google-cloud/firestore';
import { randomUUID } from 'node:crypto';
import { typedCollection } from '../platform/firestore/typed.js';
import { notFound } from '../shared/errors.js';
import type { Actor } from '../shared/ports.js';
import type { PlannedWrite } from './all-or-nothing.js';
import type { EventLevel, MissionEvent } from './core/events.js';
import type { Mission } from './core/mission.js';

const MISSIONS = 'missions';
const MISSION_EVENTS = 'missionEvents';
const PROJECT_CONTEXT = 'projectContext';
const PARITY_CHECKS = 'parityChecks';

export interface ContextEntry {
  id: string;
  kind: 'constraint' | 'decision';
  text: string;
  /** Required for decisions. */
  reason?: string;
  missionId?: string;
  at: Date;
  actor: Actor;
}

export interface ParityCheckRecord {
  id: string;
  at: Date;
  dir: string;
  inSync: boolean;
  differences: number;
  /** The first differences, as a person reads them. */
  sample: string[];
  actor: Actor;
}

const missions = (db: Firestore) => typedCollection<Mission>(db, MISSIONS);
const events = (db: Firestore) => typedCollection<MissionEvent>(db, MISSION_EVENTS);
const context = (db: Firestore) => typedCollection<ContextEntry>(db, PROJECT_CONTEXT);
const parityChecks = (db: Firestore) => typedCollection<ParityCheckRecord>(db, PARITY_CHECKS);

/** Audit targets, `collection/id`, as the audit trail has always named them. */
export const targets = {
  mission: (id: string) => `${MISSIONS}/${id}`,
  context: (id: string) => `${PROJECT_CONTEXT}/${id}`,
};

export const missionRef = (db: Firestore, id: string): DocumentReference<Mission> => missions(db).doc(id);
export const contextRef = (db: Firestore, id: string): DocumentReference<ContextEntry> => context(db).doc(id);

/** Reads the whole backlog inside a transaction; the read is what makes concurrent changes conflict. */
export async function readBacklog(db: Firestore, tx?: Transaction): Promise<Mission[]> {
  const snap = tx ? await tx.get(missions(db)) : await missions(db).get();
  return snap.docs.map((d) => d.data());
}

export function findMission(backlog: readonly Mission[], id: string): Mission {
  const m = backlog.find((x) => x.id === id);
  if (!m) throw notFound(`unknown mission ${id}`);
  return m;
}

export function writeMission(db: Firestore, tx: Transaction, m: Mission): void {
  tx.set(missionRef(db, m.id), m);
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
  tx.create(events(db).doc(event.id), event);
  return event;
}

export async function readEvents(db: Firestore, missionId?: string): Promise<MissionEvent[]> {
  const q = missionId ? events(db).where('missionId', '==', missionId) : events(db);
  return (await q.get()).docs
    .map((d) => d.data())
    .sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : 1));
}

export async function readContextEntries(db: Firestore): Promise<ContextEntry[]> {
  return (await context(db).orderBy('at').get()).docs.map((d) => d.data());
}

export async function createParityCheck(db: Firestore, record: ParityCheckRecord): Promise<void> {
  await parityChecks(db).doc(record.id).create(record);
}

export async function latestParityCheck(db: Firestore): Promise<ParityCheckRecord | undefined> {
  return (await parityChecks(db).orderBy('at', 'desc').limit(1).get()).docs[0]?.data();
}

/** The writes that put the parity files' missions and events in Firestore, as they are. */
export function parityImportWrites(
  db: Firestore,
  files: { missions: Mission[]; events: MissionEvent[] },
  origin: { missions: string; events: string },
): PlannedWrite[] {
  return [
    ...files.missions.map((m) => ({
      ref: db.doc(missionRef(db, m.id).path),
      data: m,
      origin: `${origin.missions} mission ${m.id}`,
    })),
    ...files.events.map((e) => ({
      ref: db.doc(events(db).doc(e.id).path),
      data: e,
      origin: `${origin.events} event ${e.id}`,
    })),
  ];
}
