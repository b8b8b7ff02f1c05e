import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Storage } from '@google-cloud/storage';
import { createGcsMediaStore, type GcsMediaStoreOptions } from '../../functions/src/media/gcs-store.js';
import { MediaError, type MediaErrorCode } from '../../functions/src/media/port.js';
import { startGcsServer, type GcsServer } from '../../scripts/lib/gcs-server.js';

let gcs: GcsServer;
let clock = Date.now();
before(async () => {
  gcs = await startGcsServer({ now: () => clock });
});
after(() => gcs.stop());
beforeEach(() => {
  gcs.objects.clear();
  clock = Date.now();
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const store = (o: Partial<GcsMediaStoreOptions> = {}) =>
  createGcsMediaStore({ bucket: gcs.bucket, storage: gcs.storageOptions(), ...o });

async function rejectsWith(p: Promise<unknown>, code: MediaErrorCode, pattern?: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof MediaError, `expected a MediaError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return true;
  });
}

test('put writes once under the content hash, with the create-only precondition, and get reads it back', async () => {
  const media = store();
  const ref = await media.put(PNG, 'image/png');
  assert.deepEqual(ref, {
    name: `media/drafts/${sha(PNG)}.png`,
    sha256: sha(PNG),
    contentType: 'image/png',
    size: PNG.length,
    created: true,
  });
  const held = gcs.objects.get(ref.name);
  assert.ok(held);
  assert.equal(held.contentType, 'image/png');
  assert.deepEqual(held.metadata, { sha256: sha(PNG) });
  assert.match(held.cacheControl ?? '', /immutable/);

  const got = await media.get(ref.name);
  assert.deepEqual(Buffer.from(got.bytes), PNG);
  assert.deepEqual(got.ref, { name: ref.name, sha256: sha(PNG), contentType: 'image/png', size: PNG.length });
});

test('a duplicate write of the same bytes is a success that changes nothing', async () => {
  const media = store();
  const first = await media.put(PNG, 'image/png', { folder: 'assets/asset-1' });
  const generation = gcs.objects.get(first.name)?.generation;
  const second = await store().put(Buffer.from(PNG), 'image/png', { folder: 'assets/asset-1' });
  assert.equal(second.created, false);
  assert.equal(second.name, first.name);
  assert.equal(gcs.objects.get(first.name)?.generation, generation, 'the object was not rewritten');
});

test('an object can never be overwritten: the server refuses (412) and the store reports a conflict', async () => {
  const media = store();
  const name = `media/drafts/${sha(PNG)}.png`;
  // Someone else's bytes under our hash's name, written directly through the client.
  const file = new Storage(gcs.storageOptions()).bucket(gcs.bucket).file(name);
  await file.save(Buffer.from('not the png'), { resumable: false, contentType: 'image/png' });
  await assert.rejects(
    file.save(Buffer.from('another try'), { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } }),
    (err: any) => err.code === 412,
  );
  await rejectsWith(media.put(PNG, 'image/png'), 'conflict', /never overwritten/);
  assert.equal(gcs.objects.get(name)?.bytes.toString(), 'not the png', 'the existing object is untouched');
});

test('list returns this store’s objects under a folder, across pages', async () => {
  const media = store();
  const blobs = Array.from({ length: 5 }, (_, i) => Buffer.from(`frame ${i}`));
  for (const b of blobs) await media.put(b, 'image/webp', { folder: 'assets/a1' });
  await media.put(PNG, 'image/png', { folder: 'drafts/rejected' });
  const all = await media.list();
  assert.equal(all.length, 6);
  const a1 = await media.list('assets/a1');
  assert.deepEqual(a1.map((r) => r.sha256).sort(), blobs.map(sha).sort());
  assert.ok(a1.every((r) => r.contentType === 'image/webp' && r.size === 7));
  assert.deepEqual(
    (await media.list('drafts/rejected')).map((r) => r.name),
    [`media/drafts/rejected/${sha(PNG)}.png`],
  );
  const paged = await new Storage(gcs.storageOptions())
    .bucket(gcs.bucket)
    .getFiles({ prefix: 'media/', maxResults: 2, autoPaginate: false });
  assert.equal(paged[0].length, 2);
  assert.ok((paged[1] as { pageToken?: string } | null)?.pageToken, 'a next page is offered');
});

test('a signed URL fetches the bytes with plain HTTP, until it expires', async () => {
  const media = store({ now: () => clock });
  const ref = await media.put(PNG, 'image/png');
  const { url, expiresAt } = await media.signedUrl(ref.name, { ttlSeconds: 60 });
  assert.ok(url.startsWith(`${gcs.url}/${gcs.bucket}/${ref.name}?`), url);
  assert.match(url, /X-Goog-Algorithm=GOOG4-RSA-SHA256/);
  assert.equal(expiresAt.getTime(), clock + 60_000);

  const res = await fetch(url);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'image/png');
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), PNG);

  clock += 61_000;
  const expired = await fetch(url);
  assert.equal(expired.status, 400);
  assert.match(await expired.text(), /ExpiredToken/);
});

test('a tampered or unsigned URL is refused, and the bucket is never public', async () => {
  const media = store();
  const ref = await media.put(PNG, 'image/png');
  const other = await media.put(Buffer.from('secret frame'), 'image/png');
  const { url } = await media.signedUrl(ref.name);
  // The signature for one object does not open another.
  const swapped = url.replace(ref.name, other.name);
  const res = await fetch(swapped);
  assert.equal(res.status, 403);
  assert.match(await res.text(), /SignatureDoesNotMatch/);
  const longer = new URL(url);
  longer.searchParams.set('X-Goog-Expires', '604800');
  assert.equal((await fetch(longer)).status, 403);
  const bare = await fetch(`${gcs.url}/${gcs.bucket}/${ref.name}`);
  assert.equal(bare.status, 403);
  const missing = new URL(url);
  missing.searchParams.delete('X-Goog-Date');
  assert.equal((await fetch(missing)).status, 400);
});

test('bad names, folders, types and lifetimes are refused before reaching storage', async () => {
  const media = store();
  const hash = sha(PNG);
  for (const name of [
    '../etc/passwd',
    `other/drafts/${hash}.png`,
    `media/drafts/${hash}.exe`,
    `media/drafts/${hash.slice(1)}.png`,
    `media/Drafts/${hash}.png`,
    `media/drafts/../${hash}.png`,
    `media/drafts/${hash}`,
    'media/' + 'a/'.repeat(300) + `${hash}.png`,
  ]) {
    await rejectsWith(media.get(name), 'bad-name');
    await rejectsWith(media.signedUrl(name), 'bad-name');
  }
  await rejectsWith(media.put(PNG, 'text/html'), 'bad-type');
  await rejectsWith(media.put(PNG, 'image/png', { folder: '../up' }), 'bad-name');
  await rejectsWith(media.put(PNG, 'image/png', { folder: 'a//b' }), 'bad-name');
  await rejectsWith(media.list('UPPER'), 'bad-name');
  await rejectsWith(
    media.signedUrl(`media/drafts/${hash}.png`, { ttlSeconds: 8 * 24 * 3600 }),
    'bad-name',
    /7 days/,
  );
  await rejectsWith(media.get(`media/drafts/${hash}.png`), 'not-found');
  assert.equal(gcs.objects.size, 0);
  assert.throws(() => createGcsMediaStore({ bucket: 'b', prefix: 'Bad Prefix' }), /prefix segment/);
});

test('storage unreachable is a retryable MediaError', async () => {
  const down = await startGcsServer();
  const options = down.storageOptions();
  await down.stop();
  const media = createGcsMediaStore({
    bucket: down.bucket,
    storage: { ...options, retryOptions: { maxRetries: 0 } },
  });
  await assert.rejects(
    media.put(PNG, 'image/png'),
    (err: unknown) => err instanceof MediaError && err.retryable,
  );
});

test('the local server speaks the JSON API: media upload, precondition, metadata, wrong bucket', async () => {
  const name = 'raw/object.bin';
  const upload = (query: string, body: string) =>
    fetch(
      `${gcs.url}/upload/storage/v1/b/${gcs.bucket}/o?uploadType=media&name=${encodeURIComponent(name)}${query}`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body,
      },
    );
  const created = await upload('&ifGenerationMatch=0', 'one');
  assert.equal(created.status, 200);
  const meta = (await created.json()) as {
    generation: string;
    size: string;
    md5Hash: string;
    crc32c: string;
  };
  assert.equal(meta.size, '3');
  assert.equal(meta.md5Hash, createHash('md5').update('one').digest('base64'));
  assert.equal((await upload('&ifGenerationMatch=0', 'two')).status, 412);
  assert.equal(
    (await upload(`&ifGenerationMatch=${meta.generation}`, 'two')).status,
    200,
    'matching generation may replace (the store never asks)',
  );
  const read = await fetch(`${gcs.url}/storage/v1/b/${gcs.bucket}/o/${encodeURIComponent(name)}?alt=media`);
  assert.equal(await read.text(), 'two');
  assert.match(read.headers.get('x-goog-hash') ?? '', /^crc32c=[^,]+,md5=/);
  assert.equal((await fetch(`${gcs.url}/storage/v1/b/nope/o`)).status, 404);
  const resumable = await fetch(
    `${gcs.url}/upload/storage/v1/b/${gcs.bucket}/o?uploadType=resumable&name=x`,
    { method: 'POST' },
  );
  assert.equal(resumable.status, 501);
  const garbage = await fetch(`${gcs.url}/upload/storage/v1/b/${gcs.bucket}/o?uploadType=multipart&name=x`, {
    method: 'POST',
    headers: { 'content-type': 'multipart/related; boundary=zz' },
    body: 'not multipart at all',
  });
  assert.equal(garbage.status, 400);
});
