/**
 * SCMS L5 session closure report: the manual's four-point checklist (failures logged, promotions
 * handled, data in sync, tests passing) built from what happened in the session, and its Markdown
 * (SESSION_LOG_L5.md). Pure.
 */
export interface CheckItem {
  ok: boolean;
  detail: string;
}

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
    dataInSync: CheckItem & { anomalies: number; parityDifferences: number | null };
    testsPassing: CheckItem & { total: number | null; failed: number | null; command: string | null };
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
  parity?: { inSync: boolean; differences?: number };
  tests: { passed: boolean; total?: number; failed?: number; command?: string };
  captured: Array<{ id: string; kind: string; title: string }>;
  reused: Array<{ memoryId: string; title: string; tokensSaved: number }>;
  notes?: string;
}

export function buildClosureReport(f: ClosureFacts): ClosureReport {
  const observed = f.failuresObserved ?? f.failures.length;
  const failuresLogged = {
    ok: f.failures.length >= observed,
    detail:
      f.failures.length >= observed
        ? `${f.failures.length} failure log(s) recorded`
        : `${observed} failure(s) seen, only ${f.failures.length} logged`,
    failures: f.failures,
  };
  const promotionsHandled = {
    ok: f.pending.length === 0,
    detail: `${f.approved.length} approved, ${f.pending.length} candidate(s) awaiting a decision`,
    approved: f.approved,
    pending: f.pending,
  };
  const paritySays = f.parity ? (f.parity.inSync ? 'parity in sync' : 'parity drift') : 'parity not reported';
  const dataInSync = {
    ok: f.anomalies === 0 && f.parity?.inSync !== false,
    detail: `${paritySays}; ${f.anomalies} store anomal${f.anomalies === 1 ? 'y' : 'ies'}`,
    anomalies: f.anomalies,
    parityDifferences: f.parity ? (f.parity.differences ?? (f.parity.inSync ? 0 : null)) : null,
  };
  const testsPassing = {
    ok: f.tests.passed,
    detail: f.tests.passed
      ? `tests passed${f.tests.total === undefined ? '' : ` (${f.tests.total})`}`
      : `tests failing${f.tests.failed === undefined ? '' : ` (${f.tests.failed} failed)`}`,
    total: f.tests.total ?? null,
    failed: f.tests.failed ?? null,
    command: f.tests.command ?? null,
  };
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

const box = (ok: boolean) => (ok ? '[x]' : '[ ]');
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
    `- ${box(c.failuresLogged.ok)} Pattern reflection: failures logged (${c.failuresLogged.detail})`,
    ...list(
      c.failuresLogged.failures.map((x) => `${x.id}: ${x.summary}`),
      'no failures logged',
    ),
    `- ${box(c.promotionsHandled.ok)} Pipeline update: promotions handled (${c.promotionsHandled.detail})`,
    ...list(
      [
        ...c.promotionsHandled.approved.map((x) => `approved ${x.memoryId} -> rule ${x.ruleId}`),
        ...c.promotionsHandled.pending.map(
          (x) => `pending ${x.memoryId} "${x.title}" (${x.sessions} sessions)`,
        ),
      ],
      'no candidates',
    ),
    `- ${box(c.dataInSync.ok)} Dashboard sync: data matches reality (${c.dataInSync.detail})`,
    `- ${box(c.testsPassing.ok)} System health: ${c.testsPassing.detail}`,
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
