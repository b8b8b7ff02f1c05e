/**
 * SCMS L2 failure logs: a summary, what broke, at least five whys, a root cause and an actionable
 * prevention strategy. Anything less is refused with every missing part named. Pure.
 */
import { invalidInput } from '../../shared/errors.js';

export const PREVENTION_KINDS = ['add_rule', 'add_test', 'add_guard', 'change_process'] as const;
export type PreventionKind = (typeof PREVENTION_KINDS)[number];
export const MIN_WHYS = 5;

export interface FailureLogFields {
  summary: string;
  whatBroke: string;
  whys: string[];
  rootCause: string;
  prevention: { kind: PreventionKind; text: string };
  sessionId?: string;
  /** Where the log came from: free text, or a reference such as `{ type: 'incident', id }`. */
  source?: string | Record<string, unknown>;
}

/** Prevention texts that promise nothing anyone can check. */
const VAGUE =
  /^(n\/?a|none|tbd|todo|-+|\.+|be (more )?careful|try harder|pay (more )?attention|do better|don'?t do (it|that) again)\.?$/i;

const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/**
 * Checks a failure log and names what is missing. Returns the trimmed fields, or throws
 * invalid_input listing every missing part (details.missing holds them one by one).
 */
export function validateFailureLog(input: unknown): FailureLogFields {
  const o = (input && typeof input === 'object' ? input : {}) as Record<string, unknown>;
  const missing: string[] = [];
  if (!str(o.summary)) missing.push('summary');
  if (!str(o.whatBroke)) missing.push('whatBroke (what broke)');
  const whys = Array.isArray(o.whys) ? o.whys.map(str).filter(Boolean) : [];
  if (whys.length < MIN_WHYS) missing.push(`whys: ${MIN_WHYS} whys are required, got ${whys.length}`);
  if (!str(o.rootCause)) missing.push('rootCause (root cause)');
  const p = (o.prevention && typeof o.prevention === 'object' ? o.prevention : {}) as Record<string, unknown>;
  const kind = str(p.kind);
  if (!(PREVENTION_KINDS as readonly string[]).includes(kind)) {
    missing.push(`prevention.kind: one of ${PREVENTION_KINDS.join(', ')}`);
  }
  const text = str(p.text);
  if (!text) missing.push('prevention.text (the prevention strategy)');
  else if (VAGUE.test(text) || text.split(/\s+/).length < 3) {
    missing.push(
      `prevention.text: "${text}" is not actionable; say what rule, test, guard or process changes`,
    );
  }
  if (o.sessionId !== undefined && typeof o.sessionId !== 'string')
    missing.push('sessionId: must be a string');
  const source = o.source;
  const sourceOk =
    typeof source === 'string' || (!!source && typeof source === 'object' && !Array.isArray(source));
  if (source !== undefined && !sourceOk) missing.push('source: must be a string or an object');
  if (missing.length) {
    throw invalidInput(`failure log refused; missing or insufficient: ${missing.join('; ')}`, { missing });
  }
  return {
    summary: str(o.summary),
    whatBroke: str(o.whatBroke),
    whys,
    rootCause: str(o.rootCause),
    prevention: { kind: kind as PreventionKind, text },
    ...(typeof o.sessionId === 'string' ? { sessionId: o.sessionId } : {}),
    ...(source !== undefined ? { source: source as FailureLogFields['source'] } : {}),
  };
}
