/**
 * The missions system (CMOS): the backlog and its lifecycle, telemetry, the project context and the
 * parity files, closed over what it is given. `wiring/missions.ts` builds it from the container.
 * The read functions below the factory are what other systems (a session's start and closure)
 * read of the mission log; they never name its collections.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import type { Actor, Clock } from '../shared/ports.js';
import { appendContext, readContext, type ContextEntry } from './context.js';
import type { Difference } from './core/parity.js';
import {
  addMissionNote,
  blockMission,
  completeMission,
  createMission,
  getMission,
  listMissions,
  startMission,
  unblockMission,
  waivePrerequisite,
} from './lifecycle.js';
import { recordParityCheck } from './parity-checks.js';
import { appendEvent, latestParityCheck, readBacklog, readEvents, type NewEvent } from './repo.js';
import { listMissionEvents, missionHealthView, recordTelemetry } from './telemetry.js';

export interface MissionsDeps {
  db: Firestore;
  clock: Clock;
}

type Arg<F extends (deps: MissionsDeps, input: never) => unknown> = Parameters<F>[1];

export function createMissions(deps: MissionsDeps) {
  return {
    listMissions: () => listMissions(deps),
    getMission: (id: string) => getMission(deps, id),
    createMission: (input: Arg<typeof createMission>) => createMission(deps, input),
    startMission: (input: Arg<typeof startMission>) => startMission(deps, input),
    completeMission: (input: Arg<typeof completeMission>) => completeMission(deps, input),
    blockMission: (input: Arg<typeof blockMission>) => blockMission(deps, input),
    unblockMission: (input: Arg<typeof unblockMission>) => unblockMission(deps, input),
    waivePrerequisite: (input: Arg<typeof waivePrerequisite>) => waivePrerequisite(deps, input),
    addMissionNote: (input: Arg<typeof addMissionNote>) => addMissionNote(deps, input),

    recordTelemetry: (input: Arg<typeof recordTelemetry>) => recordTelemetry(deps, input),
    listMissionEvents: (missionId?: string) => listMissionEvents(deps, missionId),
    missionHealthView: () => missionHealthView(deps),

    readContext: () => readContext(deps),
    appendContext: (input: Omit<ContextEntry, 'id' | 'at'>) => appendContext(deps, input),

    // The file side of parity (backlog.yaml, SESSIONS.jsonl) is the operator tool's
    // (scripts/parity.ts over missions/parity-files.ts): deployed code reads no file.
    recordParityCheck: (input: { dir: string; differences: readonly Difference[]; actor: Actor }) =>
      recordParityCheck(deps.db, { ...input, at: deps.clock.now() }),
  };
}

export type Missions = ReturnType<typeof createMissions>;

/** Appends an event to the mission log in the caller's transaction (a session's start and close). */
export const appendMissionEvent = (db: Firestore, tx: Transaction, e: NewEvent, at: Date) =>
  appendEvent(db, tx, e, at);
export const readMissionBacklog = (db: Firestore) => readBacklog(db);
export const readMissionEvents = (db: Firestore) => readEvents(db);
export { latestParityCheck };
