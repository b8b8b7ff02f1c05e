/**
 * Whether this instance warms at load (wiring/warm.ts): decided from the environment alone, so the
 * functions' entry can ask without loading anything; the warm-up itself is imported only when the
 * answer is yes (a function that runs no production never loads it at start).
 */

/** The deployed functions that run production steps: they warm when the module loads. */
export const WARM_AT_LOAD: ReadonlySet<string> = new Set(['engineStep']);

export function warmsAtLoad(
  env: Record<string, string | undefined> = process.env,
  argv: readonly string[] = process.argv,
): boolean {
  // The runtime sets FUNCTION_TARGET; the framework's CLI may be given `--target=` instead.
  const target =
    env.FUNCTION_TARGET ?? argv.find((a) => a.startsWith('--target='))?.slice('--target='.length);
  return env.MUSE_WARM_START !== 'off' && WARM_AT_LOAD.has(target ?? '');
}
