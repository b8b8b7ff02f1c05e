/**
 * Loads the deployed CommonJS bundle (functions/bundle/app.cjs) through `vm.Script` with the V8
 * code cache written beside it at build time (app.cjs.cache), so a cold instance deserializes
 * compiled code instead of parsing and compiling megabytes of JavaScript. Node 20 has no module
 * compile cache and Node 22's (`module.enableCompileCache`) only helps a process that finds a
 * cache an earlier one wrote; this works on both, with a cache shipped in the package.
 * V8 refuses a cache made by another V8 version or with other flags: the bundle then compiles as
 * usual (correct, only slower) and one warning says so. Only the bundle uses this module.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

export interface LoadedCommonJs {
  exports: Record<string, unknown>;
  script: Script;
  /** True when a cache was there and V8 refused it; undefined when there was none. */
  cacheRejected: boolean | undefined;
}

export const cacheFileOf = (file: string) => `${file}.cache`;

/** Runs `file` as a CommonJS module, with its code cache unless `useCache` is false. */
export function loadCommonJs(file: string, useCache = true): LoadedCommonJs {
  const cacheFile = cacheFileOf(file);
  const cachedData = useCache && existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  // The same wrapper text as the writer's, or V8 refuses the cache.
  const source = `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}\n})`;
  const script = new Script(source, { filename: file, ...(cachedData ? { cachedData } : {}) });
  const cacheRejected = cachedData ? script.cachedDataRejected === true : undefined;
  if (cacheRejected)
    process.stderr.write(
      JSON.stringify({
        severity: 'WARNING',
        message: `code cache ${cacheFile} refused by this Node (${process.version}): compiling the bundle`,
      }) + '\n',
    );
  const module = { exports: {} as Record<string, unknown> };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper(module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script, cacheRejected };
}

/** Writes what V8 has compiled of `script` so far (run it first: executed code is included). */
export function writeCodeCache(script: Script, file: string): number {
  const data = script.createCachedData();
  writeFileSync(cacheFileOf(file), data);
  return data.length;
}
