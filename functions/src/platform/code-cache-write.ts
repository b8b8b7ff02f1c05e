/**
 * Writes functions/bundle/app.cjs.cache (see code-cache.ts): loads app.cjs without a cache, runs
 * its warm-up, and saves what V8 compiled. `npm run build` runs it with the local Node; the deploy
 * runs it again as `gcp-build` (infra/functions.tf) so the cache comes from the runtime's own Node.
 * Never fails a build: without a cache the bundle still loads, only slower.
 */
import { fileURLToPath } from 'node:url';
import { loadCommonJs, writeCodeCache } from './code-cache.js';

const file = fileURLToPath(new URL('./app.cjs', import.meta.url));
try {
  process.env.GOOGLE_CLOUD_PROJECT ||= 'code-cache-build';
  const { exports, script } = loadCommonJs(file, false);
  const warm = exports.warm as (t: unknown) => Promise<string[]>;
  const failed = await warm(exports.modules);
  const bytes = writeCodeCache(script, file);
  process.stdout.write(
    `code cache: ${(bytes / 1024).toFixed(0)} KiB for ${file} (Node ${process.version})` +
      (failed.length ? `; not warmed: ${failed.join('; ')}` : '') +
      '\n',
  );
} catch (err) {
  process.stdout.write(`code cache not written (the bundle compiles on load): ${String(err)}\n`);
}
process.exit(0);
