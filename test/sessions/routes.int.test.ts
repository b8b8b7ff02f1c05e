import { test } from 'node:test';
import assert from 'node:assert/strict';
import { missionRoutes } from '../../functions/src/missions/routes.js';
import type { Container } from '../../functions/src/platform/container.js';
import { actorOf, type Route, type RouteResult } from '../../functions/src/platform/http/route.js';
import { sessionRoutes } from '../../functions/src/sessions/routes.js';
import { AppError } from '../../functions/src/shared/errors.js';
import { manualClock } from '../helpers/manual-clock.js';
import { testFirestore } from '../helpers/firestore.js';

const routes = [...missionRoutes, ...sessionRoutes];
const caller = { keyId: 'k1', name: 'ci-agent', scopes: ['admin' as const] };

/** A first-match dispatcher like the API trigger's: body parsed with the route's schema. */
function client(app: Container) {
  return async (
    method: Route['method'],
    url: string,
    body?: unknown,
  ): Promise<RouteResult & { status: number }> => {
    const [path = '', qs = ''] = url.split('?');
    for (const r of routes) {
      if (r.method !== method) continue;
      const names: string[] = [];
      const re = new RegExp(`^${r.path.replace(/:(\w+)/g, (_m, n: string) => (names.push(n), '([^/]+)'))}$`);
      const m = re.exec(path);
      if (!m) continue;
      const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1] ?? '')]));
      const parsed = r.body ? r.body.safeParse(body ?? {}) : { success: true as const, data: undefined };
      if (!parsed.success) throw new AppError('invalid_input', parsed.error.message);
      const query = Object.fromEntries(new URLSearchParams(qs));
      const res = await r.handle({ params, query, body: parsed.data, caller, actor: actorOf(caller), app });
      return { ...res, status: res.status ?? 200 };
    }
    throw new Error(`no route for ${method} ${path}`);
  };
}

test('routes: scopes, uniqueness, Markdown views and refusals', async () => {
  const keys = routes.map((r) => `${r.method} ${r.path}`);
  assert.equal(new Set(keys).size, keys.length, 'no duplicate routes');
  for (const r of routes) {
    if (r.method === 'GET') assert.equal(r.scope, 'read', `${r.method} ${r.path}`);
    else assert.ok(['agent', 'decide'].includes(r.scope), `${r.method} ${r.path}`);
  }
  assert.equal(routes.find((r) => r.path === '/v1/promotions' && r.method === 'POST')?.scope, 'decide');

  const app = { db: testFirestore(), clock: manualClock() } as unknown as Container;
  const call = client(app);
  const created = await call('POST', '/v1/missions', { id: 'M1', title: 'T', objective: 'O' });
  assert.equal(created.status, 201);
  assert.equal(
    ((await call('GET', '/v1/missions/next')).body as { mission: { id: string } }).mission.id,
    'M1',
  );
  await assert.rejects(call('POST', '/v1/missions/M9/start'), (e: AppError) => e.status === 404);
  await assert.rejects(
    call('POST', '/v1/missions/M1/complete', { verification: { command: 'x', result: 'passed' } }),
    (e: AppError) => e.status === 409,
  );
  assert.equal(
    ((await call('POST', '/v1/missions/M1/start')).body as { mission: { status: string } }).mission.status,
    'In Progress',
  );

  const session = (await call('POST', '/v1/sessions', { focusAreas: ['speed'] })).body as {
    session: { id: string };
  };
  await assert.rejects(
    call('POST', '/v1/failures', { summary: 's', whys: ['1', '2', '3', '4'] }),
    (e: AppError) => e.status === 400 && /whatBroke.*got 4/.test(e.message),
  );
  const closed = await call('POST', `/v1/sessions/${session.session.id}/close`, { tests: { passed: true } });
  assert.equal(closed.status, 200);
  const md = await call('GET', `/v1/sessions/${session.session.id}/report/markdown`);
  assert.match(md.contentType ?? '', /^text\/markdown/);
  assert.match(String(md.body), /Session closure report/);
  const md2 = await call('GET', `/v1/sessions/${session.session.id}/report?format=markdown`);
  assert.equal(md2.body, md.body);
  const dash = await call('GET', '/v1/dashboard/markdown');
  assert.match(dash.contentType ?? '', /^text\/markdown/);
  assert.match(String(dash.body), /- speed/);
  assert.deepEqual(Object.keys((await call('GET', '/v1/dashboard')).body as object).sort(), [
    'activePatterns',
    'economics',
    'failures',
    'focusAreas',
    'generatedAt',
    'openSession',
    'promotions',
  ]);
  await assert.rejects(call('GET', '/v1/dashboard/economics?from=soon'), /ISO dates/);
  const recovery = (await call('GET', '/v1/context/recovery')).body as {
    rules: unknown[];
    failures: unknown[];
  };
  assert.deepEqual([recovery.rules, recovery.failures], [[], []]);
});
