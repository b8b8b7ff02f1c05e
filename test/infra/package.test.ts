/**
 * The deployed package is what cloudbuild.yaml zips: package.json, package-lock.json and the
 * esbuild bundle of functions/src/index.ts in functions/bundle (package.json `main`, built by
 * `npm run build`), with the dependencies Cloud Functions installs from package.json (not the
 * devDependencies) for the packages the bundle keeps external. This checks, from
 * functions/src/index.ts through every import it can reach (static, dynamic and createRequire),
 * that the deployed code needs nothing else at run time: no module outside functions/src, no
 * devDependency, and no file read (the trend fixtures are served over HTTP by
 * scripts/lib/feed-server.ts, never read by the functions). test/infra/bundle.int.test.ts builds
 * the bundle and serves it.
 *
 * Development code (the local gateway, Pub/Sub topology and scheduler, Slack request signing, the
 * local Slack server, the manual clock) lives in scripts/ and test/, never under functions/src:
 * every module there is reached, type-only imports included, from a deployed entry (the functions'
 * index.ts, the stream service's stream/main.ts) or an operator's tool in scripts/, and none
 * imports a testing entry point.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { BUNDLE_DIR, FROM_NODE_MODULES } from '../../scripts/lib/bundle.js';

const root = join(import.meta.dirname, '..', '..');
const BUNDLE_ONLY = [
  'platform/bundled-app.ts',
  'platform/code-cache-write.ts',
  'platform/code-cache-warm.ts',
];
const src = join(root, 'functions', 'src');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
};

/** Every runtime import of a module: `import x from`, `export … from`, `import()`, `require()`. */
function importsOf(code: string): string[] {
  const out: string[] = [];
  const stripped = code
    .replace(/\/\*[\s\S]*?\*\//g, '') // comments may quote import forms
    .replace(/^\s*\/\/.*$/gm, '')
    .replace(/^\s*(import|export)\s+type\s[^;]*;/gm, '');
  for (const re of [
    /^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gm,
    /^\s*import\s+'([^']+)'/gm,
    /\bimport\(\s*'([^']+)'\s*\)/g,
    /\brequire\w*\(\s*'([^']+)'\s*\)/g,
  ])
    for (const m of stripped.matchAll(re)) out.push(m[1]!);
  return out;
}

function reachable(): { files: Set<string>; bare: Map<string, string> } {
  const files = new Set<string>();
  const bare = new Map<string, string>();
  // index.ts, and what the bundle adds around it (scripts/lib/bundle.ts): the loader of app.cjs
  // and the code cache's writer, which runs on deploy.
  const queue = [join(src, 'index.ts'), ...BUNDLE_ONLY.map((f) => join(src, f))];
  while (queue.length) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      if (spec.startsWith('.')) queue.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!bare.has(spec)) bare.set(spec, relative(root, file));
    }
  }
  return { files, bare };
}

test('cloudbuild.yaml builds, then packages package.json, the lock file and the bundle that main names', () => {
  const build = parse(readFileSync(join(root, 'cloudbuild.yaml'), 'utf8')) as {
    steps: Array<{ id?: string; args?: string[] }>;
  };
  const ids = build.steps.map((s) => s.id);
  assert.ok(
    ids.indexOf('build') >= 0 && ids.indexOf('build') < ids.indexOf('package'),
    'build runs before package',
  );
  assert.deepEqual(build.steps.find((s) => s.id === 'build')?.args, ['run', 'build']);
  const scripts = (pkg as unknown as { scripts: Record<string, string> }).scripts;
  assert.match(scripts.build!, /tsx scripts\/bundle\.ts/, 'npm run build produces the bundle');
  const script = build.steps.find((s) => s.id === 'package')?.args?.join(' ') ?? '';
  assert.match(script, /zip -qr \S+ package\.json package-lock\.json functions\/bundle(\s|$)/);
  assert.doesNotMatch(script, /functions\/lib/, 'the unbundled compiled code is not deployed');
  assert.equal(pkg.main, `${relative(root, BUNDLE_DIR)}/index.js`);
});

test('every package the bundle loads or reads from node_modules is installed at its top by the lock file', () => {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean }>;
  };
  for (const name of FROM_NODE_MODULES) {
    // The bundle requires it (the framework) or reads its files (gax's protos) from
    // functions/bundle/../../node_modules/<name>, installed in production (not only for development).
    const entry = lock.packages[`node_modules/${name}`];
    assert.ok(
      entry,
      `the bundle needs ${name} at node_modules/${name}, which the lock file does not put there`,
    );
    assert.ok(!entry.dev && !entry.devOptional, `the bundle needs ${name}, but it is only a dev dependency`);
  }
  for (const name of ['@google-cloud/functions-framework', '@google-cloud/pubsub'])
    assert.ok(name in pkg.dependencies, `${name} must be a direct production dependency`);
});

test('everything the deployed code imports is in functions/src or a production dependency', () => {
  const { files, bare } = reachable();
  for (const f of files)
    assert.ok(existsSync(f), `an import resolves to ${relative(root, f)}, which does not exist`);
  for (const f of files)
    assert.ok(
      f.startsWith(src + '/'),
      `deployed code imports ${relative(root, f)}, which is not in the package`,
    );
  const builtins = new Set(builtinModules);
  for (const [spec, from] of bare) {
    if (spec.startsWith('node:') || builtins.has(spec)) continue;
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
    assert.ok(name in pkg.dependencies, `${from} imports "${spec}", which is not a production dependency`);
  }
  assert.ok(files.size > 50, `the scan found only ${files.size} modules: it is not following imports`);
});

test('the deployed code reads no file at run time (no fixtures, nothing outside the package)', () => {
  const { files } = reachable();
  for (const f of files) {
    // The bundle's loader reads the bundle itself (app.cjs and its code cache), beside index.js.
    if (f === join(src, 'platform', 'code-cache.ts')) continue;
    const code = readFileSync(f, 'utf8');
    const where = relative(root, f);
    assert.doesNotMatch(
      code,
      /from 'node:fs(\/promises)?'|require\('(node:)?fs'\)/,
      `${where} uses the file system`,
    );
    assert.doesNotMatch(code, /new URL\('\.\.\//, `${where} resolves a file relative to itself`);
  }
});

/** Every relative import of a module, type-only ones included. */
function allRelativeImports(code: string): string[] {
  const stripped = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
  const out: string[] = [];
  for (const re of [
    /^\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gm,
    /^\s*import\s+'(\.[^']+)'/gm,
    /\bimport\(\s*'(\.[^']+)'\s*\)/g,
  ])
    for (const m of stripped.matchAll(re)) out.push(m[1]!);
  return out;
}

/** The deployed entries, and the operators' tools that run product code against production. */
const ENTRIES = [
  join(src, 'index.ts'),
  join(src, 'stream', 'main.ts'),
  // Deployed through the bundle (scripts/lib/bundle.ts): the loader of app.cjs, and the V8 code
  // cache's writer (`gcp-build` at deploy) with what it loads before writing.
  ...['bundled-app.ts', 'code-cache-write.ts', 'code-cache-warm.ts'].map((f) => join(src, 'platform', f)),
  ...['parity.ts', 'api-key.ts', 'guard.ts'].map((s) => join(root, 'scripts', s)),
];

test('nothing under functions/src is development code: each module is reached from a deployed entry or an operator tool', () => {
  const reached = new Set<string>();
  const queue = [...ENTRIES];
  while (queue.length) {
    const file = queue.pop()!;
    if (reached.has(file)) continue;
    reached.add(file);
    for (const spec of allRelativeImports(readFileSync(file, 'utf8')))
      queue.push(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
  }
  const modules = readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(src, f));
  assert.ok(modules.length > 100, `found only ${modules.length} modules under functions/src`);
  const unreached = modules.filter((f) => !reached.has(f)).map((f) => relative(root, f));
  assert.deepEqual(unreached, [], 'modules no deployed entry reaches belong in scripts/ or test/');
  for (const f of modules) {
    const code = readFileSync(f, 'utf8');
    assert.doesNotMatch(
      code,
      /from '[^']*\/testing'|from '(\.\.\/)+(test|scripts|bench)\//,
      `${relative(root, f)} imports a testing entry point or development code`,
    );
  }
});
