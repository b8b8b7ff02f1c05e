import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeTopic, hashtags } from '../../../functions/src/muse/trends/core/topics.js';
import { scoreVvs } from '../../../functions/src/muse/trends/core/vvs.js';
import { selectIntents, type Candidate } from '../../../functions/src/muse/trends/core/candidates.js';

test('topics normalise across spellings, and generic labels are noise', () => {
  for (const raw of ['#AILipSync', 'AI lip-sync', 'Ai Lip Sync', ' ai  LIP sync '])
    assert.equal(normalizeTopic(raw)?.key, 'ai-lip-sync');
  assert.equal(normalizeTopic('Café Culture')?.key, 'cafe-culture');
  assert.equal(normalizeTopic('Discussion'), null);
  assert.equal(normalizeTopic('x'), null);
  assert.deepEqual(hashtags('Wrote a micro drama #MicroDramas #ai'), ['MicroDramas', 'ai']);
});

test('VVS: fresh engaged mentions score high, old ones decay, feed-only mentions stay under 50', () => {
  const now = 100 * 3_600_000;
  const fresh = scoreVvs(
    [
      { at: now, engagement: 2000 },
      { at: now - 3_600_000, engagement: 900 },
    ],
    now,
  );
  const old = scoreVvs(
    [
      { at: now - 30 * 3_600_000, engagement: 2000 },
      { at: now - 31 * 3_600_000, engagement: 900 },
    ],
    now,
  );
  const feedOnly = scoreVvs(
    Array.from({ length: 50 }, () => ({ at: now, engagement: 0 })),
    now,
  );
  assert.ok(fresh.vvs > 50 && fresh.vvs <= 100);
  assert.ok(old.vvs < 5);
  assert.ok(feedOnly.vvs <= 40);
  assert.equal(scoreVvs([{ at: now - 49 * 3_600_000, engagement: 1e6 }], now).vvs, 0);
});

test('selectIntents: strictly above threshold, de-duped within the window unless it is our own', () => {
  const c = (key: string, vvs: number) => ({ key, vvs }) as Candidate;
  const recent = new Map([
    ['a', { intentId: 'old~a', at: 0 }],
    ['b', { intentId: 't~b', at: 0 }],
  ]);
  const r = selectIntents([c('a', 90), c('b', 80), c('c', 50), c('d', 50.1)], recent, {
    threshold: 50,
    dedupeWindowMs: 1000,
    nowMs: 10,
    ownIntentId: (k) => `t~${k}`,
  });
  assert.deepEqual(
    r.selected.map((x) => x.key),
    ['b', 'd'],
  );
  assert.deepEqual(
    r.deduped.map((x) => x.key),
    ['a'],
  );
});
