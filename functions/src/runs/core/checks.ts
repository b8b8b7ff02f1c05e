/**
 * Scenario and policy checks over a run's outputs: exact, contains, regex, JSON-path, and a
 * model-graded rubric. Pure: the rubric's model call happens in the evaluation use case, which
 * uses `rubricRequest` and `rubricResult` from here. Regex checks run on RE2 (linear time).
 */
import { compileLinear } from '../../shared/linear-regex.js';

interface Target {
  /** The stage whose output is checked; `$run` is the run itself ({ state, failures }). */
  stage: string;
  /** JSON path into that output, e.g. `$.title` or `items[0].id`. */
  path?: string;
}

export type Check =
  | (Target & { kind: 'exact'; equals: unknown })
  | (Target & { kind: 'contains'; text: string })
  | (Target & { kind: 'regex'; pattern: string; flags?: string })
  | (Target & { kind: 'jsonPath'; path: string; equals?: unknown; exists?: boolean })
  | (Target & { kind: 'rubric'; rubric: string; minScore?: number });

export interface CheckResult {
  kind: Check['kind'];
  target: string;
  pass: boolean;
  /** What was compared, so a person can see why without re-running. */
  evidence: { actual: unknown; expected?: unknown; note?: string };
}

export const RUN_TARGET = '$run';
const MAX_EVIDENCE = 2000;

/** Resolves `$.a.b[0]`, `a.b.0` or `a["b"]`; `found: false` when any segment is missing. */
export function jsonPath(value: unknown, path: string): { found: boolean; value?: unknown } {
  const segments = path
    .replace(/^\$\.?/, '')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/\["([^"]+)"\]/g, '.$1')
    .split('.')
    .filter((s) => s.length > 0);
  let cur: unknown = value;
  for (const seg of segments) {
    if (cur === null || typeof cur !== 'object' || !(seg in (cur as object))) return { found: false };
    cur = (cur as Record<string, unknown>)[seg];
  }
  return { found: true, value: cur };
}

/** The value a check looks at, or why there is none. */
export function checkTarget(
  check: Check,
  outputs: Record<string, unknown>,
): { found: boolean; value?: unknown } {
  if (!(check.stage in outputs)) return { found: false };
  const out = outputs[check.stage];
  return check.path ? jsonPath(out, check.path) : { found: true, value: out };
}

const asText = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));

function clip(v: unknown): unknown {
  const s = asText(v);
  return s.length > MAX_EVIDENCE ? `${s.slice(0, MAX_EVIDENCE)}…` : v;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/** Evaluates every check kind except `rubric`, which needs the model. */
export function evaluateCheck(
  check: Exclude<Check, { kind: 'rubric' }>,
  outputs: Record<string, unknown>,
): CheckResult {
  const target = check.path ? `${check.stage}:${check.path}` : check.stage;
  const t = checkTarget(check, outputs);
  const result = (pass: boolean, expected: unknown, note?: string): CheckResult => ({
    kind: check.kind,
    target,
    pass,
    evidence: { actual: clip(t.value), expected, ...(note ? { note } : {}) },
  });
  if (check.kind === 'jsonPath') {
    const wantsAbsent = check.exists === false;
    if (!t.found) return result(wantsAbsent, check.equals, wantsAbsent ? undefined : 'path not found');
    if (wantsAbsent) return result(false, 'absent', 'path exists');
    return check.equals === undefined
      ? result(true, 'present')
      : result(deepEqual(t.value, check.equals), check.equals);
  }
  if (!t.found) return result(false, expectedOf(check), `no output at ${target}`);
  switch (check.kind) {
    case 'exact':
      return result(deepEqual(t.value, check.equals), check.equals);
    case 'contains':
      return result(asText(t.value).includes(check.text), check.text);
    case 'regex': {
      // Linear time whatever the pattern: a caller's regex must never stall the process.
      const re = compileLinear(check.pattern, check.flags);
      if (!re.ok) return result(false, check.pattern, `invalid pattern: ${re.error}`);
      return result(re.test(asText(t.value)), `/${check.pattern}/${check.flags ?? ''}`);
    }
  }
}

function expectedOf(check: Exclude<Check, { kind: 'rubric' | 'jsonPath' }>): unknown {
  if (check.kind === 'exact') return check.equals;
  if (check.kind === 'contains') return check.text;
  return check.pattern;
}

export const RUBRIC_SCHEMA = {
  type: 'object',
  properties: { score: { type: 'number' }, pass: { type: 'boolean' }, reason: { type: 'string' } },
  required: ['score', 'pass', 'reason'],
} as const;

/** The grading request for a rubric check: the rubric and the output, nothing else of the run. */
export function rubricRequest(check: Extract<Check, { kind: 'rubric' }>, actual: unknown) {
  return {
    purpose: 'rubric' as const,
    system: 'You grade an output against a rubric. Answer JSON: score 0..1, pass, reason.',
    prompt: `Rubric:\n${check.rubric}\n\nOutput:\n${asText(actual)}`,
    responseSchema: RUBRIC_SCHEMA as unknown as Record<string, unknown>,
    temperature: 0,
  };
}

/** Turns the model's verdict into a check result; an unreadable verdict fails the check. */
export function rubricResult(
  check: Extract<Check, { kind: 'rubric' }>,
  actual: unknown,
  verdict: unknown,
): CheckResult {
  const target = check.path ? `${check.stage}:${check.path}` : check.stage;
  const v = verdict as { score?: unknown; pass?: unknown; reason?: unknown } | undefined;
  const score = typeof v?.score === 'number' ? v.score : undefined;
  const min = check.minScore ?? 0.7;
  const pass = score !== undefined ? score >= min && v?.pass !== false : v?.pass === true;
  return {
    kind: 'rubric',
    target,
    pass,
    evidence: {
      actual: clip(actual),
      expected: `score >= ${min}: ${check.rubric}`,
      note: typeof v?.reason === 'string' ? `score ${score ?? '?'}: ${v.reason}` : 'unreadable verdict',
    },
  };
}
