/**
 * The MEMORY_STATUS_DASHBOARD: active patterns, focus areas, promotions (candidates and promoted
 * rules), failures and economics, as data and as Markdown. Pure.
 */
import type { Economics } from './economics.js';
import { promotionCandidates, type Memory, type WorkspaceRule } from './memory.js';

export interface FailureSummary {
  id: string;
  summary: string;
  rootCause: string;
  preventionKind: string;
  createdAt: Date;
}

export interface Dashboard {
  generatedAt: string;
  openSession: string | null;
  focusAreas: string[];
  activePatterns: Array<{ id: string; kind: string; title: string; reuseCount: number }>;
  promotions: {
    candidates: Array<{ id: string; title: string; reuseCount: number }>;
    promoted: Array<{
      id: string;
      title: string;
      criticalRules: string[];
      memoryId: string | null;
      createdAt: string;
    }>;
  };
  failures: { total: number; recent: Array<Omit<FailureSummary, 'createdAt'> & { createdAt: string }> };
  economics: Economics;
}

/** How many active patterns and recent failures the dashboard lists. */
export const DASHBOARD_LIMITS = { patterns: 20, failures: 5 };

export function buildDashboard(input: {
  now: Date;
  openSession: string | null;
  focusAreas: string[];
  memories: readonly Memory[];
  rules: readonly WorkspaceRule[];
  failures: readonly FailureSummary[];
  failureTotal: number;
  economics: Economics;
}): Dashboard {
  const active = input.memories
    .filter((m) => m.status === 'active')
    .sort((a, b) => b.reuseCount - a.reuseCount || b.createdAt.getTime() - a.createdAt.getTime())
    .slice(0, DASHBOARD_LIMITS.patterns);
  return {
    generatedAt: input.now.toISOString(),
    openSession: input.openSession,
    focusAreas: input.focusAreas,
    activePatterns: active.map((m) => ({ id: m.id, kind: m.kind, title: m.title, reuseCount: m.reuseCount })),
    promotions: {
      candidates: promotionCandidates(input.memories).map((m) => ({
        id: m.id,
        title: m.title,
        reuseCount: m.reuseCount,
      })),
      promoted: input.rules
        .filter((r) => r.source === 'promotion')
        .map((r) => ({
          id: r.id,
          title: r.title,
          criticalRules: r.criticalRules,
          memoryId: r.memoryId,
          createdAt: r.createdAt.toISOString(),
        })),
    },
    failures: {
      total: input.failureTotal,
      recent: [...input.failures]
        .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())
        .slice(0, DASHBOARD_LIMITS.failures)
        .map((f) => ({ ...f, createdAt: f.createdAt.toISOString() })),
    },
    economics: input.economics,
  };
}

const bullets = (items: string[], empty: string) =>
  items.length ? items.map((i) => `- ${i}`) : [`- ${empty}`];
const pct = (n: number) => `${Math.round(n * 1000) / 10}%`;

/** The dashboard as MEMORY_STATUS_DASHBOARD.md. */
export function renderDashboardMarkdown(d: Dashboard): string {
  const e = d.economics;
  return [
    '# Memory status dashboard',
    '',
    `Generated ${d.generatedAt}. Open session: ${d.openSession ?? 'none'}.`,
    '',
    '## Focus areas',
    '',
    ...bullets(d.focusAreas, 'none set'),
    '',
    '## Active patterns (L0)',
    '',
    ...bullets(
      d.activePatterns.map((p) => `${p.title} (${p.kind}, ${p.id}): reused in ${p.reuseCount} session(s)`),
      'none',
    ),
    '',
    '## Promotions (L3)',
    '',
    'Candidates (reused in 2 or more sessions, awaiting approval):',
    '',
    ...bullets(
      d.promotions.candidates.map((c) => `${c.title} (${c.id}): ${c.reuseCount} sessions`),
      'none',
    ),
    '',
    'Promoted to workspace rules (L1):',
    '',
    ...bullets(
      d.promotions.promoted.map((r) => `${r.title} (${r.id}): ${r.criticalRules.join('; ')}`),
      'none',
    ),
    '',
    `## Failures (L2): ${d.failures.total} logged`,
    '',
    ...bullets(
      d.failures.recent.map(
        (f) => `${f.createdAt} ${f.summary} (root cause: ${f.rootCause}; prevention: ${f.preventionKind})`,
      ),
      'none',
    ),
    '',
    `## Economics (L4), ${e.period.from} to ${e.period.to}`,
    '',
    '| metric | value |',
    '| --- | --- |',
    `| sessions | ${e.sessions} |`,
    `| reuse rate | ${pct(e.reuseRate)} |`,
    `| reuses | ${e.reuses} |`,
    `| tokens saved | ${e.tokensSaved} |`,
    `| tokens invested | ${e.tokensInvested} |`,
    `| ROI | ${e.roi === null ? 'n/a' : pct(e.roi)} |`,
    '',
  ].join('\n');
}
