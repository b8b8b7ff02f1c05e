/**
 * Checks that the tools the local cloud needs are installed, and says what to install when not.
 * Returns a list of problems; an empty list means ready.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

function which(cmd: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function javaMajor(): number | undefined {
  try {
    const out = execFileSync('java', ['-version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return parseJavaVersion(out);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr;
    return typeof stderr === 'string' ? parseJavaVersion(stderr) : undefined;
  }
}

function parseJavaVersion(text: string): number | undefined {
  const m = /version "(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return undefined;
  const major = Number(m[1]);
  return major === 1 ? Number(m[2]) : major;
}

export function checkToolchain(): string[] {
  const problems: string[] = [];
  const gcloud = which('gcloud');
  if (!gcloud) {
    problems.push(
      'gcloud (Google Cloud CLI) is not on PATH. Install it: https://cloud.google.com/sdk/docs/install ' +
        '(Debian: apt-get install google-cloud-cli google-cloud-cli-firestore-emulator google-cloud-cli-pubsub-emulator)',
    );
  } else {
    const sdkRoot = join(dirname(realpathSync(gcloud)), '..');
    const platform = join(sdkRoot, 'platform');
    if (existsSync(platform)) {
      if (!existsSync(join(platform, 'cloud-firestore-emulator')))
        problems.push(
          'The Firestore emulator is not installed: gcloud components install cloud-firestore-emulator ' +
            '(Debian: apt-get install google-cloud-cli-firestore-emulator)',
        );
      if (!existsSync(join(platform, 'pubsub-emulator')))
        problems.push(
          'The Pub/Sub emulator is not installed: gcloud components install pubsub-emulator ' +
            '(Debian: apt-get install google-cloud-cli-pubsub-emulator)',
        );
    }
  }
  if (!which('java')) {
    problems.push(
      'Java is not on PATH; the emulators need Java 17 or newer (Debian: apt-get install openjdk-17-jre-headless)',
    );
  } else {
    const major = javaMajor();
    if (major !== undefined && major < 17)
      problems.push(
        `Java ${major} found; the emulators need Java 17 or newer (Debian: apt-get install openjdk-17-jre-headless)`,
      );
  }
  return problems;
}

/** Prints the problems and exits non-zero: what to install, never a stack trace. */
export function requireToolchain(): void {
  const problems = checkToolchain();
  if (problems.length === 0) return;
  console.error('Muse Ops needs the Google Cloud emulators to run locally. Missing:');
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(2);
}
