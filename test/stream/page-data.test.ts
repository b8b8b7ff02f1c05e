/**
 * The page's pure parts: the wallet's 24 h series (bounded buckets, balance carried across empty
 * ones, burn as an hourly rate) and an asset as a card (media URLs kept, signed, or left out).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { walletSeries } from '../../functions/src/stream/core/wallet-series.js';
import { assetView, mediaWithUrls } from '../../functions/src/stream/asset-view.js';

const H = 3600_000;
const now = Date.parse('2026-12-01T12:00:00Z');

test('the wallet series has one point per 5 minutes over 24 h, whatever the ledger holds', () => {
  const s = walletSeries(
    [
      { atMs: now - 30 * H, type: 'credit', amount: 999, balanceAfter: 999 }, // outside the window
      { atMs: now - 20 * H, type: 'credit', amount: 50, balanceAfter: 60 },
      { atMs: now - 2 * H + 60_000, type: 'debit', amount: 0.5, balanceAfter: 59.5 },
      { atMs: now - 2 * H + 120_000, type: 'reserve', amount: 1, balanceAfter: 59.5 },
    ],
    { nowMs: now },
  );
  assert.equal(s.t.length, 288);
  assert.equal(s.balance.length, 288);
  assert.equal(s.to, '2026-12-01T12:00:00.000Z');
  assert.equal(s.from, '2026-11-30T12:00:00.000Z');
  assert.equal(s.balance[0], 10, 'before the first entry: what it started from');
  assert.equal(s.balance.at(-1), 59.5);
  const burning = s.burnPerHour.map((b, i) => [b, i] as const).filter(([b]) => b > 0);
  assert.deepEqual(
    burning.map(([b]) => b),
    [6],
    '0.5 spent in 5 minutes is 6 an hour',
  );
  assert.equal(
    s.burnPerHour.reduce((a, b) => a + b, 0),
    6,
  );
});

test('a wallet with no entries in the window shows the current balance, flat', () => {
  const s = walletSeries([], { nowMs: now, balanceNow: 12 });
  assert.ok(s.balance.every((b) => b === 12));
  assert.ok(s.burnPerHour.every((b) => b === 0));
  assert.ok(walletSeries([], { nowMs: now }).balance.every((b) => b === null));
});

test('media keep their url, get a signed one, or none; bad entries are dropped', async () => {
  const signed: string[] = [];
  const sign = async (name: string) => {
    if (name === 'broken') throw new Error('no such object');
    signed.push(name);
    return `https://media.example/${name}?sig=1`;
  };
  const media = await mediaWithUrls(
    [
      { kind: 'frame', name: 'f1.png', contentType: 'image/png', shot: 1 },
      { kind: 'frame', name: 'f2.png', contentType: 'image/png', url: 'https://cdn.example/f2.png' },
      { kind: 'animatic', name: 'broken', contentType: 'video/mp4' },
      { kind: 'frame', name: 'x', contentType: 'image/png', url: 'javascript:alert(1)' },
      { kind: 'poster', name: 'y', contentType: 'image/png' },
      'garbage',
    ],
    sign,
  );
  assert.deepEqual(media, [
    {
      kind: 'frame',
      name: 'f1.png',
      contentType: 'image/png',
      shot: 1,
      url: 'https://media.example/f1.png?sig=1',
    },
    { kind: 'frame', name: 'f2.png', contentType: 'image/png', url: 'https://cdn.example/f2.png' },
    { kind: 'animatic', name: 'broken', contentType: 'video/mp4' },
  ]);
  assert.deepEqual(signed, ['f1.png']);
  assert.equal(
    (await mediaWithUrls([{ kind: 'frame', name: 'f', contentType: 'image/png' }]))[0]!.url,
    undefined,
  );
});

test('an asset card holds the title, hook, shots, drift and cost; an old asset still renders', async () => {
  const card = await assetView({
    id: 'a1',
    topic: 'micro dramas',
    narrative: { title: 'Two Minutes to Midnight', hook: 'She had one call left.', body: 'b', cta: 'c' },
    visual: { shots: [{ description: 'a phone lights up', durationSec: 2 }, { nope: 1 }] },
    verdict: { drift: 0.004, pass: true },
    cost: { actual: 0.12, currency: 'USD' },
    createdAt: new Date('2026-12-01T11:00:00Z'),
  });
  assert.deepEqual(card, {
    id: 'a1',
    topic: 'micro dramas',
    title: 'Two Minutes to Midnight',
    hook: 'She had one call left.',
    createdAt: '2026-12-01T11:00:00.000Z',
    drift: 0.004,
    pass: true,
    cost: 0.12,
    currency: 'USD',
    shots: [{ description: 'a phone lights up', durationSec: 2 }],
    media: [],
  });
  assert.deepEqual(await assetView({ id: 'old', narrative: 'just a string' }), {
    id: 'old',
    topic: '',
    shots: [],
    media: [],
  });
});

test('malformed stored media: no name, a non-http url, a non-list, huge arrays: the card renders what parses, bounded', async () => {
  const frame = (i: number) => ({ kind: 'frame', name: `f${i}.png`, contentType: 'image/png', shot: i });
  const sign = async (name: string) => `https://media.example/${name}`;
  const odd = [
    { kind: 'frame', contentType: 'image/png' },
    { kind: 'frame', name: '', contentType: 'image/png' },
    { kind: 'frame', name: 'n', contentType: 'image/png', url: 'ftp://x/y.png' },
    { kind: 'frame', name: 'd', contentType: 'image/png', url: 'data:image/png;base64,AAAA' },
    { kind: 'frame', name: 's', contentType: 'image/png', shot: -1 },
    'f.png',
    null,
    7,
  ];
  assert.deepEqual(await mediaWithUrls(odd, sign), []);
  for (const media of [{ 0: frame(0) }, 'f0.png', 42, null, undefined])
    assert.deepEqual(await mediaWithUrls(media, sign), [], JSON.stringify(media));

  const huge = Array.from({ length: 10_000 }, (_, i) => frame(i));
  const card = await assetView(
    {
      id: 'big',
      topic: 'many',
      media: huge,
      visual: { shots: Array.from({ length: 10_000 }, (_, i) => ({ description: `shot ${i}` })) },
    },
    sign,
  );
  assert.equal(card.media.length, 48, 'media are capped');
  assert.equal(card.shots.length, 24, 'shots are capped');
  assert.equal(card.media[47]!.url, 'https://media.example/f47.png');
});
