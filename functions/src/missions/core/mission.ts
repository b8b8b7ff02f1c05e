/**
 * CMOS mission policy (manual 001): the backlog's status precedence, start eligibility
 * (prerequisites completed or explicitly waived), the lifecycle transitions and which mission
 * completion promotes. Pure: time comes in as a parameter, nothing here touches storage.
 */
import { z } from 'zod';
import { conflict, policyViolation } from '../../shared/errors.js';

export const MISSION_STATUSES = ['Queued', 'Current', 'In Progress', 'Blocked', 'Completed'] as const;
export type MissionStatus = (typeof MISSION_STATUSES)[number];

/** Ids are Firestore document ids and file keys, so they stay short and path-safe. */
export const missionId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'must be 1-64 letters, digits, dot, dash or underscore');

export interface Waiver {
  /** The prerequisite mission this waiver releases. */
  missionId: string;
  reason: string;
  by: string;
  at: Date;
}

export interface Verification {
  command: string;
  result: 'passed' | 'failed';
  output?: string;
  at: Date;
}

export interface Mission {
  id: string;
  title: string;
  objective: string;
  scope: string;
  status: MissionStatus;
  /** Position in the backlog; breaks ties inside one status. */
  rank: number;
  prerequisites: string[];
  waivers: Waiver[];
  needs: string[];
  unblockCriteria: string | null;
  /** The status a Blocked mission returns to when unblocked. */
  blockedFrom: MissionStatus | null;
  notes: string[];
  verification: Verification | null;
  startedAt: Date | null;
  completedAt: Date | null;
}

const PRECEDENCE: Record<MissionStatus, number> = {
  'In Progress': 0,
  Current: 1,
  Queued: 2,
  Blocked: 3,
  Completed: 4,
};

/** Orders a backlog: In Progress > Current > Queued, then Blocked and Completed; rank, then id, inside one status. */
export function byPrecedence(a: Mission, b: Mission): number {
  return (
    PRECEDENCE[a.status] - PRECEDENCE[b.status] || a.rank - b.rank || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** Prerequisites of `m` that are neither completed nor waived, given the whole backlog. */
export function openPrerequisites(m: Mission, backlog: readonly Mission[]): string[] {
  const status = new Map(backlog.map((x) => [x.id, x.status]));
  const waived = new Set(m.waivers.map((w) => w.missionId));
  return m.prerequisites.filter((p) => status.get(p) !== 'Completed' && !waived.has(p));
}

export const isEligible = (m: Mission, backlog: readonly Mission[]) =>
  openPrerequisites(m, backlog).length === 0;

/**
 * The mission to work on now: the first In Progress, else Current, else the first Queued mission
 * whose prerequisites are met. Undefined when nothing is selectable.
 */
export function selectNext(backlog: readonly Mission[]): Mission | undefined {
  const sorted = [...backlog].sort(byPrecedence);
  return (
    sorted.find((m) => m.status === 'In Progress') ??
    sorted.find((m) => m.status === 'Current') ??
    sorted.find((m) => m.status === 'Queued' && isEligible(m, backlog))
  );
}

/**
 * Which Queued mission to make Current after a change, if any. The Current slot holds at most one
 * mission, so when one is already Current nothing is promoted: that is what keeps two concurrent
 * completions (each retried on conflict) from promoting two missions.
 */
export function missionToPromote(backlog: readonly Mission[]): Mission | undefined {
  if (backlog.some((m) => m.status === 'Current')) return undefined;
  return [...backlog].sort(byPrecedence).find((m) => m.status === 'Queued' && isEligible(m, backlog));
}

function replace(backlog: readonly Mission[], next: Mission): Mission[] {
  return backlog.map((m) => (m.id === next.id ? next : m));
}

/** Starts a Queued or Current mission whose prerequisites are completed or waived. */
export function startMission(m: Mission, backlog: readonly Mission[], now: Date): Mission {
  if (m.status !== 'Queued' && m.status !== 'Current') {
    throw conflict(`mission ${m.id} is ${m.status}; only a Queued or Current mission can start`);
  }
  const open = openPrerequisites(m, backlog);
  if (open.length) {
    throw policyViolation(
      `mission ${m.id} cannot start: prerequisites not completed and not waived: ${open.join(', ')}`,
      { openPrerequisites: open },
    );
  }
  return { ...m, status: 'In Progress', startedAt: now };
}

/** The result of a change that may promote another mission. */
export interface Transition {
  mission: Mission;
  promoted?: Mission;
}

function withPromotion(backlog: readonly Mission[], changed: Mission): Transition {
  const next = missionToPromote(replace(backlog, changed));
  return { mission: changed, promoted: next && { ...next, status: 'Current' } };
}

/** Completes an In Progress mission with a passing verification, and picks the mission it promotes. */
export function completeMission(
  m: Mission,
  backlog: readonly Mission[],
  verification: Omit<Verification, 'at'>,
  now: Date,
): Transition {
  if (m.status !== 'In Progress') {
    throw conflict(`mission ${m.id} is ${m.status}; only an In Progress mission can be completed`);
  }
  if (verification.result !== 'passed') {
    throw policyViolation(
      `mission ${m.id} cannot be completed: verification \`${verification.command}\` ${verification.result}`,
    );
  }
  const done: Mission = {
    ...m,
    status: 'Completed',
    completedAt: now,
    verification: { ...verification, at: now },
  };
  return withPromotion(backlog, done);
}

/** Blocks an open mission with what it needs; a blocked Current mission frees the slot for the next one. */
export function blockMission(
  m: Mission,
  backlog: readonly Mission[],
  needs: string[],
  unblockCriteria: string,
): Transition {
  if (m.status === 'Completed' || m.status === 'Blocked') {
    throw conflict(`mission ${m.id} is ${m.status}; only an open mission can be blocked`);
  }
  if (!needs.length || !unblockCriteria.trim()) {
    throw policyViolation(`blocking mission ${m.id} needs at least one need and the unblock criteria`);
  }
  const blocked: Mission = { ...m, status: 'Blocked', needs, unblockCriteria, blockedFrom: m.status };
  return withPromotion(backlog, blocked);
}

/**
 * Puts a Blocked mission back in the precedence order: it returns to the status it was blocked
 * from, except that a formerly Current mission queues again when another has taken the slot.
 */
export function unblockMission(m: Mission, backlog: readonly Mission[]): Mission {
  if (m.status !== 'Blocked')
    throw conflict(`mission ${m.id} is ${m.status}; only a Blocked mission can be unblocked`);
  let status: MissionStatus = m.blockedFrom ?? 'Queued';
  if (status === 'Current' && backlog.some((x) => x.id !== m.id && x.status === 'Current')) status = 'Queued';
  return { ...m, status, needs: [], blockedFrom: null };
}

/** Records a person's waiver of one prerequisite. */
export function waivePrerequisite(
  m: Mission,
  prerequisite: string,
  reason: string,
  by: string,
  now: Date,
): Mission {
  if (!m.prerequisites.includes(prerequisite)) {
    throw policyViolation(`mission ${m.id} has no prerequisite ${prerequisite} to waive`);
  }
  if (m.waivers.some((w) => w.missionId === prerequisite)) {
    throw conflict(`prerequisite ${prerequisite} of mission ${m.id} is already waived`);
  }
  if (!reason.trim()) throw policyViolation('a waiver needs a reason');
  return { ...m, waivers: [...m.waivers, { missionId: prerequisite, reason, by, at: now }] };
}

/** A new backlog entry, ranked after every existing mission unless a rank is given. */
export function newMission(
  input: {
    id: string;
    title: string;
    objective: string;
    scope?: string;
    prerequisites?: string[];
    rank?: number;
    status?: 'Queued' | 'Current';
  },
  backlog: readonly Mission[],
): Mission {
  if (backlog.some((m) => m.id === input.id)) throw conflict(`mission ${input.id} already exists`);
  const unknown = (input.prerequisites ?? []).filter(
    (p) => p === input.id || !backlog.some((m) => m.id === p),
  );
  if (unknown.length)
    throw policyViolation(`unknown prerequisites for mission ${input.id}: ${unknown.join(', ')}`);
  if (input.status === 'Current' && backlog.some((m) => m.status === 'Current')) {
    throw conflict(`another mission is already Current`);
  }
  return {
    id: input.id,
    title: input.title,
    objective: input.objective,
    scope: input.scope ?? '',
    status: input.status ?? 'Queued',
    rank: input.rank ?? Math.max(0, ...backlog.map((m) => m.rank)) + 1,
    prerequisites: input.prerequisites ?? [],
    waivers: [],
    needs: [],
    unblockCriteria: null,
    blockedFrom: null,
    notes: [],
    verification: null,
    startedAt: null,
    completedAt: null,
  };
}
