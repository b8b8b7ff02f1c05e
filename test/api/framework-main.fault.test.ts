/**
 * The API served the way Cloud Functions serves it: the functions framework's own CLI in a child
 * process, NODE_ENV=production, this repo's registration module. The framework refuses malformed
 * input before the function runs; those answers must still be the API's JSON error shape, even
 * for the first request a cold instance sees. Oversized bodies are refused before any SDK loads.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { rawRequest } from './helpers.js';

const root = join(import.meta.dirname, '..', '..');
let child: ChildProcess;
let port = 0;

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return p;
}

before(async () => {
  port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', PORT: String(port) };
  delete env.NODE_EXTRA_CA_CERTS;
  child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'node_modules/@google-cloud/functions-framework/build/src/main.js'),
      '--target=api',
      `--source=${join(root, 'functions/src/index.ts')}`,
    ],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<never>((_, reject) =>
    child.on('exit', (code) => reject(new Error(`the framework exited ${code}: ${out}`))),
  );
  // In production mode the framework prints nothing when ready: wait until it accepts connections.
  const ready = (async () => {
    for (;;) {
      // A TCP connect, not a request: the first HTTP request must be the test's own.
      const up = await new Promise<boolean>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => (socket.end(), resolve(true)));
        socket.on('error', () => resolve(false));
      });
      if (up) return;
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  await Promise.race([ready, exited]);
});
after(() => {
  child.kill('SIGTERM');
});

const isJsonError = (a: { contentType: string; json: any; text: string }) => {
  assert.match(a.contentType, /^application\/json/, a.text);
  assert.equal(typeof a.json?.error?.code, 'string');
  assert.equal(typeof a.json?.error?.message, 'string');
  assert.doesNotMatch(a.text, /<html|<pre>|node_modules/i);
};

test("a cold instance's very first request, a malformed percent-escape, is a JSON 400", async () => {
  const a = await rawRequest(port, 'GET', '/v1/runs/%E0%A4%A');
  assert.equal(a.status, 400);
  isJsonError(a);
  assert.match(a.json.error.message, /malformed percent-escape/);
});

test('malformed JSON and an unsupported charset are JSON 4xx', async () => {
  const bad = await rawRequest(port, 'POST', '/v1/runs', { body: '{"workflow":' });
  assert.equal(bad.status, 400);
  isJsonError(bad);
  assert.match(bad.json.error.message, /not valid JSON/);
  const charset = await rawRequest(port, 'POST', '/v1/runs', {
    body: '{}',
    contentType: 'application/json; charset=latin2',
  });
  assert.equal(charset.status, 415);
  isJsonError(charset);
});

test('a 10 MB body is a JSON 413 before the container or any SDK is needed', async () => {
  const a = await rawRequest(port, 'POST', '/v1/runs', { body: `{"t":"${'a'.repeat(10 * 1024 * 1024)}"}` });
  assert.equal(a.status, 413);
  isJsonError(a);
  assert.equal(a.json.error.code, 'payload_too_large');
});
