/**
 * Drift: how far a generation strays from the identity Bible, as a share between 0 and 1.
 *
 * The local measure (deterministic, free):
 *   units     = the narrative title, each sentence of the hook, body and call to action, the
 *               visual prompt, the visual style, and each shot description; plus one "pillar"
 *               unit for the whole narrative.
 *   a text unit violates the Bible when it
 *     - contains a banned term (case-insensitive, whole words: "hate" does not match "whatever"),
 *     - is longer than voice.maxSentenceWords words, or
 *     - shouts while the voice is calm: an exclamation mark, or a word of 4+ letters in capitals.
 *   the pillar unit violates when the narrative (title, hook, body, cta) contains no keyword of
 *               any pillar.
 *   drift     = violating units / all units.
 * A generation passes when drift < threshold (default 0.02, i.e. 2%). With the threshold at 2%, a
 * piece of fewer than 50 units passes only with no violation at all; a long piece may carry one slip
 * per 50 units. Motion specs are timing data, checked by their schema, not scored here.
 *
 * Pure.
 */
import type { Bible } from '../../production/core/bible.js';
import { scriptOf, type Generation } from '../../production/core/specs.js';

export const DEFAULT_DRIFT_THRESHOLD = 0.02;

export type Rule = 'banned-term' | 'too-long' | 'shouting' | 'no-pillar';

export interface Violation {
  unit: string;
  rule: Rule;
  detail: string;
}

export interface DriftScore {
  drift: number;
  units: number;
  violations: Violation[];
}

/** Splits prose into sentences at . ! ? (and line breaks), keeping the punctuation. */
export function sentences(text: string): string[] {
  return (text.match(/[^.!?\n]+(?:[.!?]+|$)/g) ?? [])
    .map((s) => s.trim())
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `term` occurs in `text` as whole words, ignoring case and curly apostrophes. */
export function containsTerm(text: string, term: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/\u2019/g, "'");
  const re = new RegExp(`(?<![\\p{L}\\p{N}])${escape(norm(term).trim())}(?![\\p{L}\\p{N}])`, 'u');
  return re.test(norm(text));
}

const wordCount = (s: string) => (s.match(/[\p{L}\p{N}'-]+/gu) ?? []).length;

function unitViolations(unit: string, text: string, bible: Bible): Violation[] {
  const out: Violation[] = [];
  const banned = bible.bannedTerms.find((t) => containsTerm(text, t));
  if (banned) out.push({ unit, rule: 'banned-term', detail: banned });
  const words = wordCount(text);
  if (words > bible.voice.maxSentenceWords)
    out.push({ unit, rule: 'too-long', detail: `${words} words > ${bible.voice.maxSentenceWords}` });
  if (bible.voice.calm) {
    const caps = text.match(/\b\p{Lu}{4,}\b/u);
    if (text.includes('!')) out.push({ unit, rule: 'shouting', detail: 'exclamation mark' });
    else if (caps) out.push({ unit, rule: 'shouting', detail: `"${caps[0]}" in capitals` });
  }
  return out;
}

/** The local drift measure defined above. */
export function localDrift(gen: Generation, bible: Bible): DriftScore {
  const units: Array<[string, string]> = [
    ['title', gen.narrative.title],
    ...sentences(scriptOf(gen.narrative)).map((s, i): [string, string] => [`script[${i}]`, s]),
    ['visual.prompt', gen.visual.prompt],
    ['visual.style', gen.visual.style],
    ...gen.visual.shots.map((s, i): [string, string] => [`shot ${i + 1}`, s.description]),
  ];
  const violations: Violation[] = [];
  let violating = 0;
  for (const [unit, text] of units) {
    const v = unitViolations(unit, text, bible);
    if (v.length) violating += 1;
    violations.push(...v);
  }
  const narrative = `${gen.narrative.title}\n${scriptOf(gen.narrative)}`;
  const touches = bible.pillars.some((p) => p.keywords.some((k) => containsTerm(narrative, k)));
  if (!touches) {
    violating += 1;
    violations.push({ unit: 'narrative', rule: 'no-pillar', detail: 'touches none of the pillars' });
  }
  const total = units.length + 1;
  return { drift: violating / total, units: total, violations };
}

/** One line a person can read in Slack. */
export function describeViolations(violations: Violation[]): string {
  if (violations.length === 0) return 'on voice';
  return violations.map((v) => `${v.unit}: ${v.rule} (${v.detail})`).join('; ');
}
