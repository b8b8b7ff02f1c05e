/**
 * Resume across a restart (issue 13, item 20): an event's seq is fixed when it is written, so after
 * the stream stops, the data is exported and imported (what `npm start` does on exit and start:
 * the import rewrites every document's createTime) and a new instance starts, `?resume=<last seq>`
 * delivers exactly the events written while it was down, with the seqs they had, and
 * `GET /v1/events` lists the feed in the same order with the same seqs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { recordEventNow } from '../../functions/src/engine/events.js';
import { listGlobalEvents } from '../../functions/src/engine/workflow-runs.js';
import type { Container } from '../../functions/src/platform/container.js';
import { systemActor } from '../../functions/src/shared/ports.js';
import { exportFirestore, importFirestore } from '../../scripts/lib/emulators.js';
import { requireEmulator, testFirestore, uniqueProjectId } from '../helpers/firestore.js';
import { connect, startStream, type Frame } from './helpers.js';

const host = requireEmulator('FIRESTORE_EMULATOR_HOST');
const dir = mkdtempSync(join(tmpdir(), 'muse-export-'));
const originalProject = uniqueProjectId('original');
const before = testFirestore(originalProject);
const restoredProject = uniqueProjectId('restored');
const restored = testFirestore(restoredProject);
after(async () => {
  await Promise.all([before.terminate(), restored.terminate()]);
  rmSync(dir, { recursive: true, force: true });
});

const write = (db: typeof before, type: string, n: number) =>
  recordEventNow(db, { type, actor: systemActor('test'), data: { n }, at: new Date() });
const events = (f: Frame[]) => f.filter((x) => x.type === 'event');
const typeOf = (f: Frame) => (f.event as { type: string }).type;
const feed = async (db: typeof before) => listGlobalEvents({ db } as Container, { limit: 1000 });

test('resume after an export, an import and a new instance sends exactly what was missed', async () => {
  await before.collection('muse').doc('status').set({ loop: 'running' });
  for (let n = 0; n < 5; n++) await write(before, 'history', n);
  const first = await startStream(before);
  const c = await connect(first.url());
  await c.next((f) => f.type === 'hello');
  for (let n = 0; n < 4; n++) await write(before, 'seen', n);
  for (let n = 0; n < 4; n++) await c.next((f) => f.type === 'event' && typeOf(f) === 'seen');
  const seen = events(c.frames);
  const last = seen.at(-1)!.seq!;
  await c.close();
  await first.stop();

  // While no stream runs, 6 more events; then the data goes through an export and an import.
  for (let n = 0; n < 6; n++) await write(before, 'missed', n);
  await exportFirestore(host, originalProject, join(dir, 'data'));
  await importFirestore(host, restoredProject, join(dir, 'data'));
  const beforeFeed = await feed(before);
  const restoredFeed = await feed(restored);
  assert.equal(restoredFeed.length, 15);
  assert.deepEqual(
    restoredFeed.map((e) => [e.id, e.streamSeq]),
    beforeFeed.map((e) => [e.id, e.streamSeq]),
    'every event keeps its seq through the export and import',
  );
  const seqs = restoredFeed.map((e) => e.streamSeq);
  assert.deepEqual(
    seqs,
    [...seqs].sort((a, b) => a - b),
    'GET /v1/events is in stream order',
  );
  assert.equal(new Set(seqs).size, seqs.length);
  assert.deepEqual(
    seen.map((f) => f.seq),
    restoredFeed.filter((e) => e.type === 'seen').map((e) => e.streamSeq),
    'the stream and GET /v1/events give each event the same seq',
  );

  const second = await startStream(restored);
  try {
    const r = await connect(second.url(undefined, last));
    const hello = await r.next((f) => f.type === 'hello');
    assert.deepEqual([hello.resumed, hello.seq], [true, last]);
    for (let n = 0; n < 6; n++) await r.next((f) => f.type === 'event');
    await write(restored, 'after', 0);
    await r.next((f) => f.type === 'event' && typeOf(f) === 'after');
    const got = events(r.frames);
    assert.deepEqual(
      got.map((f) => `${typeOf(f)}:${(f.event as { data: { n: number } }).data.n}`),
      ['missed:0', 'missed:1', 'missed:2', 'missed:3', 'missed:4', 'missed:5', 'after:0'],
      'exactly the missed events, then the live feed: no history re-sent',
    );
    assert.deepEqual(
      got.slice(0, 6).map((f) => f.seq),
      restoredFeed.filter((e) => e.type === 'missed').map((e) => e.streamSeq),
    );
    await r.close();
  } finally {
    await second.stop();
  }
});
