/**
 * The Cloud Run entry: start() builds the stream from configuration, listens, and returns the bound
 * address; /livez, /status and the stream answer; stop() closes clients with 1012.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../../functions/src/config.js';
import { start } from '../../functions/src/stream/main.js';
import { issueStreamToken } from '../../functions/src/stream/token.js';
import { requireEmulator, uniqueProjectId } from '../helpers/firestore.js';
import { connect } from './helpers.js';

test('start() listens and serves the stream, the page and /livez; stop() says reconnect', async () => {
  const secret = 'main-test-secret-0123456789';
  const config = loadConfig({
    GOOGLE_CLOUD_PROJECT: uniqueProjectId('stream'),
    MUSE_ENV: 'test',
    LOG_LEVEL: 'error',
    FIRESTORE_EMULATOR_HOST: requireEmulator('FIRESTORE_EMULATOR_HOST'),
    STREAM_TOKEN_SECRET: secret,
  });
  const running = await start(config, 0);
  const base = `127.0.0.1:${running.address.port}`;
  try {
    assert.equal((await fetch(`http://${base}/livez`)).status, 200);
    const page = await fetch(`http://${base}/status?token=x`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<title>The muse, live<\/title>/);
    const t = await issueStreamToken(secret, { subject: 't', ttlSeconds: 60 }, new Date());
    const c = await connect(`ws://${base}/stream/muse-status?token=${t}`);
    assert.equal((await c.next()).type, 'hello');
    await running.stop();
    assert.equal((await c.closed).code, 1012);
  } finally {
    await running.stop();
  }
});
