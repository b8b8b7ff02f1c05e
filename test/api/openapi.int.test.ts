/**
 * The API's description served through the real functions framework: /v1/openapi.json and /docs
 * need no key; and the query schemas the document lists are the ones the router enforces (a bad
 * value is a 400 naming the parameter, a good one passes). Lists answer an object with a named array.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_ROUTES } from '../../functions/src/routes.js';
import { openApiPath } from '../../functions/src/platform/http/openapi.js';
import { startHarness, type Harness } from '../helpers/engine-harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => h.stop());

test('GET /v1/openapi.json answers the document without a key, every route in it', async () => {
  const r = await h.api('GET', '/v1/openapi.json', undefined, { key: null });
  assert.equal(r.status, 200);
  assert.equal(r.json.openapi, '3.1.0');
  for (const route of ALL_ROUTES)
    assert.ok(r.json.paths[openApiPath(route.path)]?.[route.method.toLowerCase()], route.path);
  assert.equal(r.json.paths['/v1/incidents'].get.parameters[0].name, 'status');
  const post = await h.api('POST', '/v1/openapi.json', {}, { key: null });
  assert.equal(post.status, 405);
  assert.equal(post.json.error.code, 'method_not_allowed');
});

test('GET /docs answers a self-contained HTML page of the operations', async () => {
  const res = await fetch(`${h.baseUrl}/docs`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
  const page = await res.text();
  assert.match(page, /<code>\/v1\/pipeline-runs\/\{id\}\/decision<\/code>/);
  assert.match(page, /<code>\/v1\/muse\/wallet\/credit<\/code>/);
  assert.doesNotMatch(page, /<script|src="http/);
});

test('a query value outside the route’s schema is a 400 naming the parameter', async () => {
  const cases: Array<[string, RegExp]> = [
    ['/v1/events?limit=0', /query parameter limit/],
    ['/v1/dead-letters?status=lost', /query parameter status/],
    ['/v1/incidents?status=sleeping', /query parameter status/],
    ['/v1/runs/r-1/events?after=minus', /query parameter after/],
    ['/v1/muse/ledger?limit=501', /query parameter limit/],
    ['/v1/metrics?from=soon', /query parameter from: takes ISO dates/],
    ['/v1/sessions/s-1/report?format=pdf', /query parameter format/],
    ['/v1/audit?colour=red', /unknown query parameter colour/],
  ];
  for (const [path, message] of cases) {
    const r = await h.api('GET', path);
    assert.equal(r.status, 400, `${path}: ${r.text}`);
    assert.equal(r.json.error.code, 'invalid_input');
    assert.match(r.json.error.message, message, path);
  }
  for (const path of [
    '/v1/events?limit=5',
    '/v1/dead-letters?status=open',
    '/v1/muse/ledger?limit=1&after=0',
  ])
    assert.equal((await h.api('GET', path)).status, 200, path);
});

test("GET /v1/incidents, /v1/tasks and a task's evidence answer a named array like every other list", async () => {
  const opened = await h.api('POST', '/v1/incidents', { severity: 'sev4', summary: 'slow dashboard' });
  assert.equal(opened.status, 201);
  const list = await h.api('GET', '/v1/incidents?status=open');
  assert.equal(list.status, 200);
  assert.ok(Array.isArray(list.json.incidents));
  assert.ok(list.json.incidents.some((i: { id: string }) => i.id === opened.json.id));
  assert.ok(Array.isArray((await h.api('GET', '/v1/runs')).json.runs));
  assert.ok(Array.isArray((await h.api('GET', '/v1/tasks')).json.tasks));
  assert.ok(Array.isArray((await h.api('GET', '/v1/tasks/t-none/evidence')).json.evidence));
});
