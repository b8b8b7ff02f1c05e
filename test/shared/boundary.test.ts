/** The shared boundary rules: ids, JSON bodies, Firestore refusals, framework errors, linear-time regexes. Pure. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeFrameworkError } from '../../functions/src/platform/http/framework-errors.js';
import { storageLimitError } from '../../functions/src/platform/storage-errors.js';
import { evaluateCheck } from '../../functions/src/runs/core/checks.js';
import { validateSuite, type ScenarioSuite } from '../../functions/src/runs/core/suite.js';
import { compileLinear } from '../../functions/src/shared/linear-regex.js';
import { globToRegExp, scanFiles } from '../../functions/src/tasks/core/guard-rules.js';
import {
  hasLoneSurrogate,
  id,
  idProblem,
  jsonBodyProblem,
  QUERY_RULES,
} from '../../functions/src/shared/validation.js';

test('ids: Firestore-illegal values are refused with the reason, ordinary ids pass', () => {
  for (const ok of ['abc', 'run-1', 'name@1.2.0', '2026-12-01T14:00:00.000Z~ab12cd34', 'é', '😀'])
    assert.equal(idProblem(ok), undefined, ok);
  assert.match(idProblem('')!, /empty/);
  assert.match(idProblem('.')!, /must not be "\."/);
  assert.match(idProblem('..')!, /must not be "\.\."/);
  assert.match(idProblem('__x__')!, /reserved/);
  assert.match(idProblem('a/b')!, /"\/"/);
  assert.match(idProblem('x'.repeat(1600))!, /at most 256 characters \(got 1600\)/);
  assert.match(idProblem('a\uD800')!, /surrogate/);
  assert.match(idProblem('a\u0000b')!, /control/);
  assert.equal(id().safeParse('..').success, false);
  assert.equal(hasLoneSurrogate('😀'), false);
  assert.equal(hasLoneSurrogate('\uDE00x'), true);
});

test('query rules: limit, after and status', () => {
  const ok = (k: string, v: string) => QUERY_RULES[k]!.safeParse(v).success;
  assert.ok(ok('limit', '1') && ok('limit', '1000'));
  for (const bad of ['0', '1001', 'abc', '-1', '1e3', '99999999999']) assert.ok(!ok('limit', bad), bad);
  assert.ok(ok('after', '17') && ok('after', '_~2026-12-01T00:00:00.000Z~ab'));
  assert.ok(!ok('after', '..') && !ok('after', '__x__'));
  assert.ok(ok('status', 'awaiting_human') && !ok('status', '..') && !ok('status', 'x'.repeat(65)));
});

test('JSON bodies: the first problem is named by its JSON path', () => {
  assert.equal(jsonBodyProblem({ a: ['x', { b: 'ok' }], n: 1, z: null }), undefined);
  assert.match(
    jsonBodyProblem({ a: [{ b: 'x\uD800' }] })!,
    /^\$\.a\[0\]\.b: contains a lone UTF-16 surrogate/,
  );
  assert.match(jsonBodyProblem({ t: 'x'.repeat(100_001) })!, /^\$\.t: a string of 100001 characters/);
  assert.match(jsonBodyProblem({ input: { __proto_x__: 1 } })!, /the key "__proto_x__" starts and ends/);
  assert.match(jsonBodyProblem({ '': 1 })!, /is empty/);
  let deep: unknown = 1;
  for (let i = 0; i < 100_000; i++) deep = [deep];
  assert.match(jsonBodyProblem(deep)!, /nested deeper than 16 levels/, 'iterative: no stack overflow');
});

test('Firestore refusals of unstorable data map to 400 or 413, other errors pass through', () => {
  const err = (code: number, message: string) => Object.assign(new Error(message), { code });
  const badId = storageLimitError(
    err(
      3,
      '3 INVALID_ARGUMENT: Document name "projects/p/databases/(default)/documents/ledger/.." contains a resource id ".."',
    ),
  );
  assert.equal(badId?.status, 400);
  assert.doesNotMatch(badId!.message, /projects\//);
  assert.equal(
    storageLimitError(err(3, 'Resource id "__x__" is invalid because it is reserved.'))?.status,
    400,
  );
  assert.equal(
    storageLimitError(err(3, 'The key path element name is longer than 1500 bytes.'))?.status,
    400,
  );
  assert.equal(
    storageLimitError(err(8, '8 RESOURCE_EXHAUSTED: gRPC message exceeds maximum size 4194304'))?.status,
    413,
  );
  assert.equal(storageLimitError(err(3, 'Document exceeds the maximum allowed size'))?.status, 413);
  assert.equal(storageLimitError(err(3, 'maximum entity size exceeded'))?.code, 'payload_too_large');
  assert.equal(storageLimitError(err(3, 'too many index entries for entity'))?.status, 400);
  assert.equal(
    storageLimitError(err(8, 'Quota exceeded.'))?.code,
    'rate_limited',
    'a quota error is transient',
  );
  assert.equal(storageLimitError(err(14, 'UNAVAILABLE')), undefined);
  assert.equal(storageLimitError(new Error('boom')), undefined);
});

test("the framework's own errors are described without stack or paths", () => {
  const parse = Object.assign(new SyntaxError('Unexpected end of JSON input\n    at JSON.parse'), {
    status: 400,
    type: 'entity.parse.failed',
  });
  assert.deepEqual(describeFrameworkError(parse), {
    status: 400,
    code: 'invalid_input',
    message: 'the request body is not valid JSON: Unexpected end of JSON input',
  });
  const uri = Object.assign(new URIError("Failed to decode param '%E0%A4%A'"), { status: 400 });
  assert.match(describeFrameworkError(uri).message, /malformed percent-escape/);
  assert.equal(
    describeFrameworkError({ status: 415, type: 'charset.unsupported', message: 'x' }).status,
    415,
  );
  assert.deepEqual(describeFrameworkError(new Error('secret /abs/path')), {
    status: 500,
    code: 'internal',
    message: 'internal error',
  });
});

test('a catastrophic regex runs in linear time: (a+)+$ on a long run of a then b', () => {
  // With the native RegExp this takes 2^40 steps and the test would never finish.
  const text = `${'a'.repeat(40)}b`;
  const r = evaluateCheck({ kind: 'regex', stage: 'out', pattern: '(a+)+$' }, { out: text });
  assert.equal(r.pass, false);
  assert.equal(evaluateCheck({ kind: 'regex', stage: 'out', pattern: '(a+)+b$' }, { out: text }).pass, true);
  const big = compileLinear('(x+x+)+y');
  assert.ok(big.ok && !big.test('x'.repeat(200_000)));
  assert.equal(
    evaluateCheck({ kind: 'regex', stage: 'out', pattern: '^A', flags: 'i' }, { out: 'abc' }).pass,
    true,
  );
});

test('patterns RE2 cannot run are refused at publish time, naming why', () => {
  const suite = (pattern: string, flags?: string): ScenarioSuite => ({
    name: 's',
    version: '1',
    pipeline: 'p',
    repeat: 1,
    scenarios: [
      {
        id: 'one',
        title: 'one',
        holdout: false,
        critical: false,
        checks: [{ kind: 'regex', stage: 'a', pattern, ...(flags ? { flags } : {}) }],
      },
    ],
  });
  assert.deepEqual(validateSuite(suite('^asset-\\d+$')), []);
  assert.deepEqual(validateSuite(suite('(a+)+$')), [], 'linear on RE2, so allowed');
  assert.match(validateSuite(suite('(?=x)'))[0]!, /invalid regex: .*lookaround/);
  assert.match(validateSuite(suite('(a)\\1'))[0]!, /invalid regex: .*backreferences/);
  assert.match(validateSuite(suite('x', 'd'))[0]!, /flag "d" is not supported/);
  assert.match(validateSuite(suite('x'.repeat(1001)))[0]!, /longer than 1000/);
});

test('guard globs match as before and cannot backtrack', () => {
  assert.ok(globToRegExp('**/test/**').test('a/test/b.ts'));
  assert.ok(!globToRegExp('**/test/**').test('footest/a.ts'));
  const stars = `${'*a'.repeat(100)}*b`;
  const violations = scanFiles([{ path: 'src/x.ts', content: `import x from '${'a'.repeat(5000)}';` }], {
    rules: [{ id: 'r', pattern: stars, reason: '', paths: ['**'], exceptPaths: [] }],
  });
  assert.deepEqual(violations, []);
});
