import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newId, sessionId } from '../../functions/src/sessions/store.js';

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}';

test('session and memory ids carry a full random UUID, so ids made in the same second differ', () => {
  const at = new Date('2026-01-01T00:00:00.123Z');
  assert.match(sessionId(at), new RegExp(`^S-20260101T000000Z-${UUID}$`));
  assert.match(newId('mem'), new RegExp(`^mem-${UUID}$`));
  const many = new Set(Array.from({ length: 10_000 }, () => sessionId(at)));
  assert.equal(many.size, 10_000);
});
