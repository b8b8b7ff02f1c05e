/**
 * CMOS mission use cases: create, start, complete, block, unblock, waive, note. Each change, its
 * event and its audit record commit in one Firestore transaction that reads the whole backlog, so
 * two concurrent completions conflict and the retried one sees the first one's promotion.
 * Callable from the API and from Slack with an Actor; they return plain data.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { auditInTransaction } from '../platform/audit.js';
import type { Actor, Clock } from '../shared/ports.js';
import type { MissionEvent } from './core/events.js';
import * as policy from './core/mission.js';
import type { Mission, Transition, Verification } from './core/mission.js';
import { actorName, auditRefusals, viaOf } from './audited.js';
import { appendEvent, findMission, missionRef, readBacklog, writeMission } from './repo.js';

export interface MissionDeps {
  db: Firestore;
  clock: Clock;
}

export interface MissionChange {
  mission: Mission;
  /** The mission this change made Current, if any. */
  promoted: Mission | null;
  event: MissionEvent;
}

/** The backlog in precedence order, and the mission to work on now. */
export async function listMissions(
  deps: MissionDeps,
): Promise<{ missions: Mission[]; next: Mission | null }> {
  const backlog = await readBacklog(deps.db);
  return { missions: [...backlog].sort(policy.byPrecedence), next: policy.selectNext(backlog) ?? null };
}

export async function getMission(deps: MissionDeps, id: string): Promise<Mission> {
  return findMission(await readBacklog(deps.db), id);
}

type Change = (m: Mission, backlog: Mission[], now: Date) => Transition;

/** Runs one lifecycle change in a transaction: read, decide, write mission + promotion + event + audit. */
async function change(
  deps: MissionDeps,
  input: {
    id: string;
    actor: Actor;
    action: string;
    rationale?: string;
    event: Omit<MissionEvent, 'id' | 'at' | 'actor' | 'missionId' | 'level'>;
  },
  decide: Change,
): Promise<MissionChange> {
  const { db, clock } = deps;
  const target = `missions/${input.id}`;
  return auditRefusals(
    deps,
    { actor: input.actor, action: input.action, target, rationale: input.rationale },
    () =>
      db.runTransaction(async (tx: Transaction) => {
        const now = clock.now();
        const backlog = await readBacklog(db, tx);
        const { mission, promoted } = decide(findMission(backlog, input.id), backlog, now);
        writeMission(db, tx, mission);
        const event = appendEvent(db, tx, { ...input.event, missionId: mission.id, actor: input.actor }, now);
        if (promoted) {
          writeMission(db, tx, promoted);
          appendEvent(
            db,
            tx,
            {
              type: 'promote',
              missionId: promoted.id,
              actor: input.actor,
              summary: `promoted after ${input.event.type} of ${mission.id}`,
            },
            now,
          );
        }
        auditInTransaction(
          db,
          tx,
          {
            actor: input.actor,
            action: input.action,
            target,
            outcome: 'ok',
            rationale: input.rationale,
            via: viaOf(input.actor),
            details: { status: mission.status, promoted: promoted?.id ?? null },
          },
          now,
        );
        return { mission, promoted: promoted ?? null, event };
      }),
  );
}

/** Adds a mission to the backlog (Queued unless stated). */
export async function createMission(
  deps: MissionDeps,
  input: Parameters<typeof policy.newMission>[0] & { actor: Actor },
): Promise<Mission> {
  const { db, clock } = deps;
  return auditRefusals(
    deps,
    { actor: input.actor, action: 'mission.create', target: `missions/${input.id}` },
    () =>
      db.runTransaction(async (tx) => {
        const now = clock.now();
        const { actor, ...fields } = input;
        const mission = policy.newMission(fields, await readBacklog(db, tx));
        tx.create(missionRef(db, mission.id), mission);
        appendEvent(db, tx, { type: 'create', missionId: mission.id, actor, summary: mission.title }, now);
        return mission;
      }),
  );
}

export function startMission(deps: MissionDeps, input: { id: string; actor: Actor }): Promise<MissionChange> {
  return change(deps, { ...input, action: 'mission.start', event: { type: 'start' } }, (m, backlog, now) => ({
    mission: policy.startMission(m, backlog, now),
  }));
}

export function completeMission(
  deps: MissionDeps,
  input: {
    id: string;
    actor: Actor;
    verification: Omit<Verification, 'at'>;
    summary?: string;
    nextHint?: string;
  },
): Promise<MissionChange> {
  const event = {
    type: 'complete',
    summary: input.summary ?? `verified with \`${input.verification.command}\``,
    nextHint: input.nextHint,
    data: { verification: input.verification },
  };
  return change(deps, { ...input, action: 'mission.complete', event }, (m, backlog, now) =>
    policy.completeMission(m, backlog, input.verification, now),
  );
}

export function blockMission(
  deps: MissionDeps,
  input: { id: string; actor: Actor; needs: string[]; unblockCriteria: string },
): Promise<MissionChange> {
  const event = { type: 'block', needs: input.needs, summary: input.unblockCriteria };
  return change(
    deps,
    { ...input, action: 'mission.block', rationale: input.unblockCriteria, event },
    (m, backlog) => policy.blockMission(m, backlog, input.needs, input.unblockCriteria),
  );
}

export function unblockMission(
  deps: MissionDeps,
  input: { id: string; actor: Actor; note?: string },
): Promise<MissionChange> {
  const event = { type: 'unblock', summary: input.note };
  return change(deps, { ...input, action: 'mission.unblock', rationale: input.note, event }, (m, backlog) => {
    const mission = policy.unblockMission(m, backlog);
    return { mission: input.note ? { ...mission, notes: [...mission.notes, input.note] } : mission };
  });
}

/** A person's explicit waiver of a prerequisite, with the reason; audited. */
export function waivePrerequisite(
  deps: MissionDeps,
  input: { id: string; prerequisite: string; reason: string; actor: Actor },
): Promise<MissionChange> {
  const event = { type: 'waive', summary: input.reason, data: { prerequisite: input.prerequisite } };
  return change(
    deps,
    { ...input, action: 'mission.waive', rationale: input.reason, event },
    (m, _b, now) => ({
      mission: policy.waivePrerequisite(m, input.prerequisite, input.reason, actorName(input.actor), now),
    }),
  );
}

export function addMissionNote(
  deps: MissionDeps,
  input: { id: string; text: string; actor: Actor },
): Promise<MissionChange> {
  const event = { type: 'note', summary: input.text };
  return change(deps, { ...input, action: 'mission.note', event }, (m) => ({
    mission: { ...m, notes: [...m.notes, input.text] },
  }));
}
