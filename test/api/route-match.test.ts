import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ALL_ROUTES } from '../../functions/src/routes.js';
import { route, type Route } from '../../functions/src/platform/http/route.js';
import { createRouteMatcher } from '../../functions/src/triggers/http/route-match.js';
import { isAppError } from '../../functions/src/shared/errors.js';
import { concretePath } from './helpers.js';

const noop = () => Promise.resolve({ body: null });
const ROUTES: Route[] = [
  route({ method: 'GET', path: '/v1/things/:id', scope: 'read', handle: noop }),
  route({ method: 'POST', path: '/v1/things/:id', scope: 'runs', handle: noop }),
  route({ method: 'GET', path: '/v1/things/:id/report.md', scope: 'read', handle: noop }),
  route({ method: 'PUT', path: '/v1/things/special', scope: 'admin', handle: noop }),
  route({ method: 'POST', path: '/v1/things/:id/steps/:stepId', scope: 'runs', handle: noop }),
];

/** Serves a matcher over a real socket: 200 with the hit, 405 with Allow, 404, or 400 with the error. */
async function serve(routes: readonly Route[]): Promise<{ server: Server; url: string }> {
  const match = createRouteMatcher(routes);
  const app = express();
  // `use`, not a `:param` route, so the outer app decodes nothing and the matcher sees the raw path.
  app.use((req, res) => {
    match(req, res).then(
      (hit) => {
        if (!hit) return res.status(404).json({});
        if (!hit.route) return res.status(405).set('allow', hit.allowed.join(', ')).json({});
        res.json({ method: hit.route.method, path: hit.route.path, params: hit.params });
      },
      (err: unknown) => res.status(400).json({ appError: isAppError(err), message: String(err) }),
    );
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let small: { server: Server; url: string };
let all: { server: Server; url: string };
before(async () => {
  [small, all] = await Promise.all([serve(ROUTES), serve(ALL_ROUTES)]);
});
after(() => {
  small.server.close();
  all.server.close();
});

const call = async (base: string, method: string, path: string) => {
  const res = await fetch(base + path, { method });
  const text = await res.text();
  return { status: res.status, allow: res.headers.get('allow'), json: text ? JSON.parse(text) : undefined };
};

test('a path and method find their route with decoded params; a trailing slash is the same path', async () => {
  assert.deepEqual((await call(small.url, 'GET', '/v1/things/a%20b')).json, {
    method: 'GET',
    path: '/v1/things/:id',
    params: { id: 'a b' },
  });
  assert.deepEqual((await call(small.url, 'GET', '/v1/things/x1/')).json.params, { id: 'x1' });
  assert.equal((await call(small.url, 'POST', '/v1/things/x1')).json.path, '/v1/things/:id');
  assert.equal(
    (await call(small.url, 'GET', '/v1/things/x1/report.md')).json.path,
    '/v1/things/:id/report.md',
  );
  assert.deepEqual((await call(small.url, 'POST', '/v1/things/r1/steps/s%2F1')).json.params, {
    id: 'r1',
    stepId: 's/1',
  });
});

test('a path declared for other methods is a 405 naming them; HEAD and OPTIONS too', async () => {
  const del = await call(small.url, 'DELETE', '/v1/things/x1');
  assert.equal(del.status, 405);
  assert.equal(del.allow, 'GET, POST');
  assert.equal((await call(small.url, 'HEAD', '/v1/things/x1')).status, 405);
  assert.equal((await call(small.url, 'OPTIONS', '/v1/things/x1')).allow, 'GET, POST');
  // Two declarations match /v1/things/special: PUT is its own, GET falls to /v1/things/:id.
  assert.equal((await call(small.url, 'PUT', '/v1/things/special')).json.path, '/v1/things/special');
  assert.deepEqual((await call(small.url, 'GET', '/v1/things/special')).json.params, { id: 'special' });
  assert.equal((await call(small.url, 'DELETE', '/v1/things/special')).allow, 'GET, POST, PUT');
});

test('no route: other paths, other case, extra segments are 404; a bad escape is a named 400', async () => {
  for (const path of ['/v1/nowhere', '/V1/things/x1', '/v1/things/x1/more/and/more', '/v1/things'])
    assert.equal((await call(small.url, 'GET', path)).status, 404, path);
  const bad = await call(small.url, 'GET', '/v1/things/%E0%A4%A');
  assert.equal(bad.status, 400);
  assert.equal(bad.json.appError, true);
  assert.match(bad.json.message, /malformed percent-escape/);
});

test('every declared /v1 route is found by its own method and path', async () => {
  const wrong: string[] = [];
  for (const r of ALL_ROUTES) {
    const got = await call(all.url, r.method, concretePath(r));
    if (got.status !== 200 || got.json.method !== r.method || got.json.path !== r.path)
      wrong.push(`${r.method} ${r.path}: ${got.status} ${got.json?.path ?? ''}`);
  }
  assert.deepEqual(wrong, []);
});
