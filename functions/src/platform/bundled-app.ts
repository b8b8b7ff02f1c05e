/**
 * In the deployed bundle, functions/bundle/index.js registers the functions and each lazy trigger
 * import becomes `appImport(spec)`: the first one loads app.cjs (every trigger and what it needs)
 * with its code cache (code-cache.ts), and each trigger's module still evaluates only when its
 * function is first called. scripts/lib/bundle.ts rewrites index.ts's imports to this.
 */
import { fileURLToPath } from 'node:url';
import { loadCommonJs } from './code-cache.js';

type Triggers = Record<string, () => Promise<Record<string, unknown>>>;
let triggers: Triggers | undefined;

export function appImport(spec: string): Promise<Record<string, unknown>> {
  triggers ??= loadCommonJs(fileURLToPath(new URL('./app.cjs', import.meta.url))).exports
    .triggers as Triggers;
  const load = triggers[spec];
  if (!load) return Promise.reject(new Error(`the bundle has no trigger module "${spec}"`));
  return load();
}
