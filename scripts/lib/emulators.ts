/**
 * Starts and stops the official Firestore and Pub/Sub emulators as child process groups. The
 * Firestore emulator enforces `firestore.rules` for every project, for `npm start` and `npm test`.
 * Killing only the `gcloud` wrapper leaves the emulators' Java processes behind, so each
 * emulator runs in its own process group and the whole group is signalled on stop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface EmulatorHandle {
  name: string;
  host: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

export async function isUp(host: string): Promise<boolean> {
  try {
    const res = await fetch(`http://${host}/`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function waitUntilUp(
  host: string,
  child: ChildProcess,
  name: string,
  logFile: string,
  timeoutMs = 60_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${name} emulator exited with code ${child.exitCode}; see ${logFile}`);
    if (await isUp(host)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${name} emulator did not answer on ${host} within ${timeoutMs / 1000} s; see ${logFile}`);
}

function stopGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.pid === undefined) return resolve();
    const pid = child.pid;
    const kill = (sig: NodeJS.Signals) => {
      try {
        process.kill(-pid, sig);
      } catch {
        /* group already gone */
      }
    };
    const timer = setTimeout(() => kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      kill('SIGKILL'); // the Java grandchildren, if the wrapper left first
      resolve();
    });
    kill('SIGTERM');
  });
}

function launch(name: string, args: string[], logDir: string): { child: ChildProcess; logFile: string } {
  mkdirSync(logDir, { recursive: true });
  const logFile = join(logDir, `${name}-emulator.log`);
  const out = createWriteStream(logFile);
  const child = spawn('gcloud', args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  return { child, logFile };
}

export interface StartOptions {
  logDir: string;
  firestorePort?: number;
  pubsubPort?: number;
  /** Directory holding a previous export; imported on start when present. */
  importFrom?: string;
  /** Security rules every project gets (default: the repository's firestore.rules, as deployed). */
  rulesFile?: string;
}

/** The rules file production deploys (infra/firestore.tf); the local emulator enforces the same. */
export const RULES_FILE = join(import.meta.dirname, '..', '..', 'firestore.rules');

async function refuseBusyPort(host: string, name: string, flag: string): Promise<void> {
  if (await isUp(host))
    throw new Error(
      `${host} already answers: a ${name} emulator left running by an earlier start? ` +
        `Stop it (pkill -f ${name === 'Firestore' ? 'cloud-firestore-emulator' : 'pubsub-emulator'}) or pass ${flag} <port>.`,
    );
}

export async function startFirestore(opts: StartOptions): Promise<EmulatorHandle> {
  const port = opts.firestorePort ?? (await freePort());
  const host = `127.0.0.1:${port}`;
  await refuseBusyPort(host, 'Firestore', '--firestore-port');
  // With the rules loaded, a web client (Firebase JS SDK) is held to them as in production; the
  // server SDK authenticates as the emulator's owner and bypasses them, as Admin credentials do.
  const args = [
    'emulators',
    'firestore',
    'start',
    `--host-port=${host}`,
    `--rules=${opts.rulesFile ?? RULES_FILE}`,
    '--quiet',
  ];
  const meta = opts.importFrom ? findExportMetadata(opts.importFrom) : undefined;
  if (meta) args.push(`--import-data=${meta}`);
  const { child, logFile } = launch('firestore', args, opts.logDir);
  await waitUntilUp(host, child, 'Firestore', logFile);
  return { name: 'firestore', host, stop: () => stopGroup(child) };
}

export async function startPubSub(opts: StartOptions): Promise<EmulatorHandle> {
  const port = opts.pubsubPort ?? (await freePort());
  const host = `127.0.0.1:${port}`;
  await refuseBusyPort(host, 'Pub/Sub', '--pubsub-port');
  const { child, logFile } = launch(
    'pubsub',
    ['beta', 'emulators', 'pubsub', 'start', `--host-port=${host}`, '--quiet'],
    opts.logDir,
  );
  await waitUntilUp(host, child, 'Pub/Sub', logFile);
  return { name: 'pubsub', host, stop: () => stopGroup(child) };
}

function findExportMetadata(dir: string): string | undefined {
  if (!existsSync(dir)) return undefined;
  const file = readdirSync(dir).find((f) => f.endsWith('.overall_export_metadata'));
  return file ? join(dir, file) : undefined;
}

/**
 * Exports every project's data of the Firestore emulator into `dir` (replacing the previous export),
 * through the emulator's own export endpoint. Used on exit so a restart loses nothing.
 */
export async function exportFirestore(host: string, projectId: string, dir: string): Promise<void> {
  const staging = `${dir}.staging`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const res = await fetch(`http://${host}/emulator/v1/projects/${projectId}:export`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      database: `projects/${projectId}/databases/(default)`,
      export_directory: staging,
    }),
  });
  if (!res.ok) throw new Error(`Firestore export failed: ${res.status} ${await res.text()}`);
  const [sub] = readdirSync(staging);
  if (!sub) throw new Error('Firestore export wrote nothing');
  rmSync(dir, { recursive: true, force: true });
  renameSync(join(staging, sub), dir);
  rmSync(staging, { recursive: true, force: true });
}

/**
 * Imports an export made by `exportFirestore` into a project of a running emulator (what
 * `--import-data` does at start), so a test can check what survives an export and an import.
 */
export async function importFirestore(host: string, projectId: string, dir: string): Promise<void> {
  const meta = findExportMetadata(dir);
  if (!meta) throw new Error(`no Firestore export in ${dir}`);
  const res = await fetch(`http://${host}/emulator/v1/projects/${projectId}:import`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ database: `projects/${projectId}/databases/(default)`, export_directory: meta }),
  });
  if (!res.ok) throw new Error(`Firestore import failed: ${res.status} ${await res.text()}`);
}
