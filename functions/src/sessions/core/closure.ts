/**
 * SCMS L5 session closure report: the manual's four-point checklist (failures logged, promotions
 * handled, data in sync, tests passing) built from what happened in the session, and its Markdown
 * (SESSION_LOG_L5.md). Pure.
 *
 * "Data in sync" and "tests passing" are never taken on someone's word: data in sync comes from a
 * parity check (the files checked at closure, or the last check `npm run parity` recorded) plus the
 * store's anomalies, and tests passing from the latest CI guard result of each guard. With nothing
 * to check, an item is `unknown`, which is not a pass (the report then needs attention).
 */
export type CheckState = 'pass' | 'fail' | 'unknown';

export interface CheckItem {
  /** `state === 'pass'`. */
  ok: boolean;
  state: CheckState;
  detail: string;
}

/** Where "data in sync" came from. */
export type ParityEvidence =
  | { source: 'files'; dir: string; differences: number; at: Date }
  | { source: 'recorded-check'; checkId: string; dir: string; differences: number; at: Date }
  | { source: 'unavailable'; reason: string }
  | { source: 'none' };

/** Where "tests passing" came from: the latest CI result of each guard. */
export type TestsEvidence =
  | { source: 'ci-guard-results'; results: Array<{ guard: string; status: string; at: Date }> }
  | { source: 'none' };

export interface ClosureReport {
  sessionId: string;
  startedAt: string;
  closedAt: string;
  status: 'clean' | 'attention';
  checklist: {
    failuresLogged: CheckItem & { failures: Array<{ id: string; summary: string }> };
    promotionsHandled: CheckItem & {
      approved: Array<{ memoryId: string; ruleId: string }>;
      pending: Array<{ memoryId: string; title: string; sessions: number }>;
    };
    dataInSync: CheckItem & {
      anomalies: number;
      parityDifferences: number | null;
      /** `files:<dir>`, `recorded-check:<id>`, or `none`. */
      source: string;
      checkedAt: string | null;
    };
    testsPassing: CheckItem & {
      total: number | null;
      failed: number | null;
      command: string | null;
      /** `ci-guard-results` or `none`. */
      source: string;
      guards: Array<{ guard: string; status: string; at: string }>;
      /** What the closing agent said, kept for the record; it does not decide the item. */
      reported: { passed: boolean; total?: number; failed?: number; command?: string } | null;
    };
  };
  memoriesCaptured: Array<{ id: string; kind: string; title: string }>;
  memoriesReused: Array<{ memoryId: string; title: string; tokensSaved: number }>;
  tokensSaved: number;
  notes: string | null;
}

export interface ClosureFacts {
  session: { id: string; startedAt: Date };
  closedAt: Date;
  failures: Array<{ id: string; summary: string }>;
  /** Failures the agent saw; more than were logged fails the first check. */
  failuresObserved?: number;
  approved: Array<{ memoryId: string; ruleId: string }>;
  pending: Array<{ memoryId: string; title: string; sessions: number }>;
  anomalies: number;
  parity: ParityEvidence;
  tests: TestsEvidence;
  reportedTests?: { passed: boolean; total?: number; failed?: number; command?: string };
  captured: Array<{ id: string; kind: string; title: string }>;
  reused: Array<{ memoryId: string; title: string; tokensSaved: number }>;
  notes?: string;
}

export function buildClosureReport(f: ClosureFacts): ClosureReport {
  const observed = f.failuresObserved ?? f.failures.length;
  const failuresLogged = {
    ...state(f.failures.length >= observed),
    detail:
      f.failures.length >= observed
        ? `${f.failures.length} failure log(s) recorded`
        : `${observed} failure(s) seen, only ${f.failures.length} logged`,
    failures: f.failures,
  };
  const promotionsHandled = {
    ...state(f.pending.length === 0),
    detail: `${f.approved.length} approved, ${f.pending.length} candidate(s) awaiting a decision`,
    approved: f.approved,
    pending: f.pending,
  };
  const dataInSync = dataInSyncItem(f.parity, f.anomalies);
  const testsPassing = testsPassingItem(f.tests, f.reportedTests);
  const checklist = { failuresLogged, promotionsHandled, dataInSync, testsPassing };
  return {
    sessionId: f.session.id,
    startedAt: f.session.startedAt.toISOString(),
    closedAt: f.closedAt.toISOString(),
    status: Object.values(checklist).every((c) => c.ok) ? 'clean' : 'attention',
    checklist,
    memoriesCaptured: f.captured,
    memoriesReused: f.reused,
    tokensSaved: f.reused.reduce((n, r) => n + r.tokensSaved, 0),
    notes: f.notes ?? null,
  };
}

const state = (ok: boolean): { ok: boolean; state: CheckState } => ({ ok, state: ok ? 'pass' : 'fail' });

function dataInSyncItem(p: ParityEvidence, anomalies: number): ClosureReport['checklist']['dataInSync'] {
  const store = `${anomalies} store anomal${anomalies === 1 ? 'y' : 'ies'}`;
  if (p.source === 'none' || p.source === 'unavailable') {
    const why =
      p.source === 'none'
        ? 'no parity check: `npm run parity -- check <dir>` has recorded none'
        : `parity check could not run (${p.reason})`;
    return {
      ...(anomalies ? state(false) : { ok: false, state: 'unknown' as const }),
      detail: `${why}; ${store}`,
      anomalies,
      parityDifferences: null,
      source: 'none',
      checkedAt: null,
    };
  }
  const where =
    p.source === 'files'
      ? `files in ${p.dir} checked at closure`
      : `last recorded check ${p.checkId} of ${p.dir}`;
  return {
    ...state(p.differences === 0 && anomalies === 0),
    detail: `${p.differences === 0 ? 'parity in sync' : `parity drift: ${p.differences} difference(s)`} (${where}); ${store}`,
    anomalies,
    parityDifferences: p.differences,
    source: p.source === 'files' ? `files:${p.dir}` : `recorded-check:${p.checkId}`,
    checkedAt: p.at.toISOString(),
  };
}

function testsPassingItem(
  t: TestsEvidence,
  reported: ClosureFacts['reportedTests'],
): ClosureReport['checklist']['testsPassing'] {
  const common = { command: reported?.command ?? null, reported: reported ?? null };
  if (t.source === 'none' || t.results.length === 0)
    return {
      ok: false,
      state: 'unknown',
      detail: 'tests unknown: no CI guard result has been reported (POST /v1/guards/results)',
      total: null,
      failed: null,
      source: 'none',
      guards: [],
      ...common,
    };
  const failing = t.results.filter((r) => r.status !== 'pass');
  return {
    ...state(failing.length === 0),
    detail: failing.length
      ? `tests failing: latest CI result of ${failing.map((r) => `${r.guard} is ${r.status}`).join(', ')}`
      : `tests passed: latest CI result of each of ${t.results.length} guard(s) is pass`,
    total: t.results.length,
    failed: failing.length,
    source: 'ci-guard-results',
    guards: t.results.map((r) => ({ guard: r.guard, status: r.status, at: r.at.toISOString() })),
    ...common,
  };
}

const box = (s: CheckState) => (s === 'pass' ? '[x]' : s === 'fail' ? '[ ]' : '[?]');
const list = (items: string[], empty: string) =>
  items.length ? items.map((i) => `  - ${i}`) : [`  - ${empty}`];

/** The report as SESSION_LOG_L5.md. */
export function renderClosureMarkdown(r: ClosureReport): string {
  const c = r.checklist;
  return [
    `# Session closure report (L5): ${r.sessionId}`,
    '',
    `- Started: ${r.startedAt}`,
    `- Closed: ${r.closedAt}`,
    `- Status: **${r.status}**`,
    '',
    '## Checklist',
    '',
    `- ${box(c.failuresLogged.state)} Pattern reflection: failures logged (${c.failuresLogged.detail})`,
    ...list(
      c.failuresLogged.failures.map((x) => `${x.id}: ${x.summary}`),
      'no failures logged',
    ),
    `- ${box(c.promotionsHandled.state)} Pipeline update: promotions handled (${c.promotionsHandled.detail})`,
    ...list(
      [
        ...c.promotionsHandled.approved.map((x) => `approved ${x.memoryId} -> rule ${x.ruleId}`),
        ...c.promotionsHandled.pending.map(
          (x) => `pending ${x.memoryId} "${x.title}" (${x.sessions} sessions)`,
        ),
      ],
      'no candidates',
    ),
    `- ${box(c.dataInSync.state)} Dashboard sync: data matches reality (${c.dataInSync.detail})`,
    `- ${box(c.testsPassing.state)} System health: ${c.testsPassing.detail}`,
    '',
    '## Memory',
    '',
    `Captured (L0):`,
    ...list(
      r.memoriesCaptured.map((m) => `${m.id} [${m.kind}] ${m.title}`),
      'none',
    ),
    `Reused:`,
    ...list(
      r.memoriesReused.map((m) => `${m.memoryId} ${m.title}: ${m.tokensSaved} tokens saved`),
      'none',
    ),
    '',
    `Tokens saved this session: ${r.tokensSaved}`,
    ...(r.notes ? ['', '## Notes', '', r.notes] : []),
    '',
  ].join('\n');
}
