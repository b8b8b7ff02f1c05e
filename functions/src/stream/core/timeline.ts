/**
 * What the muse is doing, in plain words: each event of the global feed (engine run and step
 * events, the muse's, incidents', tasks', the pause switch's) becomes one sentence for the status
 * page's timeline ("narrative for 'micro dramas' written", "critic: on voice, drift 0.4 %",
 * "paused: the breaker tripped"). The stream adds the sentence to the event once, when it frames
 * it (`event.text`), so the page never shows JSON. Pure: the run's topic and the critic's drift
 * come from the status the stream holds (its `runs` and `lastVerdict`).
 */

/** An event as the feed carries it (JSON: times are ISO strings). */
export interface FeedEventJson {
  type?: unknown;
  runId?: unknown;
  data?: unknown;
  actor?: unknown;
}

/** What the status tells about runs: the production's topic, the critic's last drift. */
export interface TimelineContext {
  topicOf(runId: string): string | undefined;
  verdictOf(runId: string): { drift: number; pass: boolean } | undefined;
}

/** The context read from the status view (its `runs` list and `lastVerdict`). */
export function timelineContext(status: Record<string, unknown>): TimelineContext {
  const runs = Array.isArray(status.runs) ? (status.runs as Array<Record<string, unknown>>) : [];
  const verdict = status.lastVerdict as Record<string, unknown> | null | undefined;
  return {
    topicOf: (runId) => {
      const topic = runs.find((r) => r && r.runId === runId)?.topic;
      return typeof topic === 'string' && topic ? topic : undefined;
    },
    verdictOf: (runId) =>
      verdict && verdict.runId === runId && typeof verdict.drift === 'number'
        ? { drift: verdict.drift, pass: verdict.pass !== false }
        : undefined,
  };
}

const NO_CONTEXT: TimelineContext = { topicOf: () => undefined, verdictOf: () => undefined };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const quoted = (s: string) => `'${s.length > 60 ? `${s.slice(0, 57)}...` : s}'`;
const clip = (s: string, max = 120) => (s.length > max ? `${s.slice(0, max - 3)}...` : s);

/** Drift is stored as a fraction (0.013) or a percentage (1.3); below 1 reads as a fraction. */
export function driftPercent(drift: number): string {
  const pct = drift < 1 ? drift * 100 : drift;
  return `${Number(pct.toFixed(1))} %`;
}

/** What each step of the muse's production does, once it is done. */
const PRODUCTION_STEP_DONE: Record<string, (what: string) => string> = {
  narrative: (w) => `narrative for ${w} written`,
  visual: (w) => `visual spec for ${w} drawn up`,
  motion: (w) => `motion timing for ${w} set`,
  template: (w) => `template piece for ${w} filled in`,
  publish: (w) => `${w} staged`,
  rejected: (w) => `${w} set aside`,
  close: (w) => `production of ${w} closed`,
};

function stepDone(stepId: string, edge: string | undefined, runId: string, ctx: TimelineContext): string {
  const topic = ctx.topicOf(runId);
  const what = topic ? quoted(topic) : runId ? `run ${runId}` : 'a run';
  if (topic && stepId === 'gate')
    return edge === 'unfunded' ? `no funds for ${what}: waiting` : `funds reserved for ${what}`;
  if (stepId === 'critic' && topic) {
    const v = ctx.verdictOf(runId);
    const on = edge ? edge === 'pass' : v?.pass !== false;
    return `critic: ${on ? 'on voice' : 'off voice'}${v ? `, drift ${driftPercent(v.drift)}` : ''} (${what})`;
  }
  const done = topic ? PRODUCTION_STEP_DONE[stepId] : undefined;
  if (done) return done(what);
  return `${stepId} done in ${what}${edge ? ` (${edge})` : ''}`;
}

function runWords(runId: string, ctx: TimelineContext): string {
  if (!runId) return 'a run';
  const topic = ctx.topicOf(runId);
  return topic ? `production of ${quoted(topic)}` : `run ${runId}`;
}

type Describe = (d: Record<string, unknown>, runId: string, ctx: TimelineContext) => string;

/** One sentence per event type the product writes to the global feed. */
export const DESCRIBE: Record<string, Describe> = {
  // --- the engine's runs and steps ---
  'run.created': (d, r) => `run ${r} created${str(d.workflow) ? ` (${str(d.workflow)})` : ''}`,
  'run.started': (_d, r, c) => `${runWords(r, c)} started`,
  'run.running': (_d, r, c) => `${runWords(r, c)} running`,
  'run.awaiting_human': (_d, r, c) => `${runWords(r, c)} waits for a person`,
  'run.succeeded': (_d, r, c) => `${runWords(r, c)} finished`,
  'run.failed': (d, r, c) =>
    `${runWords(r, c)} failed${str(d.failedStep) ? ` at ${str(d.failedStep)}` : ''}${str(d.error) ? `: ${clip(str(d.error)!)}` : ''}`,
  'run.fail_path': (d, r, c) => `${runWords(r, c)} takes its fail path (${str(d.stepId) ?? '?'})`,
  'step.succeeded': (d, r, c) => stepDone(str(d.stepId) ?? '?', str(d.edge), r, c),
  'step.retrying': (d, r, c) =>
    `${str(d.stepId) ?? 'a step'} of ${runWords(r, c)} retries (attempt ${num(d.attempt) ?? '?'})${str(d.error) ? `: ${clip(str(d.error)!)}` : ''}`,
  'step.failed': (d, r, c) =>
    `${str(d.stepId) ?? 'a step'} of ${runWords(r, c)} failed${str(d.error) ? `: ${clip(str(d.error)!)}` : ''}`,
  'step.waiting': (d, r, c) =>
    `${str(d.stepId) ?? 'a step'} of ${runWords(r, c)} waits${str(d.until) ? ` until ${str(d.until)}` : ''}`,
  'step.awaiting_callback': (d, r, c) =>
    `${str(d.stepId) ?? 'a step'} of ${runWords(r, c)} waits for an answer`,
  'step.callback': (d, r, c) =>
    `${str(d.stepId) ?? 'a step'} of ${runWords(r, c)} got its answer${d.ok === false ? ' (failed)' : ''}`,
  'step.parked': (d, r, c) => `paused: ${str(d.stepId) ?? 'a step'} of ${runWords(r, c)} parked`,
  'step.resumed': (d, r, c) => `${str(d.stepId) ?? 'a step'} of ${runWords(r, c)} resumed`,
  'step.republished': (d, r, c) => `${str(d.stepId) ?? 'a stranded step'} of ${runWords(r, c)} sent again`,
  'steps.cancelled': (d, r, c) =>
    `${plural(Array.isArray(d.stepIds) ? d.stepIds.length : 0, 'step')} of ${runWords(r, c)} cancelled`,
  'steps.skipped': (d, r, c) =>
    `${plural(Array.isArray(d.stepIds) ? d.stepIds.length : 0, 'step')} of ${runWords(r, c)} skipped`,
  'gate.opened': (d, r, c) => `${runWords(r, c)} waits for a decision (${str(d.stepId) ?? 'gate'})`,
  'gate.decided': (d, r, c) =>
    `decision on ${runWords(r, c)}: ${str(d.edge) ?? '?'}${str(d.rationale) ? ` (${clip(str(d.rationale)!, 80)})` : ''}`,
  // --- the pause switch ---
  'engine.paused': (d) =>
    d.holder === 'cfo-breaker'
      ? 'paused: the breaker tripped'
      : `paused${str(d.reason) ? `: ${str(d.reason)}` : ''}`,
  'engine.hold_released': (d) =>
    `one hold released${str(d.holder) ? ` (${str(d.holder)})` : ''}; still paused`,
  'engine.resumed': () => 'resumed: nothing holds the loop',
  // --- the muse ---
  'muse.tick.completed': (d) => {
    const sources = (num(d.sourcesOk) ?? 0) + (num(d.sourcesFailed) ?? 0);
    const failed = num(d.sourcesFailed) ?? 0;
    return (
      `scanned ${plural(sources, 'source')}${failed ? ` (${failed} failing)` : ''}: ` +
      `${plural(num(d.candidates) ?? 0, 'candidate')}, ${plural(num(d.intents) ?? 0, 'new intent')}`
    );
  },
  'muse.tick.failed': (d) => `trend scan failed${str(d.reason) ? `: ${str(d.reason)}` : ''}`,
  'muse.tick.skipped': (d) => `trend scan skipped${str(d.reason) ? `: ${str(d.reason)}` : ''}`,
  'muse.intent.requested': (d) => `asked to make ${quoted(str(d.topic) ?? '?')}`,
  'muse.asset.staged': (d, _r, c) =>
    `new piece staged${str(d.runId) && c.topicOf(str(d.runId)!) ? ` for ${quoted(c.topicOf(str(d.runId)!)!)}` : ''}${num(d.drift) !== undefined ? `, drift ${driftPercent(num(d.drift)!)}` : ''}${num(d.cost) !== undefined ? `, cost ${num(d.cost)}` : ''}`,
  'muse.breaker.tripped': (d) => `paused: the breaker tripped${str(d.reason) ? ` (${str(d.reason)})` : ''}`,
  'muse.breaker.overridden': (d) =>
    `breaker overridden${str(d.rationale) ? `: ${clip(str(d.rationale)!, 80)}` : ''}`,
  'muse.safemode.entered': (d) =>
    `safe mode on after ${plural(num(d.consecutiveRejections) ?? 0, 'rejection')}: templates only`,
  'muse.safemode.exited': () => 'safe mode off: free generation again',
  'muse.bible.updated': () => 'identity Bible updated',
  'muse.sources.updated': () => 'trend sources updated',
  // --- incidents and tasks ---
  'incident.opened': (d) =>
    `incident opened${str(d.severity) ? ` (${str(d.severity)})` : ''}${str(d.source) ? `: ${str(d.source)}` : ''}`,
  'incident.acknowledged': () => 'incident acknowledged',
  'incident.recovering': () => 'incident recovering',
  'incident.escalated': (d) => `incident escalated to level ${num(d.to) ?? '?'}`,
  'incident.resolved': () => 'incident resolved',
  'incident.reviewed': () => 'incident reviewed',
  'task.started': (d) => `task ${str(d.taskId) ?? '?'} started`,
  'task.blocked': (d) => `task ${str(d.taskId) ?? '?'} blocked`,
  'task.unblocked': (d) => `task ${str(d.taskId) ?? '?'} unblocked`,
  'task.completed': (d) => `task ${str(d.taskId) ?? '?'} done`,
  'task.heartbeat.stale': (d) => `task ${str(d.taskId) ?? '?'} went silent`,
  'task.heartbeat.cleared': (d) => `task ${str(d.taskId) ?? '?'} beats again`,
};

/** Turns `a.b_c` into `a b c` for a type the table does not know yet. */
const spaced = (type: string) => type.replace(/[._]+/g, ' ').trim();

/** The event in plain words; never JSON, never throws (a malformed event still reads as its type). */
export function describeEvent(e: FeedEventJson, ctx: TimelineContext = NO_CONTEXT): string {
  const type = str(e.type) ?? 'event';
  const data =
    e.data && typeof e.data === 'object' && !Array.isArray(e.data) ? (e.data as Record<string, unknown>) : {};
  const runId = str(e.runId) ?? '';
  const describe = Object.hasOwn(DESCRIBE, type) ? DESCRIBE[type] : undefined;
  if (!describe) return spaced(type);
  try {
    return describe(data, runId, ctx);
  } catch {
    return spaced(type);
  }
}
