import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeTopic, hashtags } from '../../../functions/src/muse/trends/core/topics.js';
import { scoreVvs } from '../../../functions/src/muse/trends/core/vvs.js';
import { selectIntents, type Candidate } from '../../../functions/src/muse/trends/core/candidates.js';
import {
  DEFAULT_SOURCES,
  DEFAULT_TICK_SETTINGS,
  sourcesSchema,
  sourceUrl,
} from '../../../functions/src/muse/trends/core/settings.js';
import { healthLine, nextSourceHealth } from '../../../functions/src/muse/trends/core/source-health.js';
import { TREND_SETTINGS, TREND_SOURCES } from '../../../functions/src/muse/settings.js';
import { describeIssues } from '../../../functions/src/shared/errors.js';

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

test('the documented default sources are valid settings, and each kind has its URL', () => {
  const parsed = sourcesSchema.safeParse(DEFAULT_SOURCES);
  assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
  assert.deepEqual(
    DEFAULT_SOURCES.map((s) => sourceUrl(s)),
    [
      'https://www.reddit.com/r/popular/hot.json?limit=100&raw_json=1',
      'https://www.reddit.com/r/NewTubers/hot.json?limit=100&raw_json=1',
      'https://www.reddit.com/r/aivideo/hot.json?limit=100&raw_json=1',
      'https://www.tubefilter.com/feed/',
      'https://techcrunch.com/feed/',
      'https://www.theverge.com/rss/index.xml',
    ],
  );
  const top = sourcesSchema.parse([
    { id: 'r', kind: 'reddit', subreddit: 'videos', sort: 'top', baseUrl: 'http://127.0.0.1:9/reddit/' },
  ])[0]!;
  assert.equal(sourceUrl(top), 'http://127.0.0.1:9/reddit/r/videos/top.json?limit=100&raw_json=1&t=day');
  assert.deepEqual([top.weight, top.enabled, top.timeoutMs], [1, true, 5000]);
});

test('a stored settings document that does not parse names the field', () => {
  const r = TREND_SOURCES.schema.safeParse({
    sources: [
      { id: 'a', kind: 'feed', url: 'https://x.test/f' },
      { id: 'a', kind: 'feed', url: 'https://x.test/g' },
    ],
  });
  assert.deepEqual(r.success ? [] : describeIssues(r.error.issues), [
    'sources.1.id: duplicate source id "a"',
  ]);
  const t = TREND_SETTINGS.schema.safeParse({ threshold: 'high' });
  assert.match(t.success ? '' : describeIssues(t.error.issues).join('; '), /threshold/);
  assert.deepEqual(TREND_SETTINGS.schema.parse({}), DEFAULT_TICK_SETTINGS);
  assert.deepEqual(TREND_SETTINGS.defaults, DEFAULT_TICK_SETTINGS);
});

test('source health: successes reset, failures count, removed sources drop, disabled ones keep their last state', () => {
  const at1 = new Date('2026-01-01T00:00:00Z');
  const at2 = new Date('2026-01-01T01:00:00Z');
  const configured = [
    { id: 'a', kind: 'feed', enabled: true },
    { id: 'b', kind: 'reddit', enabled: true },
    { id: 'gone', kind: 'feed', enabled: true },
  ];
  const h1 = nextSourceHealth(
    [],
    configured,
    [
      { id: 'a', ok: true, items: 5 },
      { id: 'b', ok: false, reason: 'HTTP 429', items: 0 },
      { id: 'gone', ok: true, items: 1 },
    ],
    't1',
    at1,
  );
  const h2 = nextSourceHealth(
    h1,
    [
      { id: 'a', kind: 'feed', enabled: false },
      { id: 'b', kind: 'reddit', enabled: true },
    ],
    [{ id: 'b', ok: false, reason: 'timed out after 5000 ms', items: 0 }],
    't2',
    at2,
  );
  assert.deepEqual(h2, [
    {
      id: 'a',
      kind: 'feed',
      enabled: false,
      ok: true,
      lastSuccessAt: at1,
      itemsLast: 5,
      consecutiveFailures: 0,
      lastTickId: 't1',
    },
    {
      id: 'b',
      kind: 'reddit',
      enabled: true,
      ok: false,
      lastErrorAt: at2,
      lastError: 'timed out after 5000 ms',
      itemsLast: 0,
      consecutiveFailures: 2,
      lastTickId: 't2',
    },
  ]);
  assert.equal(healthLine(h2), '0 of 1 sources ok; failing: b (timed out after 5000 ms, 2 ticks)');
  assert.equal(healthLine(h1), '2 of 3 sources ok; failing: b (HTTP 429, 1 tick)');
  assert.equal(healthLine([]), 'not read by any tick yet');
});
