/**
 * Regular expressions a caller supplies (a scenario suite's regex check) run on RE2's linear-time
 * engine (re2js, pure JavaScript): matching time grows with the input, never exponentially, so no
 * pattern can stall the event loop. The native `RegExp` backtracks: `(a+)+$` on 30 `a`s and a `b`
 * blocked the process for seconds. RE2 has no backreferences or lookaround; a pattern that needs
 * them is refused when the suite is published, naming why. Pure.
 */
import { RE2JS } from 're2js';

/** Longest pattern accepted. */
export const PATTERN_MAX = 1000;

const FLAG_BITS: Record<string, number> = {
  i: RE2JS.CASE_INSENSITIVE,
  m: RE2JS.MULTILINE,
  s: RE2JS.DOTALL,
  // Unicode is RE2's default; global and sticky mean nothing to a yes/no test.
  u: 0,
  g: 0,
  y: 0,
};

export type LinearRegex = { ok: true; test(input: string): boolean } | { ok: false; error: string };

/** Compiles a JavaScript-style pattern and flags for RE2, or says why it cannot be. */
export function compileLinear(pattern: string, flags = ''): LinearRegex {
  if (pattern.length > PATTERN_MAX)
    return { ok: false, error: `the pattern is longer than ${PATTERN_MAX} characters` };
  let bits = 0;
  for (const f of flags) {
    if (!(f in FLAG_BITS)) return { ok: false, error: `flag "${f}" is not supported (use i, m, s, u)` };
    bits |= FLAG_BITS[f]!;
  }
  try {
    const re = RE2JS.compile(RE2JS.translateRegExp(pattern), bits);
    return { ok: true, test: (input) => re.test(input) };
  } catch (err) {
    const why = (err as Error).message;
    const hint = /unsupported|escape/.test(why)
      ? ' (patterns run on RE2: no backreferences or lookaround)'
      : '';
    return { ok: false, error: `${why}${hint}` };
  }
}
