/**
 * Parity between Firestore and the repository files `<dir>/backlog.yaml` and `<dir>/SESSIONS.jsonl`:
 * export, import (all or nothing: both files are validated before anything is written) and the check.
 */
import type { Firestore } from '@google-cloud/firestore';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { recordAudit } from '../platform/audit.js';
import { invalidInput } from '../shared/errors.js';
import type { Actor, Clock } from '../shared/ports.js';
import type { MissionEvent } from './core/events.js';
import { eventsFromJsonl, eventsToJsonl, type FileIssue } from './core/files.js';
import type { Mission } from './core/mission.js';
import { diffParity, type Difference } from './core/parity.js';
import { viaOf } from './audited.js';
import { backlogToYaml, parseBacklogYaml } from './backlog-yaml.js';
import { MISSION_EVENTS, MISSIONS, readBacklog, readEvents } from './store.js';

export const BACKLOG_FILE = 'backlog.yaml';
export const SESSIONS_FILE = 'SESSIONS.jsonl';

/** Firestore allows 500 writes per batch. */
const BATCH = 450;

export interface FileProblem extends FileIssue {
  file: string;
}

async function readText(path: string, name: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw invalidInput(
      `${name}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
}

/** Reads and validates both files; throws invalid_input naming each file, line and reason. */
export async function readParityFiles(dir: string): Promise<{ missions: Mission[]; events: MissionEvent[] }> {
  const [yamlText, jsonl] = await Promise.all([
    readText(join(dir, BACKLOG_FILE), BACKLOG_FILE),
    readText(join(dir, SESSIONS_FILE), SESSIONS_FILE),
  ]);
  const backlog = parseBacklogYaml(yamlText);
  const events = eventsFromJsonl(jsonl);
  const problems: FileProblem[] = [
    ...(backlog.ok ? [] : backlog.issues.map((i) => ({ ...i, file: BACKLOG_FILE }))),
    ...(events.ok ? [] : events.issues.map((i) => ({ ...i, file: SESSIONS_FILE }))),
  ];
  if (!backlog.ok || !events.ok) {
    const lines = problems.map((p) => `${p.file} line ${p.line ?? '?'}: ${p.message}`);
    throw invalidInput(`malformed parity files: ${lines.join('; ')}`, { problems });
  }
  return { missions: backlog.value, events: events.value };
}

/** Writes backlog.yaml and SESSIONS.jsonl from Firestore. */
export async function exportParityFiles(
  deps: { db: Firestore },
  dir: string,
): Promise<{ missions: number; events: number }> {
  const [missions, events] = await Promise.all([readBacklog(deps.db), readEvents(deps.db)]);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, BACKLOG_FILE), backlogToYaml(missions));
  await writeFile(join(dir, SESSIONS_FILE), eventsToJsonl(events));
  return { missions: missions.length, events: events.length };
}

/**
 * Imports both files into Firestore: missions are set as in the file, events are written by id
 * (so importing twice changes nothing). A malformed file is refused before any write.
 */
export async function importParityFiles(
  deps: { db: Firestore; clock: Clock },
  dir: string,
  actor: Actor,
): Promise<{ missions: number; events: number }> {
  const { missions, events } = await readParityFiles(dir);
  const writes: Array<[string, string, object]> = [
    ...missions.map((m): [string, string, object] => [MISSIONS, m.id, m]),
    ...events.map((e): [string, string, object] => [MISSION_EVENTS, e.id, e]),
  ];
  for (let i = 0; i < writes.length; i += BATCH) {
    const batch = deps.db.batch();
    for (const [col, id, data] of writes.slice(i, i + BATCH))
      batch.set(deps.db.collection(col).doc(id), data);
    await batch.commit();
  }
  await recordAudit(
    deps.db,
    {
      actor,
      action: 'parity.import',
      target: dir,
      outcome: 'ok',
      via: actor.kind === 'system' ? 'cli' : viaOf(actor),
      details: { missions: missions.length, events: events.length },
    },
    deps.clock.now(),
  );
  return { missions: missions.length, events: events.length };
}

/** Every difference between Firestore and the files; empty when in parity. */
export async function checkParity(deps: { db: Firestore }, dir: string): Promise<Difference[]> {
  const files = await readParityFiles(dir);
  const [missions, events] = await Promise.all([readBacklog(deps.db), readEvents(deps.db)]);
  return diffParity({ missions, events }, files);
}
