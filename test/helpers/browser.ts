/**
 * The browser for end-to-end tests comes from the project's own files: `@sparticuz/chromium` (a
 * dev dependency) carries a headless Chromium build that it unpacks to the temp directory on first
 * use, so `npm ci && npm test` needs nothing from the machine (Playwright's own browser download
 * cannot work on these machines). `CHROMIUM_PATH` points at another Chromium when wanted.
 */
import sparticuz from '@sparticuz/chromium';
import { chromium, type BrowserContext } from 'playwright-core';

/** Flags that keep Chromium off the network: this machine refuses connections outside loopback. */
const QUIET = [
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** `extraArgs`: more Chromium flags, e.g. a fake microphone for the voice tests. */
export async function launchBrowser(profileDir: string, extraArgs: string[] = []): Promise<BrowserContext> {
  const own = process.env.CHROMIUM_PATH;
  const executablePath = own ?? (await sparticuz.executablePath());
  // The packaged build is made for serverless hosts and needs its own flags (single process,
  // software GL); a machine's Chromium runs with the usual headless ones.
  const args = own
    ? ['--headless', '--no-sandbox', '--disable-gpu', ...QUIET, ...extraArgs]
    : [...sparticuz.args, ...QUIET, ...extraArgs];
  // A locale as a person's browser has one: otherwise Chromium takes it from the environment, and a
  // POSIX one ("en-US@posix") is not a language tag (Intl, and uPlot on the status page, throw on it).
  return chromium.launchPersistentContext(profileDir, {
    executablePath,
    args,
    headless: true,
    locale: 'en-US',
  });
}
