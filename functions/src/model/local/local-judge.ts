/**
 * The local model's judging purposes: critic (drift against the identity Bible) and rubric
 * (grading an output against a rubric). Both are deterministic and their measures documented
 * here, so tests and demos can steer them.
 */
import type { Rng } from './hash.js';
import type { Produced } from './local-produce.js';
import { bannedTerms, keywords, section } from './prompt-read.js';

const LABELS = [
  'rubric',
  'criteria',
  'output',
  'answer',
  'generation',
  'candidate',
  'bible',
  'banned',
  'voice',
  'pillars',
];

/**
 * Critic drift, in [0, 1]:
 *   drift = min(1, 0.25 x (banned terms found in the generation) + base)
 * where `base` is seeded by the request: 9 in 10 generations get a base in [0.002, 0.018] (a pass
 * at the 2% threshold), 1 in 10 get [0.021, 0.045] ("slightly off-voice", a rejection). Banned
 * terms are read from a `Banned:` / `Banned terms:` line in the system text or the prompt; the
 * generation is the prompt's `Generation:`/`Output:` section, or the whole prompt. So a test that
 * wants a rejection puts a banned term in the generation.
 */
export function critic(system: string, prompt: string, rng: Rng): Produced {
  const generation = (
    section(prompt, 'generation', LABELS) ??
    section(prompt, 'output', LABELS) ??
    prompt.replace(/^\s*(banned|banned terms|avoid)\s*:.*$/gim, '')
  ).toLowerCase();
  const banned = bannedTerms(`${system}\n${prompt}`);
  const hits = banned.filter((t) => generation.includes(t));
  const offVoice = rng.next() < 0.1;
  const base = offVoice ? 0.021 + rng.next() * 0.024 : 0.002 + rng.next() * 0.016;
  const drift = Math.round(Math.min(1, 0.25 * hits.length + base) * 10000) / 10000;
  const notes: string[] = [];
  if (hits.length > 0) notes.push(`Uses banned terms: ${hits.join(', ')}.`);
  if (offVoice) notes.push('The voice drifts: colder and more generic than the Bible asks.');
  if (notes.length === 0) notes.push('On voice: warm, curious and specific. Pillars respected.');
  const verdict = drift < 0.02 ? 'pass' : 'reject';
  const json = { drift, notes, verdict, bannedTermsFound: hits, reason: notes.join(' ') };
  return { text: JSON.stringify(json), fields: { ...json, score: 1 - drift }, jsonByDefault: true };
}

/**
 * Rubric grading: score = share of the rubric's keywords (content words of 4+ letters) that the
 * output contains, rounded to 2 decimals; pass when score >= 0.5. The rubric is the prompt's
 * `Rubric:`/`Criteria:` section, or the system text; the output is its `Output:`/`Answer:` section,
 * or the rest of the prompt.
 */
export function rubric(system: string, prompt: string): Produced {
  const rubricText = section(prompt, 'rubric', LABELS) ?? section(prompt, 'criteria', LABELS) ?? system;
  const output =
    section(prompt, 'output', LABELS) ?? section(prompt, 'answer', LABELS) ?? prompt.replace(rubricText, '');
  const wanted = keywords(rubricText);
  const have = new Set(keywords(output));
  const met = wanted.filter((w) => have.has(w));
  const missing = wanted.filter((w) => !have.has(w));
  const score = wanted.length === 0 ? 1 : Math.round((met.length / wanted.length) * 100) / 100;
  const pass = score >= 0.5;
  const reason =
    wanted.length === 0
      ? 'The rubric names no criteria, so nothing can fail.'
      : `${met.length} of ${wanted.length} rubric terms present` +
        (missing.length ? `; missing: ${missing.slice(0, 8).join(', ')}.` : '.');
  const json = { pass, score, reason };
  return { text: JSON.stringify(json), fields: { ...json, met, missing }, jsonByDefault: true };
}
