/**
 * CMOS store <-> file parity.
 *
 *   npm run parity -- <dir>           compare Firestore with <dir>/backlog.yaml and <dir>/SESSIONS.jsonl,
 *                                     and record the result (session closure's "data in sync" reads it)
 *   npm run parity -- check <dir>     the same
 *   npm run parity -- export <dir>    write both files from Firestore
 *   npm run parity -- import <dir>    load both files into Firestore, all or nothing: a malformed file
 *                                     or a write failing part way leaves Firestore as it was
 *
 * Exit codes: 0 in parity / done, 1 drift, 2 bad usage or a refused file.
 */
import { resolve } from 'node:path';
import { loadConfig } from '../functions/src/config.js';
import { recordParityCheck } from '../functions/src/missions/parity-checks.js';
import { checkParity, exportParityFiles, importParityFiles } from '../functions/src/missions/parity-files.js';
import { isAppError } from '../functions/src/shared/errors.js';
import { systemActor } from '../functions/src/shared/ports.js';
import { createApp } from '../functions/src/wiring/app.js';

const USAGE = 'usage: npm run parity -- [check|export|import] <dir>';

async function main(argv: string[]): Promise<number> {
  const [first, second] = argv;
  const command = second === undefined ? 'check' : first;
  const dir = second ?? first;
  if (!dir || !['check', 'export', 'import'].includes(command ?? '')) {
    console.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  const app = await createApp(config);
  const deps = { db: app.db, clock: app.clock };
  try {
    if (command === 'export') {
      const n = await exportParityFiles(deps, dir);
      console.log(`exported ${n.missions} missions and ${n.events} events to ${dir}`);
      return 0;
    }
    if (command === 'import') {
      const n = await importParityFiles(deps, dir, systemActor('parity-cli'));
      console.log(`imported ${n.missions} missions and ${n.events} events from ${dir}`);
      return 0;
    }
    const diffs = await checkParity(deps, dir);
    await recordParityCheck(app.db, {
      dir: resolve(dir),
      differences: diffs,
      actor: systemActor('parity-cli'),
      at: app.clock.now(),
    });
    for (const d of diffs) console.log(`- ${d.message}`);
    console.log(diffs.length ? `drift: ${diffs.length} difference(s)` : 'in parity');
    return diffs.length ? 1 : 0;
  } catch (err) {
    if (!isAppError(err)) throw err;
    const problems = (
      err.details as { problems?: { file: string; line?: number; message: string }[] } | undefined
    )?.problems;
    if (problems) for (const p of problems) console.error(`${p.file}:${p.line ?? '?'}: ${p.message}`);
    else console.error(err.message);
    return 2;
  } finally {
    await app.db.terminate();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  },
);
