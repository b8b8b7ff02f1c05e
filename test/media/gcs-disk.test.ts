/**
 * The local Cloud Storage server kept on disk (`startGcsServer({ dir })`), as `npm start` runs it:
 * after a restart on the same directory it serves what it stored before, still refuses to replace
 * it, and opens URLs signed before the restart; damaged files are reported and left out, never a
 * crash. Real sockets, the real @google-cloud/storage client through the media store.
 */
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Storage } from '@google-cloud/storage';
import { createGcsMediaStore } from '../../functions/src/media/gcs-store.js';
import { MediaError } from '../../functions/src/media/port.js';
import { objectFiles } from '../../scripts/lib/gcs-disk.js';
import { startGcsServer, type GcsServer } from '../../scripts/lib/gcs-server.js';

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const WEBP = Buffer.from('RIFF\x10\x00\x00\x00WEBPVP8L', 'latin1');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let dir: string;
const running: GcsServer[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gcs-disk-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(port?: number): Promise<GcsServer> {
  const gcs = await startGcsServer({ dir, ...(port ? { port } : {}) });
  running.push(gcs);
  return gcs;
}
async function restart(gcs: GcsServer): Promise<GcsServer> {
  running.splice(running.indexOf(gcs), 1);
  await gcs.stop();
  return start(gcs.port);
}
const store = (gcs: GcsServer) => createGcsMediaStore({ bucket: gcs.bucket, storage: gcs.storageOptions() });

test('a server restarted on the same directory serves the objects, metadata and links from before', async () => {
  const first = await start();
  const png = await store(first).put(PNG, 'image/png', { folder: 'assets/a1' });
  const webp = await store(first).put(WEBP, 'image/webp', { folder: 'assets/a1' });
  const before = first.objects.get(png.name)!;
  const link = (await store(first).signedUrl(png.name, { ttlSeconds: 86_400 })).url;

  const second = await restart(first);
  assert.deepEqual(second.problems, []);
  assert.equal(second.credentials.private_key, first.credentials.private_key, 'the signing key is kept');
  const got = await store(second).get(png.name);
  assert.deepEqual(Buffer.from(got.bytes), PNG);
  assert.deepEqual(got.ref, { name: png.name, sha256: sha(PNG), contentType: 'image/png', size: PNG.length });
  const after = second.objects.get(png.name)!;
  assert.equal(after.generation, before.generation);
  assert.equal(after.created, before.created);
  assert.deepEqual(after.metadata, before.metadata);
  assert.equal(after.cacheControl, before.cacheControl);
  const listed = await store(second).list('assets/a1');
  assert.deepEqual(listed.map((r) => r.name).sort(), [png.name, webp.name].sort());

  // The link printed before the restart opens after it.
  const res = await fetch(link);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);
});

test('after a restart an object is still never overwritten, and new generations come after the old', async () => {
  const first = await start();
  const ref = await store(first).put(PNG, 'image/png');
  const generation = first.objects.get(ref.name)!.generation;

  const second = await restart(first);
  const file = new Storage(second.storageOptions()).bucket(second.bucket).file(ref.name);
  await assert.rejects(
    file.save(Buffer.from('other bytes'), { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } }),
    (err: any) => err.code === 412,
  );
  const again = await store(second).put(PNG, 'image/png');
  assert.equal(again.created, false, 'the same bytes are a success that writes nothing');
  assert.equal(second.objects.get(ref.name)!.generation, generation);
  assert.deepEqual(readFileSync(objectFiles(dir, ref.name).bin), PNG, 'the kept bytes are untouched');

  const next = await store(second).put(WEBP, 'image/webp');
  assert.ok(BigInt(second.objects.get(next.name)!.generation) > BigInt(generation));

  // Still refused after a second restart: the refusal rests on what is kept, not on memory.
  const third = await restart(second);
  await assert.rejects(
    new Storage(third.storageOptions())
      .bucket(third.bucket)
      .file(ref.name)
      .save(Buffer.from('x'), { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } }),
    (err: any) => err.code === 412,
  );
});

test('damaged files are reported by path and left out; the rest is served and the server runs', async () => {
  const first = await start();
  const media = store(first);
  const good = await media.put(PNG, 'image/png', { folder: 'ok' });
  const tampered = await media.put(Buffer.from('frame-two'), 'image/png', { folder: 'x' });
  const truncated = await media.put(Buffer.from('frame-three'), 'image/png', { folder: 'x' });
  const noBytes = await media.put(Buffer.from('frame-four'), 'image/png', { folder: 'x' });
  const badJson = await media.put(Buffer.from('frame-five'), 'image/png', { folder: 'x' });
  const badMeta = await media.put(Buffer.from('frame-six'), 'image/png', { folder: 'x' });
  await first.stop();
  running.splice(0);

  writeFileSync(objectFiles(dir, tampered.name).bin, 'frame-TWO');
  writeFileSync(objectFiles(dir, truncated.name).bin, 'frame');
  rmSync(objectFiles(dir, noBytes.name).bin);
  writeFileSync(objectFiles(dir, badJson.name).json, '{"name": "media/x/');
  const meta = JSON.parse(readFileSync(objectFiles(dir, badMeta.name).json, 'utf8'));
  writeFileSync(objectFiles(dir, badMeta.name).json, JSON.stringify({ ...meta, generation: 'soon' }));
  writeFileSync(join(dir, 'signing-key.pem'), 'not a key');

  const second = await start(first.port);
  const problems = second.problems.join('\n');
  const expect: Array<[string, RegExp]> = [
    [objectFiles(dir, tampered.name).json, /do not match the metadata's MD5/],
    [objectFiles(dir, truncated.name).json, /bytes are 5 long, the metadata says 11/],
    [objectFiles(dir, noBytes.name).json, /its bytes cannot be read \(ENOENT\)/],
    [objectFiles(dir, badJson.name).json, /unreadable JSON/],
    [objectFiles(dir, badMeta.name).json, /not an object's metadata \(generation: /],
  ];
  for (const [path, why] of expect) {
    const line = second.problems.find((p) => p.startsWith(path));
    assert.ok(line, `a problem names ${path}:\n${problems}`);
    assert.match(line, why);
    assert.match(line, /the object is left out/);
  }
  assert.match(
    problems,
    /signing-key\.pem is not a private key.*moved to .*signing-key\.pem\.unreadable-\d+ and a new key made/,
  );
  assert.equal(second.problems.length, 6, problems);

  // Left out means not found, with the client's own 404; the good object is served.
  const media2 = store(second);
  await assert.rejects(
    media2.get(tampered.name),
    (e: unknown) => e instanceof MediaError && e.code === 'not-found',
  );
  assert.deepEqual(Buffer.from((await media2.get(good.name)).bytes), PNG);
  const link = (await media2.signedUrl(good.name)).url;
  assert.equal((await fetch(link)).status, 200, 'the new key signs and verifies');
  // The damaged name can be written again with its bytes (the store's content hash repairs it).
  const repaired = await media2.put(Buffer.from('frame-two'), 'image/png', { folder: 'x' });
  assert.equal(repaired.created, true);
  const third = await restart(second);
  assert.deepEqual(Buffer.from((await store(third).get(tampered.name)).bytes), Buffer.from('frame-two'));
  assert.ok(!third.problems.some((p) => p.startsWith(objectFiles(dir, tampered.name).json)));
});

test('a directory that cannot be used is a clear error at start; a write that cannot be kept is a 503, not stored', async () => {
  const file = join(dir, 'a-file');
  writeFileSync(file, 'not a directory');
  await assert.rejects(
    startGcsServer({ dir: file }),
    /the local Cloud Storage directory .*a-file cannot be used/,
  );

  const gcs = await start();
  // The objects folder becomes a file under the running server: the write cannot be kept.
  rmSync(join(dir, 'objects'), { recursive: true });
  writeFileSync(join(dir, 'objects'), 'in the way');
  await assert.rejects(
    store(gcs).put(PNG, 'image/png'),
    (e: unknown) => e instanceof MediaError && e.code === 'unavailable' && e.retryable,
  );
  assert.equal(gcs.objects.size, 0, 'nothing is served that was not kept');
});
