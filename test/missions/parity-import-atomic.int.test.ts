/**
 * `npm run parity -- import` is all or nothing (issue 12 part 7) on the Firestore emulator: a
 * document Firestore refuses deep in the file (too large), whether the import is one commit or
 * several parts, and an invalid record deep in the file, each leave Firestore exactly as it was,
 * including the documents the import would have overwritten. Also through the CLI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Firestore } from '@google-cloud/firestore';
import { createMission } from '../../functions/src/missions/lifecycle.js';
import { importParityFiles } from '../../functions/src/missions/parity-files.js';
import { AppError } from '../../functions/src/shared/errors.js';
import { systemActor, type Actor } from '../../functions/src/shared/ports.js';
import { manualClock } from '../helpers/manual-clock.js';
import { testFirestore, uniqueProjectId } from '../helpers/firestore.js';

const agent: Actor = { kind: 'agent', id: 'agent-1' };
const N = 240;
const DEEP = 200;

/** backlog.yaml with N missions; `at(i)` may replace the i-th mission's extra fields. */
function backlogYaml(at: (i: number) => Record<string, string> = () => ({})): string {
  const lines = ['version: 1', 'missions:'];
  for (let i = 1; i <= N; i++) {
    const m = { title: `Mission ${i}`, objective: `objective ${i}`, status: 'Queued', ...at(i) };
    lines.push(
      `  - id: M${i}`,
      `    title: ${JSON.stringify(m.title)}`,
      `    objective: ${JSON.stringify(m.objective)}`,
      `    status: ${m.status}`,
      `    rank: ${i}`,
    );
  }
  return lines.join('\n') + '\n';
}

function sessionsJsonl(): string {
  return Array.from({ length: 60 }, (_, i) =>
    JSON.stringify({
      id: `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z~e${i}`,
      ts: `2026-01-01T00:00:${String(i).padStart(2, '0')}.000Z`,
      type: 'note',
      mission: `M${i + 1}`,
      actor: { kind: 'agent', id: 'agent-1' },
    }),
  ).join('\n');
}

/** Everything in both collections, by path, as plain JSON. */
async function snapshot(db: Firestore): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const col of ['missions', 'missionEvents']) {
    for (const d of (await db.collection(col).get()).docs)
      out[`${col}/${d.id}`] = JSON.parse(JSON.stringify(d.data()));
  }
  return out;
}

/** A store with missions the import would overwrite (M1, M2) or leave alone (keep-me). */
async function seeded(projectId?: string) {
  const db = testFirestore(projectId);
  const deps = { db, clock: manualClock('2026-02-01T00:00:00Z') };
  await createMission(deps, { id: 'M1', title: 'Existing one', objective: 'was here first', actor: agent });
  await createMission(deps, { id: 'M2', title: 'Existing two', objective: 'also here', actor: agent });
  await createMission(deps, { id: 'keep-me', title: 'Not in the file', objective: 'stays', actor: agent });
  const before = await snapshot(db);
  assert.equal(Object.keys(before).filter((k) => k.startsWith('missions/')).length, 3);
  return { db, deps, before };
}

async function filesWith(backlog: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parity-atomic-'));
  await writeFile(join(dir, 'backlog.yaml'), backlog);
  await writeFile(join(dir, 'SESSIONS.jsonl'), sessionsJsonl());
  return dir;
}

const tooLarge = (i: number): Record<string, string> =>
  i === DEEP ? { objective: 'x'.repeat(1_100_000) } : {};

test('a document Firestore refuses deep in the file, in one commit: nothing written', async () => {
  const { db, deps, before } = await seeded();
  const dir = await filesWith(backlogYaml(tooLarge));
  await assert.rejects(importParityFiles(deps, dir, systemActor('t')), (e: unknown) => {
    assert.ok(e instanceof AppError && e.code === 'invalid_input', String(e));
    assert.match(e.message, /import failed writing backlog\.yaml mission M1 \.\. /);
    assert.match(e.message, /nothing was written/);
    return true;
  });
  assert.deepEqual(await snapshot(db), before);
});

test('the same failure when the import takes several commits: the parts written are restored', async () => {
  const { db, deps, before } = await seeded();
  const dir = await filesWith(backlogYaml(tooLarge));
  // 50 writes per commit: M1..M150 commit in three parts before the part holding M200 fails.
  await assert.rejects(
    importParityFiles(deps, dir, systemActor('t'), { maxWrites: 50, maxBytes: 8 * 1024 * 1024 }),
    (e: unknown) => {
      assert.ok(e instanceof AppError && e.code === 'invalid_input', String(e));
      assert.match(
        e.message,
        /import failed writing backlog\.yaml mission M151 \.\. backlog\.yaml mission M200/,
      );
      assert.match(e.message, /the 150 record\(s\) already written were restored; Firestore is as it was/);
      return true;
    },
  );
  // M1 and M2 hold their old values again; M3..M150 are gone; keep-me untouched.
  assert.deepEqual(await snapshot(db), before);
  const audit = await db.collection('audit').where('action', '==', 'parity.import').get();
  assert.deepEqual(
    audit.docs.map((d) => d.get('outcome')),
    ['refused'],
  );

  // The same files without the oversized record import in several parts, completely.
  const good = await filesWith(backlogYaml());
  assert.deepEqual(
    await importParityFiles(deps, good, systemActor('t'), { maxWrites: 50, maxBytes: 8 * 1024 * 1024 }),
    { missions: N, events: 60 },
  );
  assert.equal((await db.collection('missions').count().get()).data().count, N + 1);
});

test('an invalid record deep in the file is refused naming its line, before any write', async () => {
  const { db, deps, before } = await seeded();
  const dir = await filesWith(
    backlogYaml((i): Record<string, string> => (i === N - 1 ? { status: 'Someday' } : {})),
  );
  await assert.rejects(importParityFiles(deps, dir, systemActor('t')), (e: unknown) => {
    assert.ok(e instanceof AppError && e.code === 'invalid_input');
    assert.match(e.message, new RegExp(`backlog\\.yaml line \\d+: missions\\.${N - 2}\\.status`));
    return true;
  });
  assert.deepEqual(await snapshot(db), before);
});

test('npm run parity -- import: exits 2 naming the failure, Firestore unchanged', async () => {
  const projectId = uniqueProjectId('parity-atomic');
  const { db, before } = await seeded(projectId);
  const dir = await filesWith(backlogYaml(tooLarge));
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/parity.ts', 'import', dir], {
    env: { ...process.env, GOOGLE_CLOUD_PROJECT: projectId, MUSE_ENV: 'test' },
    encoding: 'utf8',
  });
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /import failed writing .*nothing was written/);
  assert.deepEqual(await snapshot(db), before);
});
