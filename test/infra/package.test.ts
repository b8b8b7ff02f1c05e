/**
 * The deployed package is what cloudbuild.yaml zips: package.json, package-lock.json and the
 * compiled functions/lib, with the dependencies Cloud Functions installs from package.json (not the
 * devDependencies). This checks, from functions/src/index.ts through every import it can reach
 * (static, dynamic and createRequire), that the deployed code needs nothing else at run time: no
 * module outside functions/src, no devDependency, and no file read (the trend fixtures are served
 * over HTTP by scripts/lib/feed-server.ts, never read by the functions).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
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
  const queue = [join(src, 'index.ts')];
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

test('cloudbuild.yaml packages package.json, the lock file and functions/lib, and main points into it', () => {
  const build = parse(readFileSync(join(root, 'cloudbuild.yaml'), 'utf8')) as {
    steps: Array<{ id?: string; args?: string[] }>;
  };
  const script = build.steps.find((s) => s.id === 'package')?.args?.join(' ') ?? '';
  assert.match(script, /zip -qr \S+ package\.json package-lock\.json functions\/lib/);
  assert.match(pkg.main, /^functions\/lib\//);
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
