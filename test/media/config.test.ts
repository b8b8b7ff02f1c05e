/** Media configuration: the defaults, each variable read, and a bad value named (never a silent default). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../functions/src/config.js';

const base = { GOOGLE_CLOUD_PROJECT: 'muse-test-1' };

test('without a bucket there are no media; the defaults are Imagen, Veo, motion on, 15-minute links', () => {
  const m = loadConfig(base).media;
  assert.equal(m.bucket, undefined);
  assert.equal(m.prefix, 'media');
  assert.equal(m.imageModel, 'imagen-4.0-generate-001');
  assert.equal(m.videoModel, 'veo-3.0-generate-001');
  assert.equal(m.motion, true);
  assert.equal(m.videoDeadlineMs, 900_000);
  assert.equal(m.videoPollMs, 15_000);
  assert.equal(m.signedUrlTtlSeconds, 900);
});

test('every media variable is read', () => {
  const m = loadConfig({
    ...base,
    MEDIA_BUCKET: 'muse-test-1-muse-media',
    MEDIA_PREFIX: 'm',
    MEDIA_STORAGE_OPTIONS: '{"apiEndpoint":"http://127.0.0.1:9"}',
    MEDIA_MOTION: 'off',
    MEDIA_VIDEO_DEADLINE_SECONDS: '60',
    MEDIA_VIDEO_POLL_SECONDS: '2',
  }).media;
  assert.equal(m.bucket, 'muse-test-1-muse-media');
  assert.equal(m.prefix, 'm');
  assert.deepEqual(m.storageOptions, { apiEndpoint: 'http://127.0.0.1:9' });
  assert.equal(m.motion, false);
  assert.equal(m.videoDeadlineMs, 60_000);
  assert.equal(m.videoPollMs, 2_000);
});

test('bad media variables are refused, each named', () => {
  const bad = (env: Record<string, string>, re: RegExp) =>
    assert.throws(
      () => loadConfig({ ...base, ...env }),
      (e: unknown) => e instanceof ConfigError && re.test(e.message),
    );
  bad({ MEDIA_STORAGE_OPTIONS: 'not json' }, /MEDIA_STORAGE_OPTIONS must be a JSON object/);
  bad({ MEDIA_STORAGE_OPTIONS: '[1]' }, /MEDIA_STORAGE_OPTIONS must be a JSON object/);
  bad({ MEDIA_MOTION: 'sometimes' }, /MEDIA_MOTION/);
  bad({ MEDIA_VIDEO_POLL_SECONDS: '-1' }, /MEDIA_VIDEO_POLL_SECONDS/);
});
