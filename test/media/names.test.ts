import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isMediaType,
  objectName,
  parseObjectName,
  pathProblem,
} from '../../functions/src/media/core/names.js';

const HASH = 'ab'.repeat(32);

test('names round-trip: prefix, folder, hash and type', () => {
  const name = objectName('media', 'assets/a-1', HASH, 'image/webp');
  assert.equal(name, `media/assets/a-1/${HASH}.webp`);
  assert.deepEqual(parseObjectName('media', name), {
    ok: true,
    value: { folder: 'assets/a-1', sha256: HASH, type: 'image/webp' },
  });
  assert.equal(objectName('', '', HASH, 'video/mp4'), `${HASH}.mp4`);
  assert.deepEqual(parseObjectName('', `${HASH}.mp4`), {
    ok: true,
    value: { folder: '', sha256: HASH, type: 'video/mp4' },
  });
});

test('names that are not the store’s say why', () => {
  const problem = (name: string) => {
    const r = parseObjectName('media', name);
    return r.ok ? 'ok' : r.problem;
  };
  assert.match(problem(`other/${HASH}.png`), /not under "media\/"/);
  assert.match(problem(`media/x/${HASH}.txt`), /sha256.*extension/);
  assert.match(problem(`media/x/${HASH.toUpperCase()}.png`), /sha256/);
  assert.match(problem(`media/x/../${HASH}.png`), /folder segment "\.\."/);
  assert.match(problem(`media/x//${HASH}.png`), /folder segment ""/);
  assert.match(problem(`media/${'a/'.repeat(7)}${HASH}.png`), /more than 6 segments/);
  assert.match(problem('media/' + 'x'.repeat(600)), /longer than 512/);
  assert.equal(pathProblem('', 'folder'), undefined);
  assert.equal(pathProblem('drafts/rejected', 'folder'), undefined);
  assert.ok(isMediaType('image/png'));
  assert.ok(!isMediaType('text/html'));
  assert.ok(!isMediaType('toString'), 'no prototype keys');
});
