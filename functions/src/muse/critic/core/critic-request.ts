/**
 * The model critic's request: the Bible as the system instruction, the generation as a labelled
 * `Generation:` section, and the answer constrained by a response schema. Pure.
 */
import type { ModelRequest } from '../../../model/port.js';
import type { Bible } from '../../production/core/bible.js';
import { systemOf } from '../../production/core/prompts.js';
import { scriptOf, type Generation } from '../../production/core/specs.js';
import { describeIssues } from '../../../shared/errors.js';
import type { Parsed } from '../../production/core/specs.js';
import { CRITIC_RESPONSE_SCHEMA, criticAnswerSchema, type CriticAnswer } from './verdict.js';

export function criticRequest(bible: Bible, gen: Generation): ModelRequest {
  return {
    purpose: 'critic',
    system: `You are the critic of the muse "${bible.name}". Score how far the generation drifts from this identity Bible.\n${systemOf(bible)}`,
    prompt: [
      'Score the drift of the generation below against the Bible: 0 is perfectly on voice, 1 is unrecognisable.',
      'List each violation (banned term, off-voice sentence, missing pillar) and give short notes.',
      'Generation:',
      `Title: ${gen.narrative.title}`,
      scriptOf(gen.narrative),
      `Visual prompt: ${gen.visual.prompt}`,
      `Visual style: ${gen.visual.style}`,
      ...gen.visual.shots.map((s, i) => `Shot ${i + 1}: ${s.description}`),
    ].join('\n'),
    responseSchema: CRITIC_RESPONSE_SCHEMA,
    temperature: 0,
  };
}

export function parseCriticAnswer(json: unknown): Parsed<CriticAnswer> {
  const r = criticAnswerSchema.safeParse(json);
  return r.success ? { ok: true, value: r.data } : { ok: false, problems: describeIssues(r.error.issues) };
}
