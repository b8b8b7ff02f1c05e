import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { createLocalModel } from '../../functions/src/model/local.js';
import type { ModelPurpose, ModelRequest, ToolDeclaration } from '../../functions/src/model/port.js';

const model = createLocalModel();
const PURPOSES: ModelPurpose[] = [
  'narrative',
  'visual',
  'motion',
  'critic',
  'live',
  'rubric',
  'stage',
  'plan',
];
const brief = 'Trend brief\nTopic: solarpunk balcony gardens\nVVS: 72';

/** Validates with zod's JSON-schema reader, so "fits its schema" is checked by a second implementation. */
function fits(schema: Record<string, unknown>, value: unknown): boolean {
  const result = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]).safeParse(value);
  if (!result.success) console.error(JSON.stringify(result.error.issues));
  return result.success;
}

test('the same request gives the same response; a different one differs', async () => {
  for (const purpose of PURPOSES) {
    const req: ModelRequest = { purpose, system: 'You are the muse.', prompt: brief };
    assert.deepEqual(await model.generate(req), await model.generate({ ...req }), purpose);
  }
  const a = await model.generate({ purpose: 'narrative', prompt: 'Topic: rainy city walks' });
  const b = await model.generate({ purpose: 'narrative', prompt: 'Topic: desert night skies' });
  assert.notEqual(a.text, b.text);
  // Key order does not change the hash.
  const c = await model.generate({ prompt: 'Topic: rainy city walks', purpose: 'narrative' });
  assert.equal(c.text, a.text);
});

test('the model is local-muse-1 and usage is about four characters a token', async () => {
  const res = await model.generate({ purpose: 'narrative', prompt: brief });
  assert.equal(model.model, 'local-muse-1');
  assert.equal(res.model, 'local-muse-1');
  assert.equal(res.usage.outputTokens, Math.ceil(res.text.length / 4));
  assert.ok(res.usage.inputTokens >= Math.ceil(brief.length / 4));
});

test('narrative: hook, body and call to action about the topic', async () => {
  const res = await model.generate({ purpose: 'narrative', prompt: brief });
  const paragraphs = res.text.split('\n\n');
  assert.equal(paragraphs.length, 3);
  assert.match(res.text, /solarpunk balcony gardens/i);
  assert.deepEqual(res.toolCalls, []);
  assert.equal(res.json, undefined);
});

test('visual: a JSON spec with prompt, style and a shot list with durations', async () => {
  const res = await model.generate({ purpose: 'visual', prompt: brief });
  const spec = JSON.parse(res.text) as {
    prompt: string;
    style: string;
    shots: Array<{ description: string; durationSec: number }>;
  };
  assert.deepEqual(res.json, spec);
  assert.match(spec.prompt, /solarpunk/i);
  assert.ok(spec.style.length > 10);
  assert.ok(spec.shots.length >= 3);
  for (const s of spec.shots) assert.ok(s.durationSec >= 2 && s.durationSec <= 5 && s.description.length > 0);
});

test('motion: timing, transitions and camera moves', async () => {
  const res = await model.generate({ purpose: 'motion', prompt: brief });
  const spec = res.json as {
    timing: { bpm: number; totalSec: number; cuts: unknown[] };
    transitions: unknown[];
    cameraMoves: unknown[];
  };
  assert.ok(spec.timing.bpm > 0 && spec.timing.totalSec > 0);
  assert.equal(spec.transitions.length, spec.timing.cuts.length - 1);
  assert.equal(spec.cameraMoves.length, spec.timing.cuts.length);
});

test('critic: drift in [0, 1]; banned terms in the generation push it over 2%', async () => {
  const system = 'Identity Bible\nVoice: warm\nBanned: cheap, clickbait';
  const clean = await model.generate({
    purpose: 'critic',
    system,
    prompt: 'Generation: a soft look at balcony gardens',
  });
  const v = clean.json as { drift: number; notes: string[] };
  assert.ok(v.drift >= 0 && v.drift <= 1);
  assert.ok(Array.isArray(v.notes) && v.notes.length > 0);
  const dirty = await model.generate({
    purpose: 'critic',
    system,
    prompt: 'Generation: cheap clickbait gardens!',
  });
  const d = dirty.json as { drift: number; notes: string[] };
  assert.ok(d.drift >= 0.5, `drift ${d.drift}`);
  assert.match(d.notes.join(' '), /cheap, clickbait/);
  // Over many generations most pass the 2% threshold and a few are off-voice.
  let passes = 0;
  for (let i = 0; i < 200; i++) {
    const r = await model.generate({ purpose: 'critic', system, prompt: `Generation: piece number ${i}` });
    if ((r.json as { drift: number }).drift < 0.02) passes++;
  }
  assert.ok(passes > 160 && passes < 200, `passes ${passes}`);
});

test('rubric: keyword overlap decides pass and score', async () => {
  const good = await model.generate({
    purpose: 'rubric',
    prompt:
      'Rubric: mentions balcony gardens and sunlight\nOutput: Sunlight spills over balcony gardens at dawn.',
  });
  assert.deepEqual(good.json, { pass: true, score: 1, reason: '3 of 3 rubric terms present.' });
  const bad = await model.generate({
    purpose: 'rubric',
    prompt: 'Rubric: mentions balcony gardens and sunlight\nOutput: A story about trains.',
  });
  const b = bad.json as { pass: boolean; score: number; reason: string };
  assert.equal(b.pass, false);
  assert.equal(b.score, 0);
  assert.match(b.reason, /missing: balcony, gardens, sunlight/);
});

test('stage and plan answer in prose about the topic', async () => {
  const plan = await model.generate({ purpose: 'plan', prompt: brief });
  assert.match(plan.text, /narrative[\s\S]*visual[\s\S]*motion[\s\S]*critic[\s\S]*publish/);
  const stage = await model.generate({ purpose: 'stage', prompt: brief });
  assert.match(stage.text, /solarpunk balcony gardens/i);
});

const objectSchemas: Record<ModelPurpose, Record<string, unknown>> = {
  narrative: {
    type: 'object',
    properties: {
      hook: { type: 'string' },
      body: { type: 'string' },
      callToAction: { type: 'string', maxLength: 200 },
    },
    required: ['hook', 'body', 'callToAction'],
    additionalProperties: false,
  },
  visual: {
    type: 'object',
    properties: {
      prompt: { type: 'string' },
      style: { type: 'string' },
      shots: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          properties: {
            description: { type: 'string' },
            durationSec: { type: 'number', minimum: 1, maximum: 10 },
          },
          required: ['description', 'durationSec'],
        },
      },
    },
    required: ['prompt', 'style', 'shots'],
  },
  motion: {
    type: 'object',
    properties: {
      transitions: {
        type: 'array',
        items: { type: 'object', properties: { type: { type: 'string' } }, required: ['type'] },
      },
      cameraMoves: {
        type: 'array',
        items: { type: 'object', properties: { move: { type: 'string' } }, required: ['move'] },
      },
      totalDurationSec: { type: 'number', minimum: 0 },
    },
    required: ['transitions', 'cameraMoves', 'totalDurationSec'],
  },
  critic: {
    type: 'object',
    properties: { drift: { type: 'number', minimum: 0, maximum: 1 }, notes: { type: 'string' } },
    required: ['drift', 'notes'],
  },
  rubric: {
    type: 'object',
    properties: {
      pass: { type: 'boolean' },
      score: { type: 'number', minimum: 0, maximum: 1 },
      reason: { type: 'string' },
    },
    required: ['pass', 'score', 'reason'],
  },
  live: { type: 'object', properties: { reply: { type: 'string' } }, required: ['reply'] },
  stage: {
    type: 'object',
    properties: { status: { type: 'string', enum: ['staged', 'held'] }, summary: { type: 'string' } },
    required: ['status', 'summary'],
  },
  plan: {
    type: 'object',
    properties: {
      steps: {
        type: 'array',
        items: {
          type: 'object',
          properties: { id: { type: 'string' }, dependsOn: { type: 'array', items: { type: 'string' } } },
          required: ['id', 'dependsOn'],
        },
      },
      priority: { type: 'integer', minimum: 1, maximum: 3 },
    },
    required: ['steps', 'priority'],
  },
};

test('with a responseSchema every purpose answers JSON that fits it, with its natural content', async () => {
  for (const purpose of PURPOSES) {
    const schema = objectSchemas[purpose];
    const res = await model.generate({ purpose, prompt: brief, responseSchema: schema });
    assert.ok(fits(schema, res.json), `${purpose}: ${res.text}`);
    assert.deepEqual(JSON.parse(res.text), res.json, purpose);
  }
  const n = await model.generate({
    purpose: 'narrative',
    prompt: brief,
    responseSchema: objectSchemas.narrative,
  });
  assert.match((n.json as { hook: string }).hook, /solarpunk balcony gardens/i);
  const p = await model.generate({ purpose: 'plan', prompt: brief, responseSchema: objectSchemas.plan });
  assert.deepEqual(
    (p.json as { steps: Array<{ id: string }> }).steps.map((s) => s.id),
    ['narrative', 'visual', 'motion', 'critic', 'publish'],
  );
});

const tools: ToolDeclaration[] = [
  {
    name: 'show_asset',
    description: 'Show a staged asset',
    parameters: { type: 'object', properties: { assetId: { type: 'string' } }, required: ['assetId'] },
  },
  { name: 'get_status', description: 'Current status', parameters: { type: 'object', properties: {} } },
  {
    name: 'list_intents',
    description: 'Current intents',
    parameters: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 20 } } },
  },
  {
    name: 'explain_last_verdict',
    description: 'The last critic verdict',
    parameters: { type: 'object', properties: {} },
  },
];

test('live: tool calls for show, status, intents and verdict; a friendly reply otherwise', async () => {
  const cases: Array<[string, string, Record<string, unknown>]> = [
    ['Can I see that image?', 'show_asset', { assetId: 'latest' }],
    ['show me asset-7f3a please', 'show_asset', { assetId: 'asset-7f3a' }],
    ['how is your wallet doing?', 'get_status', {}],
    ["What's your status?", 'get_status', {}],
    ['what trends are you working on?', 'list_intents', { limit: 5 }],
    ['why did the critic reject the last one?', 'explain_last_verdict', {}],
  ];
  for (const [prompt, name, args] of cases) {
    const res = await model.generate({ purpose: 'live', prompt, tools });
    assert.deepEqual(res.toolCalls, [{ name, args }], prompt);
    assert.ok(res.text.length > 0);
  }
  const chat = await model.generate({ purpose: 'live', prompt: 'Hello! I love your gardens piece', tools });
  assert.deepEqual(chat.toolCalls, []);
  assert.match(chat.text, /gardens/);
});

test('live: no tool is called that the caller did not declare', async () => {
  const res = await model.generate({ purpose: 'live', prompt: 'show me that image', tools: tools.slice(1) });
  assert.deepEqual(res.toolCalls, []);
  const none = await model.generate({ purpose: 'live', prompt: 'what is your status?' });
  assert.deepEqual(none.toolCalls, []);
});
