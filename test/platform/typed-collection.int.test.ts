/**
 * Typed reads on the emulator: the converter revives Timestamps where they sit (the client hands out
 * a fresh tree per `data()`), so each read must still see Dates at every depth, keep values that
 * are not plain maps (bytes, references) as the client gave them, and never share objects between reads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Timestamp } from '@google-cloud/firestore';
import { typedCollection } from '../../functions/src/platform/firestore/typed.js';
import { testFirestore } from '../helpers/firestore.js';

interface Doc {
  id?: string;
  at: Date;
  steps: Record<string, { status: string; since: Date; history: Array<{ at: Date; n: number }> }>;
  blob: Uint8Array;
  ref: unknown;
  nothing: null;
}

test('typed reads revive nested Timestamps, keep bytes and references, and add the id', async () => {
  const db = testFirestore();
  const at = new Date('2026-12-01T10:00:00.123Z');
  const since = new Date('2026-12-01T11:00:00Z');
  await db
    .collection('typed')
    .doc('a')
    .set({
      at: Timestamp.fromDate(at),
      steps: {
        s0: {
          status: 'done',
          since,
          history: [
            { at: since, n: 1 },
            { at, n: 2 },
          ],
        },
      },
      blob: Buffer.from([1, 2, 3]),
      ref: db.collection('other').doc('x'),
      nothing: null,
    });

  const docs = typedCollection<Doc>(db, 'typed', 'id');
  const first = (await docs.doc('a').get()).data()!;
  assert.equal(first.id, 'a');
  assert.ok(first.at instanceof Date);
  assert.equal(first.at.getTime(), at.getTime());
  assert.ok(first.steps.s0!.since instanceof Date);
  assert.equal(first.steps.s0!.since.getTime(), since.getTime());
  assert.deepEqual(
    first.steps.s0!.history.map((h) => [h.at instanceof Date ? h.at.getTime() : 'not a Date', h.n]),
    [
      [since.getTime(), 1],
      [at.getTime(), 2],
    ],
  );
  assert.ok(Buffer.isBuffer(first.blob) || first.blob instanceof Uint8Array, 'bytes stay bytes');
  assert.deepEqual([...first.blob], [1, 2, 3]);
  assert.equal((first.ref as { path?: string }).path, 'other/x', 'a reference stays a reference');
  assert.equal(first.nothing, null);

  // A second read of the same snapshot is a new tree: mutating one read never shows in another.
  const snap = await docs.doc('a').get();
  const one = snap.data()!;
  one.steps.s0!.status = 'changed';
  assert.equal(snap.data()!.steps.s0!.status, 'done');

  // The same collection read through a different id field gets its own converter.
  const other = (await typedCollection<{ key?: string }>(db, 'typed', 'key').doc('a').get()).data()!;
  assert.equal(other.key, 'a');
  assert.equal((other as { id?: string }).id, undefined);
  await db.terminate();
});
