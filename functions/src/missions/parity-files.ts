/**
 * Parity between Firestore and the repository files `<dir>/backlog.yaml` and `<dir>/SESSIONS.jsonl`:
 * export, import and the check. Import is all or nothing: both files are validated before anything
 * is written, and the writes themselves commit atomically (./all-or-nothing.ts), so a failure part
 * way (a document Firestore refuses, an outage) leaves Firestore as it was.
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
import { DEFAULT_LIMITS, writeAllOrNothing, type CommitLimits } from './all-or-nothing.js';
import { viaOf } from './audited.js';
import { backlogToYaml, parseBacklogYaml } from './backlog-yaml.js';
import { parityImportWrites, readBacklog, readEvents } from './repo.js';

export const BACKLOG_FILE = 'backlog.yaml';
export const SESSIONS_FILE = 'SESSIONS.jsonl';

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
  limits: CommitLimits = DEFAULT_LIMITS,
): Promise<{ missions: number; events: number }> {
  const { missions, events } = await readParityFiles(dir);
  const writes = parityImportWrites(
    deps.db,
    { missions, events },
    { missions: BACKLOG_FILE, events: SESSIONS_FILE },
  );
  const audit = (outcome: 'ok' | 'refused', reason?: string) =>
    recordAudit(
      deps.db,
      {
        actor,
        action: 'parity.import',
        target: dir,
        outcome,
        ...(reason ? { reason } : {}),
        via: actor.kind === 'system' ? 'cli' : viaOf(actor),
        details: { missions: missions.length, events: events.length },
      },
      deps.clock.now(),
    );
  try {
    await writeAllOrNothing(deps.db, writes, limits);
  } catch (err) {
    // The import's own failure is what the caller must see, even if the audit write fails too.
    await audit('refused', (err as Error).message.slice(0, 1000)).catch(() => undefined);
    throw err;
  }
  await audit('ok');
  return { missions: missions.length, events: events.length };
}

/** Every difference between Firestore and the files; empty when in parity. */
export async function checkParity(deps: { db: Firestore }, dir: string): Promise<Difference[]> {
  const files = await readParityFiles(dir);
  const [missions, events] = await Promise.all([readBacklog(deps.db), readEvents(deps.db)]);
  return diffParity({ missions, events }, files);
}
