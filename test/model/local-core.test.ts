import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, fnv1a, seededRng } from '../../functions/src/model/local/hash.js';
import { bannedTerms, idIn, section, topicOf } from '../../functions/src/model/local/prompt-read.js';
import { isRetryableStatus, RETRYABLE_STATUSES } from '../../functions/src/model/core/retry-policy.js';
import { fitToSchema } from '../../functions/src/model/local/schema-fit.js';

test('retryable statuses: 408, 429 and 5xx; other 4xx are terminal', () => {
  for (const s of [408, 429, 500, 502, 503, 504]) assert.equal(isRetryableStatus(s), true, String(s));
  for (const s of [400, 401, 403, 404, 409, 422]) assert.equal(isRetryableStatus(s), false, String(s));
});

test('the status list handed to the SDK is exactly the retryable statuses', () => {
  for (let s = 100; s < 600; s++)
    assert.equal(RETRYABLE_STATUSES.includes(s), isRetryableStatus(s), String(s));
});

test('canonical JSON ignores key order; the seeded source repeats per seed', () => {
  assert.equal(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }), canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 }));
  assert.notEqual(fnv1a('a'), fnv1a('b'));
  const a = seededRng(42);
  const b = seededRng(42);
  assert.deepEqual(
    [a.next(), a.int(1, 6), a.pick(['x', 'y', 'z'])],
    [b.next(), b.int(1, 6), b.pick(['x', 'y', 'z'])],
  );
});

test('prompt reading: topic, sections, ids and banned terms', () => {
  assert.equal(topicOf('Trend brief\nTopic: Lo-fi study beats\nVVS: 80'), 'Lo-fi study beats');
  assert.equal(topicOf('{"topic": "desert skies", "vvs": 70}'), 'desert skies');
  assert.equal(topicOf('Write a post about night markets.'), 'night markets');
  assert.equal(section('Rubric: warm\nvoice\nOutput: Hook: hi', 'rubric', ['output']), 'warm\nvoice');
  assert.equal(
    section('Rubric: warm\nOutput: Hook: hi\nBody: yo', 'output', ['rubric']),
    'Hook: hi\nBody: yo',
  );
  assert.equal(idIn('show me asset-9f2 now'), 'asset-9f2');
  assert.equal(idIn('show me that'), undefined);
  assert.deepEqual(bannedTerms('Voice: warm\nBanned terms: "cheap", Hack; viral'), [
    'cheap',
    'hack',
    'viral',
  ]);
});

test('fitToSchema keeps what fits, coerces what is close and fills what is missing', () => {
  const ctx = { rng: seededRng(1), fill: (k: string) => (k === 'title' ? 'From fill' : undefined) };
  const schema = {
    type: 'OBJECT',
    properties: {
      title: { type: 'STRING' },
      score: { type: 'integer', minimum: 0, maximum: 10 },
      tags: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 3 },
      mood: { type: 'string', enum: ['calm', 'bright'] },
      note: { anyOf: [{ type: 'null' }, { type: 'string', maxLength: 5 }] },
      ok: { type: 'boolean' },
    },
  };
  const out = fitToSchema(
    { score: 42.7, tags: ['a', 'b', 'c', 'd'], mood: 'loud', note: 'longer text', extra: 1 },
    schema,
    ctx,
  ) as Record<string, unknown>;
  assert.equal(out.title, 'From fill');
  assert.equal(out.score, 10);
  assert.deepEqual(out.tags, ['a', 'b', 'c']);
  assert.ok(['calm', 'bright'].includes(out.mood as string));
  assert.equal(out.note, 'longe');
  assert.equal(typeof out.ok, 'boolean');
  assert.equal('extra' in out, false);
  const padded = fitToSchema(
    ['x'],
    { type: 'array', items: { type: 'string' }, minItems: 2 },
    ctx,
  ) as unknown[];
  assert.equal(padded.length, 2);
  assert.equal(padded[0], 'x');
  assert.equal(typeof padded[1], 'string');
});
