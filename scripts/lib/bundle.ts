/**
 * The deployed functions entry (package.json `main`, functions/bundle/index.js) and what it loads,
 * built with esbuild so a cold instance reads and compiles as little as possible:
 * - index.js: the registrations (index.ts, with each lazy `import('./triggers/...')` rewritten to
 *   platform/bundled-app.ts's `appImport`) and the api trigger, whose /livez needs nothing else:
 *   a few KiB.
 * - app.cjs: every trigger module and everything they import, one CommonJS file whose modules
 *   still evaluate only on first use; loaded on the first request through `vm.Script` with
 * - app.cjs.cache: the V8 code cache of app.cjs, written by code-cache-write.mjs (built here, run
 *   here and again by the deploy as `gcp-build`), so the first request deserializes compiled code
 *   instead of compiling megabytes (platform/code-cache.ts; a refused cache only costs time).
 * CommonJS because only a classic script takes a code cache without Node's experimental flags.
 *
 * Kept out of the bundle (external, loaded from node_modules at run time): only
 * @google-cloud/functions-framework. Cloud Functions starts the framework from node_modules
 * itself, and `http()` must register into that same instance.
 * google-gax and the gRPC stack (@grpc/grpc-js, @grpc/proto-loader, protobufjs) read their proto
 * files through `__dirname` at run time: they are bundled with `__dirname` pointing back at their
 * directory in node_modules (readsOwnFiles), so their code is in the code cache and their data
 * stays where npm installed it (a test checks they are installed there). Bundled that way without
 * a code cache they were no faster; with it, the first /healthz was faster in each of 6
 * interleaved runs (2026-12-01).
 * Everything else (our code, zod, yaml, @slack/bolt, ws, @google/genai, fast-xml-parser, re2js,
 * the SDKs) is bundled.
 */
import { build, type Plugin } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = join(import.meta.dirname, '..', '..');
export const BUNDLE_DIR = join(root, 'functions', 'bundle');

export const EXTERNAL = [
  '@google-cloud/functions-framework',
  // Native renderers (a .node binary per platform, picked at install): the local model's media.
  'sharp',
  '@resvg/resvg-js',
];

/** Bundled, but they read their own files through `__dirname` (see readsOwnFiles). */
export const READS_OWN_FILES = ['google-gax', '@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs'];

/** What must be installed at the top of node_modules where the package is deployed. */
export const FROM_NODE_MODULES = [...EXTERNAL, ...READS_OWN_FILES];

/**
 * A module of READS_OWN_FILES that uses `__dirname` gets its own: its directory in the
 * node_modules beside the package (functions/bundle/../../node_modules/...), where npm installs it
 * on deploy from the same lock file. `__appDir` is app.cjs's directory (the banner).
 */
function readsOwnFiles(): Plugin {
  const names = READS_OWN_FILES.map((n) => n.replace(/[/]/g, '[/\\\\]')).join('|');
  return {
    name: 'reads-own-files',
    setup(b) {
      b.onLoad({ filter: new RegExp(`[/\\\\]node_modules[/\\\\](${names})[/\\\\].*\\.js$`) }, (args) => {
        const code = readFileSync(args.path, 'utf8');
        if (!code.includes('__dirname')) return undefined;
        const path = args.path.replaceAll('\\', '/');
        const inModules = dirname(path.slice(path.indexOf('/node_modules/') + '/node_modules/'.length));
        const dir = `require('node:path').join(__appDir, '..', '..', 'node_modules', ${JSON.stringify(inModules)})`;
        return { contents: `var __dirname = ${dir};\n${code}`, loader: 'js' };
      });
    },
  };
}

/**
 * The container loads Pub/Sub with a synchronous require through createRequire on first use
 * (platform/container.ts), which esbuild cannot follow; in the bundle that call becomes a plain
 * require, which esbuild bundles and still runs only on first use. Fails the build if the call
 * is no longer there, so Pub/Sub never silently drops out of the bundle.
 */
function bundledPubSubRequire(): Plugin {
  const call = "requireCjs('@google-cloud/pubsub')";
  return {
    name: 'bundled-pubsub-require',
    setup(b) {
      b.onLoad({ filter: /platform[/\\]container\.ts$/ }, (args) => {
        const code = readFileSync(args.path, 'utf8');
        if (!code.includes(call))
          throw new Error(`${args.path} no longer has ${call}: update scripts/lib/bundle.ts`);
        return { contents: code.replace(call, "require('@google-cloud/pubsub')"), loader: 'ts' };
      });
    },
  };
}

const SRC = join(root, 'functions', 'src');
const INDEX = join(SRC, 'index.ts');
/** A relative dynamic import, e.g. import('./triggers/http/api.js'). */
const LAZY_IMPORT = /import\((['"])(\.{1,2}\/[^'"]+)\1\)/g;

/**
 * Trigger modules that import nothing heavy statically, bundled into index.js itself so their
 * cheap answers (the api's /livez) need no app.cjs; their own lazy imports come from app.cjs.
 */
export const IN_ENTRY = ['triggers/http/api.js'];

/** Where a lazy import in `file` leads, relative to functions/src (the key in app.cjs). */
const keyOf = (file: string, spec: string) =>
  relative(SRC, resolve(dirname(file), spec)).replaceAll('\\', '/');

function lazyImportsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(LAZY_IMPORT)].map((m) => keyOf(file, m[2]!));
}

/** Every module app.cjs serves: index.ts's lazy triggers and the lazy imports of IN_ENTRY. */
export function appModules(): string[] {
  const fromIndex = lazyImportsOf(INDEX);
  if (!fromIndex.some((k) => k.startsWith('triggers/')))
    throw new Error(`${INDEX} has no import('./triggers/...'): update scripts/lib/bundle.ts`);
  const fromEntry = IN_ENTRY.flatMap((k) => lazyImportsOf(join(SRC, k.replace(/\.js$/, '.ts'))));
  return [...new Set([...fromIndex, ...fromEntry])].filter((k) => !IN_ENTRY.includes(k));
}

/**
 * index.ts and the IN_ENTRY modules with their lazy imports served from app.cjs
 * (platform/bundled-app.ts's appImport), except imports of IN_ENTRY modules, which stay in index.js.
 */
function lazyImportsFromApp(): Plugin {
  const files = [INDEX, ...IN_ENTRY.map((k) => join(SRC, k.replace(/\.js$/, '.ts')))];
  return {
    name: 'lazy-imports-from-app',
    setup(b) {
      b.onLoad({ filter: /[/\\]functions[/\\]src[/\\].*\.ts$/ }, (args) => {
        if (!files.includes(args.path)) return undefined;
        const code = readFileSync(args.path, 'utf8').replace(LAZY_IMPORT, (whole, _q, spec: string) => {
          const key = keyOf(args.path, spec);
          return IN_ENTRY.includes(key) ? whole : `__appImport(${JSON.stringify(key)})`;
        });
        const loader = JSON.stringify(join(SRC, 'platform', 'bundled-app.ts'));
        return { contents: `import { appImport as __appImport } from ${loader};\n${code}`, loader: 'ts' };
      });
    },
  };
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  external: EXTERNAL,
  logLevel: 'warning',
} as const;

export async function bundleFunctions(): Promise<void> {
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  const appEntry = [
    "export { warmForCodeCache as warm } from './platform/code-cache-warm.js';",
    'export const modules = {',
    ...appModules().map((k) => `  ${JSON.stringify(k)}: () => import(${JSON.stringify(`./${k}`)}),`),
    '};',
  ].join('\n');
  await Promise.all([
    build({
      ...common,
      stdin: { contents: appEntry, resolveDir: SRC, sourcefile: 'app-entry.ts', loader: 'ts' },
      outfile: join(BUNDLE_DIR, 'app.cjs'),
      format: 'cjs',
      sourcemap: 'linked',
      plugins: [bundledPubSubRequire(), readsOwnFiles()],
      // container.ts calls createRequire(import.meta.url), which CommonJS output leaves empty.
      define: { 'import.meta.url': '__importMetaUrl' },
      banner: {
        js: "var __importMetaUrl = require('node:url').pathToFileURL(__filename).href, __appDir = __dirname;",
      },
    }),
    build({
      ...common,
      entryPoints: [INDEX],
      outfile: join(BUNDLE_DIR, 'index.js'),
      format: 'esm',
      plugins: [lazyImportsFromApp()],
    }),
    build({
      ...common,
      entryPoints: [join(SRC, 'platform', 'code-cache-write.ts')],
      outfile: join(BUNDLE_DIR, CACHE_WRITER),
      format: 'esm',
    }),
  ]);
  writeCodeCacheNow();
}

/** The writer's file in functions/bundle; package.json's `gcp-build` runs it on deploy. */
export const CACHE_WRITER = 'code-cache-write.mjs';

/** Runs the writer in a clean child (production-like: no emulators, no tsx hooks). */
function writeCodeCacheNow(): void {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'error' };
  for (const k of ['NODE_OPTIONS', 'FIRESTORE_EMULATOR_HOST', 'PUBSUB_EMULATOR_HOST', 'MUSE_ENV'])
    delete env[k];
  const out = execFileSync(process.execPath, [join(BUNDLE_DIR, CACHE_WRITER)], { env, encoding: 'utf8' });
  if (!out.startsWith('code cache:')) throw new Error(`the code cache was not written: ${out}`);
}
