/**
 * Shared validation building blocks for everything a caller sends: ids (path parameters, ids inside
 * bodies, cursors), bounded text, the common query values, and a walk over a whole JSON body.
 * Firestore refuses some ids (`.`, `..`, `__x__`, a `/`, over 1,500 bytes) and cannot store a lone
 * UTF-16 surrogate (strings travel as UTF-8), and before these checks each of those reached a
 * write and came back as a 500. Pure: core policy and route schemas both use these.
 */
import { z } from 'zod';

/** Longest id accepted anywhere: 256 UTF-16 units is at most 768 UTF-8 bytes, under Firestore's 1,500. */
export const ID_MAX = 256;
/** Longest single string in any request body (route schemas set tighter bounds per field). */
export const BODY_STRING_MAX = 100_000;
/** Deepest nesting of a request body; Firestore stores at most 20 levels, and bodies are stored a level or two down. */
export const BODY_DEPTH_MAX = 16;
/** Longest free text kept in an audit record or a rationale or reason. */
export const RATIONALE_MAX = 2000;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001F\u007F]/;

/** True when `s` has a UTF-16 surrogate without its pair: not Unicode, so not storable as UTF-8. */
export const hasLoneSurrogate = (s: string): boolean => LONE_SURROGATE.test(s);

/** Why `value` is not a legal id, or undefined when it is. */
export function idProblem(value: string): string | undefined {
  if (value.length === 0) return 'must not be empty';
  if (value.length > ID_MAX) return `must be at most ${ID_MAX} characters (got ${value.length})`;
  if (value === '.' || value === '..') return `must not be "${value}"`;
  if (/^__.*__$/.test(value)) return 'must not start and end with "__" (reserved)';
  if (value.includes('/')) return 'must not contain "/"';
  if (hasLoneSurrogate(value)) return 'must not contain a lone UTF-16 surrogate';
  if (CONTROL.test(value)) return 'must not contain control characters';
  return undefined;
}

/** A zod id: the rule of `idProblem`, named in the 400. */
export const id = () =>
  z.string().superRefine((v, ctx) => {
    const problem = idProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: `not a valid id: ${problem}` });
  });

/** A zod string of at most `max` characters with no lone surrogate. */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !hasLoneSurrogate(v), 'must not contain a lone UTF-16 surrogate');

/** A rationale or reason: required, trimmed, bounded. */
export const rationale = (what = 'a rationale is required') =>
  z
    .string()
    .trim()
    .min(1, what)
    .max(RATIONALE_MAX)
    .refine((v) => !hasLoneSurrogate(v), 'must not contain a lone UTF-16 surrogate');

/** The query values every list route shares; a route reads them after the router checked them. */
export const QUERY_RULES: Record<string, z.ZodType> = {
  limit: z
    .string()
    .regex(/^\d{1,4}$/, 'must be a whole number from 1 to 1000')
    .refine((v) => Number(v) >= 1 && Number(v) <= 1000, 'must be a whole number from 1 to 1000'),
  after: id(),
  before: id(),
  status: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must be a status name (letters, digits, _ -)'),
  state: z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, 'must be a state name (letters, digits, _ -)'),
};
/** Any other query value: bounded, Unicode. */
export const QUERY_VALUE = text(1000);

/** Why a JSON object key cannot be stored as a Firestore field name, or undefined. */
function keyProblem(k: string): string | undefined {
  if (k.length === 0) return 'is empty';
  if (k.length > ID_MAX) return `is longer than ${ID_MAX} characters`;
  if (/^__.*__$/.test(k)) return 'starts and ends with "__" (reserved)';
  if (hasLoneSurrogate(k)) return 'contains a lone UTF-16 surrogate';
  return undefined;
}

/** The first problem in a parsed JSON body, named by its JSON path, or undefined. Iterative: no recursion on attacker-chosen depth. */
export function jsonBodyProblem(body: unknown): string | undefined {
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: body, path: '$', depth: 0 }];
  while (stack.length) {
    const { v, path, depth } = stack.pop()!;
    if (typeof v === 'string') {
      if (v.length > BODY_STRING_MAX)
        return `${path}: a string of ${v.length} characters is longer than the ${BODY_STRING_MAX} allowed`;
      if (hasLoneSurrogate(v)) return `${path}: contains a lone UTF-16 surrogate (not valid Unicode)`;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= BODY_DEPTH_MAX) return `${path}: nested deeper than ${BODY_DEPTH_MAX} levels`;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, path: `${path}[${i}]`, depth: depth + 1 }));
    else
      for (const [k, x] of Object.entries(v)) {
        const problem = keyProblem(k);
        if (problem) return `${path}: the key ${JSON.stringify(k.slice(0, 40))} ${problem}`;
        stack.push({ v: x, path: `${path}.${k}`, depth: depth + 1 });
      }
  }
  return undefined;
}
