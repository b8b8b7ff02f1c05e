/**
 * The sessions system (SCMS): sessions, L0 memories, L2 failure logs, L3 promotions, L1 rules and
 * the dashboard, closed over what it is given. `wiring/sessions.ts` builds it from the container.
 * Other systems reach its documents only through these functions: incidents turn reviews into
 * failure logs (`createFailureLog`), the tasks KB indexes failure logs and memories
 * (`failureLogsAfter`, `memoriesAfter`).
 */
import type { Firestore } from '@google-cloud/firestore';
import type { Actor, Clock } from '../shared/ports.js';
import type { Memory } from './core/memory.js';
import {
  contextLossRecovery,
  dashboardView,
  economicsView,
  getFocusAreas,
  periodOf,
  setFocusAreas,
} from './dashboard.js';
import { createFailureLog, getFailureLog, listFailureLogs, type FailureLogInput } from './failure-logs.js';
import { captureMemory, getMemory, listMemories, reportReuse, type CaptureInput } from './memories.js';
import { addWorkspaceRule, approvePromotion, listPromotions, listRules } from './promotions.js';
import { failureLogsAfter, memoriesAfter } from './repo.js';
import {
  closeSession,
  getSession,
  listOpen,
  sessionReport,
  startSession,
  type CloseInput,
} from './sessions.js';

export interface SessionsDeps {
  db: Firestore;
  clock: Clock;
}

type Period = { from?: string; to?: string };

export function createSessions(deps: SessionsDeps) {
  const period = (q: Period) => periodOf(deps.clock.now(), q.from, q.to);
  return {
    startSession: (input: { focusAreas?: string[]; actor: Actor }) => startSession(deps, input),
    getSession: (id: string) => getSession(deps, id),
    closeSession: (input: CloseInput) => closeSession(deps, input),
    sessionReport: (id: string) => sessionReport(deps, id),
    listOpen: () => listOpen(deps),

    captureMemory: (input: CaptureInput) => captureMemory(deps, input),
    getMemory: (id: string) => getMemory(deps, id),
    listMemories: (status?: Memory['status']) => listMemories(deps, status),
    reportReuse: (input: { memoryId: string; sessionId: string; tokensUsed?: number; actor: Actor }) =>
      reportReuse(deps, input),

    /** A failure log; the same rules apply whoever records it (a person, an incident review). */
    createFailureLog: (input: FailureLogInput) => createFailureLog(deps, input),
    getFailureLog: (id: string) => getFailureLog(deps, id),
    listFailureLogs: (opts: { limit?: number; sessionId?: string }) => listFailureLogs(deps, opts),

    listPromotions: () => listPromotions(deps),
    approvePromotion: (input: Parameters<typeof approvePromotion>[1]) => approvePromotion(deps, input),
    listRules: () => listRules(deps),
    addWorkspaceRule: (input: Parameters<typeof addWorkspaceRule>[1]) => addWorkspaceRule(deps, input),
    contextLossRecovery: () => contextLossRecovery(deps),

    dashboard: (q: Period) => dashboardView(deps, period(q)),
    economics: (q: Period) => economicsView(deps, period(q)),
    getFocusAreas: () => getFocusAreas(deps),
    setFocusAreas: (input: { areas: string[]; actor: Actor }) => setFocusAreas(deps, input),

    /** Failure logs and memories created after a point, oldest first (the KB's incremental index). */
    failureLogsAfter: (after: Date | undefined, limit: number) => failureLogsAfter(deps.db, after, limit),
    memoriesAfter: (after: Date | undefined, limit: number) => memoriesAfter(deps.db, after, limit),
  };
}

export type Sessions = ReturnType<typeof createSessions>;
