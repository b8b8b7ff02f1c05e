import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Firestore } from '@google-cloud/firestore';
import {
  blockMission,
  completeMission,
  createMission,
  startMission,
  waivePrerequisite,
} from '../../functions/src/missions/lifecycle.js';
import {
  checkParity,
  exportParityFiles,
  importParityFiles,
} from '../../functions/src/missions/parity-files.js';
import type { AppError } from '../../functions/src/shared/errors.js';
import { systemActor, type Actor } from '../../functions/src/shared/ports.js';
import { manualClock } from '../helpers/manual-clock.js';
import { testFirestore, uniqueProjectId } from '../helpers/firestore.js';

const agent: Actor = { kind: 'agent', id: 'agent-1', name: 'Builder' };

async function populate(db: Firestore) {
  const deps = { db, clock: manualClock() };
  await createMission(deps, {
    id: 'M1',
    title: 'Schema',
    objective: 'define',
    scope: 'db only',
    actor: agent,
  });
  await createMission(deps, {
    id: 'M2',
    title: 'API',
    objective: 'serve',
    prerequisites: ['M1'],
    actor: agent,
  });
  await createMission(deps, {
    id: 'M3',
    title: 'Docs',
    objective: 'write',
    prerequisites: ['M1'],
    actor: agent,
  });
  await createMission(deps, { id: 'M4', title: 'Ops', objective: 'run', actor: agent });
  await startMission(deps, { id: 'M1', actor: agent });
  deps.clock.advance(1000);
  await completeMission(deps, {
    id: 'M1',
    verification: { command: 'npm test', result: 'passed', output: 'ok 12' },
    nextHint: 'M2',
    actor: agent,
  });
  await waivePrerequisite(deps, { id: 'M3', prerequisite: 'M1', reason: 'docs can start', actor: agent });
  await startMission(deps, { id: 'M4', actor: agent });
  await blockMission(deps, {
    id: 'M4',
    needs: ['credentials', 'a VM'],
    unblockCriteria: 'ops grants access',
    actor: agent,
  });
}

const count = async (db: Firestore, col: string) => (await db.collection(col).count().get()).data().count;

test('export, import into an empty database, then parity shows no difference; a hand edit shows', async () => {
  const source = testFirestore();
  await populate(source);
  const dir = await mkdtemp(join(tmpdir(), 'parity-'));
  const exported = await exportParityFiles({ db: source }, dir);
  assert.equal(exported.missions, 4);
  assert.deepEqual(await checkParity({ db: source }, dir), []);

  const target = testFirestore();
  assert.equal(await count(target, 'missions'), 0);
  const imported = await importParityFiles({ db: target, clock: manualClock() }, dir, systemActor('test'));
  assert.deepEqual(imported, exported);
  assert.deepEqual(await checkParity({ db: target }, dir), []);

  const yaml = await readFile(join(dir, 'backlog.yaml'), 'utf8');
  assert.match(yaml, /needs:\n\s+- credentials/);
  await writeFile(join(dir, 'backlog.yaml'), yaml.replace('title: Docs', 'title: Documentation'));
  const jsonl = (await readFile(join(dir, 'SESSIONS.jsonl'), 'utf8')).split('\n');
  await writeFile(join(dir, 'SESSIONS.jsonl'), jsonl.slice(1).join('\n'));
  const diffs = await checkParity({ db: target }, dir);
  assert.equal(diffs.length, 2, diffs.map((d) => d.message).join('\n'));
  assert.deepEqual(
    { id: diffs[0]?.id, field: diffs[0]?.field, store: diffs[0]?.store, file: diffs[0]?.file },
    { id: 'M3', field: 'title', store: 'Docs', file: 'Documentation' },
  );
  assert.equal(diffs[1]?.kind, 'event');
  assert.match(diffs[1]?.message ?? '', /in Firestore but not in SESSIONS\.jsonl/);
});

test('a malformed import file is refused naming line and reason, changing nothing', async () => {
  const source = testFirestore();
  await populate(source);
  const dir = await mkdtemp(join(tmpdir(), 'parity-'));
  await exportParityFiles({ db: source }, dir);
  const yaml = await readFile(join(dir, 'backlog.yaml'), 'utf8');
  const lines = yaml.split('\n');
  const statusLine = lines.findIndex((l) => l.includes('status: Blocked'));
  lines[statusLine] = lines[statusLine]!.replace('Blocked', 'Stuck');
  await writeFile(join(dir, 'backlog.yaml'), lines.join('\n'));

  const target = testFirestore();
  await assert.rejects(
    importParityFiles({ db: target, clock: manualClock() }, dir, systemActor('t')),
    (e: AppError) => {
      assert.equal(e.code, 'invalid_input');
      assert.match(e.message, new RegExp(`backlog\\.yaml line ${statusLine + 1}: missions\\.3\\.status`));
      return true;
    },
  );

  await writeFile(join(dir, 'backlog.yaml'), yaml);
  await writeFile(
    join(dir, 'SESSIONS.jsonl'),
    (await readFile(join(dir, 'SESSIONS.jsonl'), 'utf8')) + '{"id": oops}\n',
  );
  const total = (await readFile(join(dir, 'SESSIONS.jsonl'), 'utf8')).trimEnd().split('\n').length;
  await assert.rejects(
    importParityFiles({ db: target, clock: manualClock() }, dir, systemActor('t')),
    new RegExp(`SESSIONS\\.jsonl line ${total}: not valid JSON`),
  );
  await writeFile(join(dir, 'backlog.yaml'), 'version: 1\nmissions:\n  - id: [unclosed\n');
  await assert.rejects(
    importParityFiles({ db: target, clock: manualClock() }, dir, systemActor('t')),
    /backlog\.yaml line \d+: YAML syntax/,
  );
  assert.equal(await count(target, 'missions'), 0);
  assert.equal(await count(target, 'missionEvents'), 0);
});

test('npm run parity exits 0 in parity and 1 on drift, listing each difference', async () => {
  const projectId = uniqueProjectId('parity');
  const db = testFirestore(projectId);
  await populate(db);
  const dir = await mkdtemp(join(tmpdir(), 'parity-'));
  const env = { ...process.env, GOOGLE_CLOUD_PROJECT: projectId, MUSE_ENV: 'test' as const };
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'scripts/parity.ts', ...args], { env, encoding: 'utf8' });

  const exp = run('export', dir);
  assert.equal(exp.status, 0, exp.stderr);
  const ok = run(dir);
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /in parity/);

  await db.collection('missions').doc('M2').update({ status: 'Blocked' });
  const drift = run('check', dir);
  assert.equal(drift.status, 1, drift.stderr);
  assert.match(drift.stdout, /mission M2 status: Firestore "Blocked", backlog\.yaml "Current"/);

  await writeFile(join(dir, 'SESSIONS.jsonl'), 'not json\n');
  const bad = run('import', dir);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /SESSIONS\.jsonl:1: not valid JSON/);
  assert.equal(run('frobnicate', dir).status, 2);
});
