/**
 * Read views of SCMS: the memory status dashboard, L4 economics over a period, the context-loss
 * procedure (rules plus the last three failure logs), and the workspace's focus areas.
 */
import type { Firestore } from '@google-cloud/firestore';
import type { Actor, Clock } from '../shared/ports.js';
import { invalidInput } from '../shared/errors.js';
import { buildDashboard, renderDashboardMarkdown, type Dashboard } from './core/dashboard.js';
import { computeEconomics, type Economics } from './core/economics.js';
import type { WorkspaceRule } from './core/memory.js';
import {
  countFailureLogs,
  readFailureLogs,
  readMemories,
  readReuses,
  readRules,
  readSessions,
  type FailureLog,
} from './repo.js';
import { readFocusAreas, saveFocusAreas } from './settings.js';

type Deps = { db: Firestore; clock: Clock };

/** Default economics window when none is given. */
export const DEFAULT_PERIOD_DAYS = 30;

/** Parses an optional `from`/`to` pair (ISO dates); defaults to the last 30 days up to now. */
export function periodOf(now: Date, from?: string, to?: string): { from: Date; to: Date } {
  const end = to ? new Date(to) : now;
  const start = from ? new Date(from) : new Date(end.getTime() - DEFAULT_PERIOD_DAYS * 86_400_000);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) {
    throw invalidInput('from and to must be ISO dates, e.g. 2026-01-01T00:00:00Z');
  }
  if (start >= end) throw invalidInput('from must be before to');
  return { from: start, to: end };
}

export async function economicsView(deps: Deps, period: { from: Date; to: Date }): Promise<Economics> {
  const [memories, reuses, sessions] = await Promise.all([
    readMemories(deps.db),
    readReuses(deps.db),
    readSessions(deps.db),
  ]);
  return computeEconomics({ memories, reuses, sessions }, period);
}

/** The dashboard as data and as Markdown (economics over the given period). */
export async function dashboardView(
  deps: Deps,
  period?: { from: Date; to: Date },
): Promise<{ dashboard: Dashboard; markdown: string }> {
  const { db, clock } = deps;
  const now = clock.now();
  const p = period ?? periodOf(now);
  const [memories, reuses, sessions, rules, failures, failureTotal, focusAreas] = await Promise.all([
    readMemories(db),
    readReuses(db),
    readSessions(db),
    readRules(db),
    readFailureLogs(db, { limit: 5 }),
    countFailureLogs(db),
    readFocusAreas(db),
  ]);
  const open = sessions.filter((s) => s.status === 'open').sort((a, b) => +b.startedAt - +a.startedAt)[0];
  const dashboard = buildDashboard({
    now,
    openSession: open?.id ?? null,
    focusAreas,
    memories,
    rules,
    failures: failures.map((f) => ({
      id: f.id,
      summary: f.summary,
      rootCause: f.rootCause,
      preventionKind: f.prevention.kind,
      createdAt: f.createdAt,
    })),
    failureTotal,
    economics: computeEconomics({ memories, reuses, sessions }, p),
  });
  return { dashboard, markdown: renderDashboardMarkdown(dashboard) };
}

/** The context-loss procedure in one call: every workspace rule and the last three failure logs. */
export async function contextLossRecovery(deps: {
  db: Firestore;
}): Promise<{ rules: WorkspaceRule[]; failures: FailureLog[]; steps: string[] }> {
  const [rules, failures] = await Promise.all([readRules(deps.db), readFailureLogs(deps.db, { limit: 3 })]);
  return {
    rules,
    failures,
    steps: [
      'Stop coding',
      'Read the workspace rules top to bottom',
      'Review the last 3 failure logs',
      'Restart the session explicitly',
    ],
  };
}

/** Replaces the workspace's focus areas. */
export async function setFocusAreas(deps: Deps, input: { areas: string[]; actor: Actor }): Promise<string[]> {
  const areas = input.areas.map((a) => a.trim()).filter(Boolean);
  await saveFocusAreas(deps.db, areas, deps.clock.now(), input.actor);
  return areas;
}

export const getFocusAreas = (deps: { db: Firestore }) => readFocusAreas(deps.db);
