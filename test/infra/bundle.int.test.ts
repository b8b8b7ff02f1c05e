/**
 * The deployed form: `npm run build`'s bundle (scripts/lib/bundle.ts) served the way Cloud
 * Functions serves it, by the functions framework's own CLI with `--source` at the package whose
 * `main` is the bundle, NODE_ENV=production, on the emulators. Its functions answer (/livez,
 * /healthz through Firestore and Pub/Sub, a push to engineStep that is recorded as a dead letter),
 * and the registration module stays small, so the lazy triggers are still lazy in the bundle.
 * The first request loads app.cjs with the V8 code cache written at build time; a cache V8
 * refuses (another Node, corrupt) is reported once and the bundle still answers, compiled.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFunctions, BUNDLE_DIR } from '../../scripts/lib/bundle.js';
import { freePort } from '../../scripts/lib/emulators.js';
import { stepTopic } from '../../functions/src/platform/catalog.js';
import { requireEmulator, testFirestore, uniqueProjectId } from '../helpers/firestore.js';
import { pushBody } from '../helpers/push.js';

const root = join(import.meta.dirname, '..', '..');
const projectId = uniqueProjectId('bundle');
const children: ChildProcess[] = [];

const outputs = new Map<string, () => string>();

/** Serves one target of the package (its `main`, the bundle, unless `source`) with the framework's CLI. */
async function serve(target: string, source = root): Promise<string> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    GOOGLE_CLOUD_PROJECT: projectId,
    MUSE_ENV: 'test',
    LOG_LEVEL: 'error',
    FIRESTORE_EMULATOR_HOST: requireEmulator('FIRESTORE_EMULATOR_HOST'),
    PUBSUB_EMULATOR_HOST: requireEmulator('PUBSUB_EMULATOR_HOST'),
  };
  delete env.NODE_EXTRA_CA_CERTS;
  const ff = join(root, 'node_modules/@google-cloud/functions-framework/build/src/main.js');
  const child = spawn(process.execPath, [ff, `--target=${target}`, `--source=${source}`, `--port=${port}`], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const base = `http://127.0.0.1:${port}`;
  outputs.set(base, () => out);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the framework exited ${child.exitCode}: ${out}`);
    const up = await fetch(`${base}/livez`).then(
      () => true,
      () => false,
    );
    if (up) return base;
    await new Promise((r) => setTimeout(r, 50));
  }
}

let api = '';
let engineStep = '';
before(async () => {
  await bundleFunctions();
  [api, engineStep] = await Promise.all([serve('api'), serve('engineStep')]);
});
after(() => {
  for (const c of children) c.kill('SIGTERM');
});

test("package.json's main is the bundle, and what it loads at start is small (triggers stay lazy)", () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { main: string };
  const entry = join(root, pkg.main);
  assert.equal(entry, join(BUNDLE_DIR, 'index.js'));
  // Every chunk index.js imports statically, transitively: what a cold instance parses for /livez.
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length) {
    const f = queue.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    for (const m of readFileSync(f, 'utf8').matchAll(
      /(?:^|[;}\s])import\s*(?:[^'"();]*?from\s*)?["'](\.\/[^"']+)["']/g,
    ))
      queue.push(join(BUNDLE_DIR, m[1]!));
  }
  const bytes = [...seen].reduce((n, f) => n + statSync(f).size, 0);
  assert.ok(bytes < 64 * 1024, `index.js loads ${bytes} bytes statically: an SDK is no longer lazy`);
  const all = readFileSync(entry, 'utf8');
  // The api trigger is in index.js (its /livez needs nothing else); what it and the other
  // triggers need is loaded on demand from app.cjs.
  assert.match(all, /\(["']platform\/container\.js["']\)/, 'the container comes from app.cjs on demand');
  assert.match(all, /\(["']triggers\/pubsub\/engine-step\.js["']\)/, 'engineStep comes from app.cjs');
  assert.ok(existsSync(join(BUNDLE_DIR, 'app.cjs')));
  assert.ok(statSync(join(BUNDLE_DIR, 'app.cjs.cache')).size > 0, 'the build writes the code cache');
});

test('the bundled api answers /livez and /healthz (Firestore and Pub/Sub on the emulators)', async () => {
  const live = await fetch(`${api}/livez`);
  assert.equal(live.status, 200);
  assert.deepEqual(await live.json(), { ok: true });
  const health = await fetch(`${api}/healthz`);
  const body = (await health.json()) as {
    ok: boolean;
    project: string;
    firestore: { ok: boolean };
    pubsub: { ok: boolean };
  };
  assert.equal(health.status, 200, JSON.stringify(body));
  assert.equal(body.project, projectId);
  assert.equal(body.firestore.ok, true);
  assert.equal(body.pubsub.ok, true);
  assert.doesNotMatch(outputs.get(api)!(), /code cache/, 'the code cache written by the build is accepted');
});

test('a code cache V8 refuses is reported once and the bundle still answers, compiled', async () => {
  const copy = join(root, '.local', `bundle-refused-${process.pid}`);
  cpSync(BUNDLE_DIR, copy, { recursive: true });
  writeFileSync(join(copy, 'app.cjs.cache'), Buffer.from('not a V8 code cache'));
  try {
    const base = await serve('api', join(copy, 'index.js'));
    const health = await fetch(`${base}/healthz`);
    assert.equal(health.status, 200, await health.text());
    const lines = outputs.get(base)!()
      .split('\n')
      .filter((l) => l.includes('code cache'));
    assert.equal(lines.length, 1, outputs.get(base)!());
    assert.equal((JSON.parse(lines[0]!) as { severity: string }).severity, 'WARNING');
    assert.match(lines[0]!, /refused/);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});

test('a push to the bundled engineStep that is not a step message is acknowledged and dead-lettered', async () => {
  const topic = stepTopic('bundle-run');
  const body = pushBody({ not: 'a step' }, { messageId: 'bundle-m1' });
  const res = await fetch(`${engineStep}/projects/${projectId}/topics/${topic}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  assert.equal(res.status, 204, await res.text());
  const db = testFirestore(projectId);
  const letters = await db.collection('deadLetters').where('messageId', '==', 'bundle-m1').get();
  assert.equal(letters.size, 1, 'the refused step is recorded as a dead letter');
  assert.equal(letters.docs[0]!.get('topic'), topic);
  assert.ok(String(letters.docs[0]!.get('reason')).length > 0);
  await db.terminate();
  // Garbage that is not even a push is a dead letter too, keyed by the hash of its bytes.
  const garbage = 'not json at all';
  const bad = await fetch(`${engineStep}/projects/${projectId}/topics/${topic}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: garbage,
  });
  assert.equal(bad.status, 204);
  const db2 = testFirestore(projectId);
  const id = createHash('sha256').update(garbage).digest('hex').slice(0, 32);
  const again = await db2.collection('deadLetters').where('messageId', '==', `push-${id}`).get();
  assert.equal(again.size, 1);
  await db2.terminate();
});
