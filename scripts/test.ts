/**
 * `npm test`: lint, type-check and format check, then every test file under test/ with the
 * official emulators. Emulators already running (FIRESTORE_EMULATOR_HOST and PUBSUB_EMULATOR_HOST
 * set and answering) are reused; otherwise this starts its own and stops them at the end.
 *
 *   npm test                      everything
 *   npm test -- engine gate       only test files whose path contains "engine" or "gate" (no lint)
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { requireToolchain } from './lib/toolchain.js';
import { isUp, startFirestore, startPubSub, type EmulatorHandle } from './lib/emulators.js';

const root = join(import.meta.dirname, '..');

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out.sort();
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2);
  const bin = (name: string) => join(root, 'node_modules', '.bin', name);

  if (filters.length === 0) {
    console.log('> type-check, lint and format check');
    for (const [cmd, args] of [
      [bin('tsc'), ['-p', 'tsconfig.json']],
      [bin('eslint'), ['.']],
      [bin('prettier'), ['--check', '--log-level', 'warn', '.']],
    ] as const) {
      const code = await run(cmd, [...args]);
      if (code !== 0) {
        console.error(
          `\n${relative(root, cmd)} failed; fix the findings above (npm run format fixes formatting).`,
        );
        return code;
      }
    }
  }

  const files = testFiles(join(root, 'test')).filter(
    (f) => filters.length === 0 || filters.some((s) => f.includes(s)),
  );
  if (files.length === 0) {
    console.error(`No test file matches ${filters.join(', ')}`);
    return 1;
  }

  const needsEmulators = files.some((f) => /\.(int|e2e|fault)\.test\.ts$/.test(f));
  if (needsEmulators) requireToolchain();
  const started: EmulatorHandle[] = [];
  const env: NodeJS.ProcessEnv = { ...process.env, METADATA_SERVER_DETECTION: 'none', NODE_ENV: 'test' };
  delete env.NODE_EXTRA_CA_CERTS;
  const reuse =
    env.FIRESTORE_EMULATOR_HOST &&
    env.PUBSUB_EMULATOR_HOST &&
    (await isUp(env.FIRESTORE_EMULATOR_HOST)) &&
    (await isUp(env.PUBSUB_EMULATOR_HOST));
  try {
    if (needsEmulators && !reuse) {
      console.log('> starting the Firestore and Pub/Sub emulators');
      const logDir = join(root, '.local', 'test-logs');
      const [fs, ps] = await Promise.all([startFirestore({ logDir }), startPubSub({ logDir })]);
      started.push(fs, ps);
      env.FIRESTORE_EMULATOR_HOST = fs.host;
      env.PUBSUB_EMULATOR_HOST = ps.host;
      console.log(`  firestore ${fs.host}, pubsub ${ps.host}`);
    }
    console.log(`> ${files.length} test files`);
    return await run(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=180000', ...files],
      env,
    );
  } finally {
    await Promise.all(started.map((e) => e.stop()));
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
