/**
 * In the deployed bundle, functions/bundle/index.js registers the functions and each lazy import
 * of a trigger (and the api trigger's own lazy imports) becomes `appImport(key)`, key being the
 * module's path under functions/src: the first one loads app.cjs (every trigger and what it
 * needs) with its code cache (code-cache.ts), and each module in it still evaluates only when
 * first needed. scripts/lib/bundle.ts rewrites the imports to this.
 */
import { fileURLToPath } from 'node:url';
import { loadCommonJs } from './code-cache.js';

type Modules = Record<string, () => Promise<Record<string, unknown>>>;
let modules: Modules | undefined;

export function appImport(key: string): Promise<Record<string, unknown>> {
  modules ??= loadCommonJs(fileURLToPath(new URL('./app.cjs', import.meta.url))).exports.modules as Modules;
  const load = modules[key];
  if (!load) return Promise.reject(new Error(`the bundle's app.cjs has no module "${key}"`));
  return load();
}
