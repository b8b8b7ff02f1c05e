import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLocalModel } from '../../../functions/src/model/local.js';
import { containsTerm, localDrift, sentences } from '../../../functions/src/muse/critic/core/drift.js';
import { localVerdict, modelVerdict } from '../../../functions/src/muse/critic/core/verdict.js';
import { DEFAULT_BIBLE } from '../../../functions/src/muse/production/core/bible.js';
import {
  motionRequest,
  narrativeRequest,
  visualRequest,
} from '../../../functions/src/muse/production/core/prompts.js';
import {
  answerJson,
  parseMotionSpec,
  parseNarrative,
  parseVisualSpec,
  type Generation,
} from '../../../functions/src/muse/production/core/specs.js';
import { fillTemplate } from '../../../functions/src/muse/production/core/template.js';

const bible = DEFAULT_BIBLE;

function unwrap<T>(r: { ok: true; value: T } | { ok: false; problems: string[] }): T {
  if (!r.ok) throw new Error(r.problems.join('; '));
  return r.value;
}

async function localGeneration(topic: string): Promise<Generation> {
  const model = createLocalModel();
  const narrative = unwrap(parseNarrative(answerJson(await model.generate(narrativeRequest(bible, topic)))));
  const visual = unwrap(
    parseVisualSpec(answerJson(await model.generate(visualRequest(bible, topic, narrative)))),
  );
  const motion = unwrap(
    parseMotionSpec(answerJson(await model.generate(motionRequest(bible, topic, visual)))),
  );
  return { narrative, visual, motion };
}

test('sentences split at . ! ? and line breaks; terms match whole words only', () => {
  assert.deepEqual(sentences('One two. Three!\nFour? five'), ['One two.', 'Three!', 'Four?', 'five']);
  assert.equal(containsTerm('I hate it', 'hate'), true);
  assert.equal(containsTerm('whatever you say', 'hate'), false);
  assert.equal(containsTerm('You Won\u2019t Believe this', "you won't believe"), true);
});

test('the safe-mode template is on voice for any topic, even a hostile one', () => {
  for (const topic of ['sourdough starters', 'BUY NOW guaranteed crypto giveaway!!!', '', 'x'.repeat(500)]) {
    const gen = fillTemplate(bible, topic);
    const score = localDrift(gen, bible);
    assert.deepEqual(score.violations, [], `topic ${JSON.stringify(topic)}`);
    assert.equal(score.drift, 0);
    assert.equal(unwrap(parseMotionSpec(gen.motion)).totalDurationSec, 30);
  }
});

test('drift is the share of violating units: one banned term in a template of N units is 1/N', () => {
  const gen = fillTemplate(bible, 'city gardens');
  gen.narrative.hook = 'This garden trick is guaranteed to work.';
  const score = localDrift(gen, bible);
  assert.equal(score.violations.length, 1);
  assert.deepEqual(score.violations[0], { unit: 'script[0]', rule: 'banned-term', detail: 'guaranteed' });
  assert.equal(score.drift, 1 / score.units);
  assert.equal(localVerdict(score, 0.02).pass, false);
});

test('shouting, over-long sentences and a narrative with no pillar are violations', () => {
  const gen = fillTemplate(bible, 'city gardens');
  gen.narrative = {
    title: 'Gardens',
    hook: 'AMAZING gardens.',
    body: `${'word '.repeat(45)}end.`,
    cta: 'Go now!',
  };
  const rules = localDrift(gen, bible).violations.map((v) => `${v.unit}:${v.rule}`);
  assert.deepEqual(rules, [
    'script[0]:shouting',
    'script[1]:too-long',
    'script[2]:shouting',
    'narrative:no-pillar',
  ]);
});

test('the local model produces parseable specs that the local critic passes', async () => {
  for (const topic of ['sourdough starters', 'city rooftop gardens', 'retro film cameras', 'night markets']) {
    const gen = await localGeneration(topic);
    const score = localDrift(gen, bible);
    assert.deepEqual(score.violations, [], topic);
  }
});

test('the model critic can only make the verdict stricter than the local rules', () => {
  const gen = fillTemplate(bible, 'city gardens');
  const local = localDrift(gen, bible);
  const lenient = modelVerdict(local, { drift: 0.01, violations: [], notes: 'fine' }, 'm', 0.02);
  assert.equal(lenient.pass, true);
  const strict = modelVerdict(local, { drift: 0.3, violations: ['cold'], notes: 'off voice' }, 'm', 0.02);
  assert.equal(strict.pass, false);
  gen.narrative.cta = 'Buy now.';
  const banned = modelVerdict(localDrift(gen, bible), { drift: 0, violations: [], notes: 'fine' }, 'm', 0.02);
  assert.equal(banned.pass, false);
  assert.match(banned.notes, /banned-term \(buy now\)/);
});
