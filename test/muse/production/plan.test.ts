import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateGraph } from '../../../functions/src/engine/core/graph.js';
import { expectedUsage, productionGraph } from '../../../functions/src/muse/production/core/plan.js';
import { parseMotionSpec, answerJson } from '../../../functions/src/muse/production/core/specs.js';
import { describeChecks, mediaChecks } from '../../../functions/src/muse/critic/core/media-checks.js';
import { estimateCost, estimateMediaCost } from '../../../functions/src/muse/wallet/core/pricing.js';
import { DEFAULT_WALLET_SETTINGS, walletSettingsSchema } from '../../../functions/src/muse/wallet/policy.js';

test('the production graphs are valid: free generation and the safe-mode template', () => {
  assert.deepEqual(validateGraph(productionGraph({ mode: 'free' })), []);
  assert.deepEqual(validateGraph(productionGraph({ mode: 'template' })), []);
  assert.deepEqual(Object.keys(productionGraph({ mode: 'free' }).steps), [
    'gate',
    'narrative',
    'visual',
    'motion',
    'critic',
    'publish',
    'rejected',
    'close',
  ]);
  assert.equal(productionGraph({ mode: 'template' }).steps.narrative, undefined);
});

test('template runs expect no model usage; free runs count the model critic only when used', () => {
  assert.deepEqual(expectedUsage('template', true), { inputTokens: 0, outputTokens: 0 });
  assert.ok(expectedUsage('free', true).inputTokens > expectedUsage('free', false).inputTokens);
});

test('model answers: fenced JSON is read, prose is not JSON, inconsistent timing is garbage', () => {
  assert.deepEqual(answerJson({ text: '```json\n{"a":1}\n```' }), { a: 1 });
  assert.equal(answerJson({ text: 'Sure! Here is your story.' }), undefined);
  const overlap = parseMotionSpec({
    totalDurationSec: 9,
    timing: {
      bpm: 90,
      cuts: [
        { shot: 1, startSec: 0, durationSec: 6 },
        { shot: 2, startSec: 4, durationSec: 6 },
      ],
    },
    cameraMoves: [{ shot: 3, move: 'orbit', easing: 'linear' }],
    transitions: [],
  });
  assert.equal(overlap.ok, false);
  assert.deepEqual(!overlap.ok && overlap.problems, [
    'timing.cuts: shot 2 overlaps shot 1',
    'timing.cuts: shot 2 ends after totalDurationSec',
    'cameraMoves: shot 3 has no cut',
  ]);
});

test('with media the Visual and Motion stages add frames and clip; motion off drops the clip', () => {
  const free = productionGraph({ mode: 'free' }, { frames: true, clip: true });
  const safe = productionGraph({ mode: 'template' }, { frames: true, clip: true });
  const still = productionGraph({ mode: 'free' }, { frames: true, clip: false });
  for (const g of [free, safe, still]) assert.deepEqual(validateGraph(g), []);
  const order = (g: ReturnType<typeof productionGraph>) => {
    const out: string[] = [];
    let at = 'gate';
    for (;;) {
      out.push(at);
      const next = g.steps[at]!.next;
      const n = Array.isArray(next)
        ? next[0]
        : (next as Record<string, string[]> | undefined)?.[at === 'gate' ? 'funded' : 'pass']?.[0];
      if (!n) return out;
      at = n;
    }
  };
  assert.deepEqual(order(free), [
    'gate',
    'narrative',
    'visual',
    'frames',
    'motion',
    'clip',
    'critic',
    'publish',
  ]);
  assert.deepEqual(order(safe), ['gate', 'template', 'frames', 'clip', 'critic', 'publish']);
  assert.deepEqual(order(still), ['gate', 'narrative', 'visual', 'frames', 'motion', 'critic', 'publish']);
});

test('media prices: per image and per second, fail closed on a missing or wrong kind of price', () => {
  const table = { img: { perImage: 0.04 }, vid: { perSecond: 0.4 }, txt: { inputPer1k: 1, outputPer1k: 1 } };
  assert.deepEqual(estimateMediaCost(table, 'img', { images: 6 }), { ok: true, model: 'img', amount: 0.24 });
  assert.deepEqual(estimateMediaCost(table, 'vid', { seconds: 8 }), { ok: true, model: 'vid', amount: 3.2 });
  assert.match(
    String((estimateMediaCost(table, 'none', { images: 1 }) as { reason: string }).reason),
    /no price for model "none"/,
  );
  assert.match(
    String((estimateMediaCost(table, 'txt', { images: 1 }) as { reason: string }).reason),
    /no perImage price/,
  );
  assert.match(
    String((estimateCost(table, 'img', { inputTokens: 1, outputTokens: 1 }) as { reason: string }).reason),
    /not priced per token/,
  );
  const parsed = walletSettingsSchema.safeParse({
    ...DEFAULT_WALLET_SETTINGS,
    priceTable: { x: { perImage: 1, perSecond: 1 } },
  });
  assert.equal(parsed.success, false);
  assert.match(JSON.stringify(parsed.error?.issues), /exactly one kind/);
});

test('live (voice) prices: per minute, in the default table, fail closed on a missing or wrong kind', () => {
  const table = { live: { perMinute: 0.024 }, vid: { perSecond: 0.4 } };
  assert.deepEqual(estimateMediaCost(table, 'live', { minutes: 5 }), {
    ok: true,
    model: 'live',
    amount: 0.12,
  });
  assert.match(
    String((estimateMediaCost(table, 'vid', { minutes: 1 }) as { reason: string }).reason),
    /no perMinute price/,
  );
  assert.match(
    String((estimateMediaCost(table, 'nope', { minutes: 1 }) as { reason: string }).reason),
    /no price for model "nope"/,
  );
  for (const model of ['local-live-1', 'gemini-live-2.5-flash'])
    assert.equal(
      estimateMediaCost(DEFAULT_WALLET_SETTINGS.priceTable, model, { minutes: 1 }).ok,
      true,
      model,
    );
  assert.equal(
    walletSettingsSchema.safeParse({ ...DEFAULT_WALLET_SETTINGS, priceTable: { x: { perMinute: 0.5 } } })
      .success,
    true,
  );
  const both = walletSettingsSchema.safeParse({
    ...DEFAULT_WALLET_SETTINGS,
    priceTable: { x: { perMinute: 1, perSecond: 1 } },
  });
  assert.match(JSON.stringify(both.error?.issues), /exactly one kind/);
});

test('the critic media checks: palette, shot count, aspect ratio, durations', () => {
  const gen = {
    narrative: { title: 't', hook: 'h', body: 'b', cta: 'c' },
    visual: {
      prompt: 'p',
      style: 's',
      aspectRatio: '9:16',
      shots: [
        { description: 'a', durationSec: 2 },
        { description: 'b', durationSec: 3 },
      ],
    },
    motion: {
      totalDurationSec: 5,
      timing: {
        bpm: 90,
        cuts: [
          { shot: 1, startSec: 0, durationSec: 2 },
          { shot: 2, startSec: 2, durationSec: 3 },
        ],
      },
      cameraMoves: [],
      transitions: [],
    },
  };
  const frame = (shot: number, width = 360, height = 640) => ({
    kind: 'frame' as const,
    name: `f${shot}`,
    contentType: 'image/png',
    shot,
    bytes: 1,
    sha256: 'x',
    width,
    height,
  });
  const facts = {
    frames: [frame(1), frame(2)],
    palette: ['#112233'],
    aspectRatio: '9:16',
    withheld: 0,
    clip: {
      kind: 'animatic' as const,
      name: 'c',
      contentType: 'image/webp',
      bytes: 1,
      sha256: 'y',
      durationSec: 5,
    },
    maxFrames: 6,
    clipRange: { min: 4, max: 8 },
  };
  const okAll = mediaChecks(gen, { palette: ['#112233'] }, facts);
  assert.ok(
    okAll.every((c) => c.ok),
    JSON.stringify(okAll),
  );
  const bad = mediaChecks(
    gen,
    { palette: ['#112233', '#445566'] },
    {
      ...facts,
      frames: [frame(1, 640, 640)],
      clip: { ...facts.clip, durationSec: 9 },
    },
  );
  assert.deepEqual(
    bad.map((c) => [c.check, c.ok]),
    [
      ['palette', false],
      ['shot-count', false],
      ['aspect-ratio', false],
      ['durations', false],
    ],
  );
  assert.match(
    describeChecks(bad),
    /palette: frames drawn without #445566; shot-count: 1 frame\(s\) for 2 shot\(s\)/,
  );
});
