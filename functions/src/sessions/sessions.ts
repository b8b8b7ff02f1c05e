/**
 * SCMS session tracking. Start returns what an agent must load first (active L0 memories, L1 rules,
 * focus areas); close builds the L5 closure report from what happened in the session and stores it.
 * Both log a session event that is mirrored to SESSIONS.jsonl.
 */
import type { Firestore } from '@google-cloud/firestore';
import { auditInTransaction } from '../platform/audit.js';
import { conflict } from '../shared/errors.js';
import type { Actor, Clock } from '../shared/ports.js';
import { viaOf } from '../missions/audited.js';
import { missionHealth } from '../missions/core/events.js';
import {
  appendMissionEvent as appendEvent,
  latestParityCheck,
  readMissionBacklog as readBacklog,
  readMissionEvents as readEvents,
} from '../missions/system.js';
import { latestGuardResults } from '../tasks/guards.js';
import {
  buildClosureReport,
  renderClosureMarkdown,
  type ClosureReport,
  type ParityEvidence,
  type TestsEvidence,
} from './core/closure.js';
import { promotionCandidates, type Memory, type WorkspaceRule } from './core/memory.js';
import {
  getSessionDoc,
  listOpenSessions,
  readFailureLogs,
  readMemories,
  readPromotions,
  readReuses,
  readRules,
  sessionRef,
  targets,
  type Session,
} from './repo.js';
import { readFocusAreasTx, setFocusAreasTx } from './settings.js';
import { sessionId } from './store.js';

type Deps = { db: Firestore; clock: Clock };

export interface SessionStart {
  session: Session;
  memories: Memory[];
  rules: WorkspaceRule[];
  focusAreas: string[];
}

/** Opens a session with a timestamp id; given focus areas replace the workspace's current ones. */
export async function startSession(
  deps: Deps,
  input: { focusAreas?: string[]; actor: Actor },
): Promise<SessionStart> {
  const { db, clock } = deps;
  const [memories, rules] = await Promise.all([readMemories(db), readRules(db)]);
  const session = await db.runTransaction(async (tx) => {
    const now = clock.now();
    const focus = input.focusAreas ?? (await readFocusAreasTx(db, tx));
    const s: Session = {
      id: sessionId(now),
      status: 'open',
      startedAt: now,
      closedAt: null,
      actor: input.actor,
      focusAreas: focus,
      closure: null,
    };
    tx.create(sessionRef(db, s.id), s);
    if (input.focusAreas) setFocusAreasTx(db, tx, input.focusAreas, now, input.actor);
    appendEvent(
      db,
      tx,
      { type: 'session_start', missionId: null, actor: input.actor, data: { sessionId: s.id } },
      now,
    );
    return s;
  });
  const active = memories
    .filter((m) => m.status === 'active')
    .sort((a, b) => b.reuseCount - a.reuseCount || b.createdAt.getTime() - a.createdAt.getTime());
  return { session, memories: active, rules, focusAreas: session.focusAreas };
}

export interface CloseInput {
  id: string;
  /** What the agent says about its tests: kept in the report, but the item comes from CI guard results. */
  tests?: { passed: boolean; total?: number; failed?: number; command?: string };
  failuresObserved?: number;
  notes?: string;
  actor: Actor;
}

/** What the session did, read before the closing transaction (a report is a snapshot). */
async function facts(db: Firestore, s: Session) {
  const [failures, memories, reuses, promotions, backlog, events] = await Promise.all([
    readFailureLogs(db, { sessionId: s.id }),
    readMemories(db),
    readReuses(db),
    readPromotions(db),
    readBacklog(db),
    readEvents(db),
  ]);
  const title = new Map(memories.map((m) => [m.id, m.title]));
  return {
    failures: failures.map((f) => ({ id: f.id, summary: f.summary })),
    approved: promotions
      .filter((p) => p.sessionId === s.id || (p.sessionId === null && p.at >= s.startedAt))
      .map((p) => ({ memoryId: p.memoryId, ruleId: p.ruleId })),
    pending: promotionCandidates(memories).map((m) => ({
      memoryId: m.id,
      title: m.title,
      sessions: m.reuseCount,
    })),
    anomalies: missionHealth(backlog, events).length,
    captured: memories
      .filter((m) => m.sessionId === s.id)
      .map((m) => ({ id: m.id, kind: m.kind, title: m.title })),
    reused: reuses
      .filter((r) => r.sessionId === s.id)
      .map((r) => ({
        memoryId: r.memoryId,
        title: title.get(r.memoryId) ?? r.memoryId,
        tokensSaved: r.tokensSaved,
      })),
  };
}

/**
 * "Data in sync": the last parity check `npm run parity -- check <dir>` recorded (it runs where the
 * repository files are; the deployed functions read no file), otherwise nothing (unknown).
 */
async function parityEvidence(deps: Deps): Promise<ParityEvidence> {
  const last = await latestParityCheck(deps.db);
  return last
    ? {
        source: 'recorded-check',
        checkId: last.id,
        dir: last.dir,
        differences: last.differences,
        at: last.at,
      }
    : { source: 'none' };
}

/** "Tests passing": the latest CI result of each guard, as reported through the API. */
async function testsEvidence(db: Firestore): Promise<TestsEvidence> {
  const results = await latestGuardResults(db);
  return results.length ? { source: 'ci-guard-results', results } : { source: 'none' };
}

/** Closes an open session and stores its L5 closure report. */
export async function closeSession(deps: Deps, input: CloseInput): Promise<ClosureReport> {
  const { db, clock } = deps;
  const before = await getSessionDoc(db, input.id);
  if (before.status !== 'open') throw conflict(`session ${input.id} is already closed`);
  const [known, parity, tests] = await Promise.all([
    facts(db, before),
    parityEvidence(deps),
    testsEvidence(db),
  ]);
  return db.runTransaction(async (tx) => {
    const s = await getSessionDoc(db, input.id, tx);
    if (s.status !== 'open') throw conflict(`session ${input.id} is already closed`);
    const now = clock.now();
    const report = buildClosureReport({
      ...known,
      session: s,
      closedAt: now,
      failuresObserved: input.failuresObserved,
      parity,
      tests,
      ...(input.tests ? { reportedTests: input.tests } : {}),
      notes: input.notes,
    });
    tx.update(sessionRef(db, s.id), { status: 'closed', closedAt: now, closure: report });
    appendEvent(
      db,
      tx,
      {
        type: 'session_close',
        missionId: null,
        actor: input.actor,
        summary: `closure ${report.status}`,
        data: { sessionId: s.id },
      },
      now,
    );
    auditInTransaction(
      db,
      tx,
      {
        actor: input.actor,
        action: 'session.close',
        target: targets.session(s.id),
        outcome: 'ok',
        via: viaOf(input.actor),
        details: { status: report.status },
      },
      now,
    );
    return report;
  });
}

export const getSession = (deps: { db: Firestore }, id: string) => getSessionDoc(deps.db, id);

/** The stored closure report of a closed session, as data or Markdown. */
export async function sessionReport(
  deps: { db: Firestore },
  id: string,
): Promise<{ report: ClosureReport; markdown: string }> {
  const s = await getSessionDoc(deps.db, id);
  if (!s.closure)
    throw conflict(`session ${id} is still open; its closure report is produced when it closes`);
  return { report: s.closure, markdown: renderClosureMarkdown(s.closure) };
}

/** Sessions still open. */
export const listOpen = (deps: { db: Firestore }) => listOpenSessions(deps.db);
