import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { AppError } from '../../functions/src/shared/errors.js';
import { scanForBannedImports } from '../../functions/src/tasks/guards.js';

const root = join(import.meta.dirname, '..', '..');
const fixture = join('test', 'fixtures', 'guard');

function guard(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join('scripts', 'guard.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  return { code: r.status, lines: r.stdout.trim().split('\n').filter(Boolean), stderr: r.stderr };
}

test('guard finds banned imports in the fixture tree with line numbers, and exits non-zero', () => {
  const r = guard(fixture);
  assert.equal(r.code, 1);
  assert.deepEqual(
    r.lines.map((l) => l.split(' ').slice(0, 2).join(' ')),
    [`${fixture}/src/lib/db.jsx:7 no-test-helpers`, `${fixture}/src/server.jsx:3 dev-mcp-ban`],
  );
});

test('guard with a custom rule set, a clean file, and a rule set that does not parse', () => {
  const custom = guard(fixture, '--rules', join(fixture, 'rules.json'));
  assert.equal(custom.code, 1);
  assert.deepEqual(
    custom.lines.map((l) => l.split(' ')[0]),
    [`${fixture}/src/lib/db.jsx:2`],
  );
  assert.equal(guard(join(fixture, 'src', 'clean.jsx')).code, 0);
  const bad = guard(fixture, '--rules', join(fixture, 'bad-rules.json'));
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /rules\.0\.id/);
});

test('guard through the use case: inline files; bad rule sets refused with the reason', () => {
  const r = scanForBannedImports({
    files: [{ path: 'functions/src/x.ts', content: "\n\nimport { vi } from 'vitest-mock-extended';" }],
  });
  assert.deepEqual(
    r.violations.map((v) => `${v.file}:${v.line} ${v.rule}`),
    ['functions/src/x.ts:3 no-mocks'],
  );
  assert.throws(
    () => scanForBannedImports({ files: [], rules: '{"rules": 5}' }),
    (e: unknown) =>
      e instanceof AppError && e.code === 'invalid_input' && /does not parse: rules/.test(e.message),
  );
});
