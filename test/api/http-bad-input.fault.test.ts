/**
 * The HTTP API under bad input, swept over every route in ALL_ROUTES (so routes added later are
 * covered too), through the real functions framework on a real socket with the emulators:
 * odd path values, odd query values, odd strings inside bodies, oversized and malformed bodies.
 * Nothing may answer 5xx, and every error must be the API's JSON shape `{ error: { code, message } }`.
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ALL_ROUTES } from '../../functions/src/routes.js';
import { HTTP_BODY_MAX_BYTES } from '../../functions/src/platform/http/body-limit.js';
import { startHarness, type Harness } from '../helpers/engine-harness.js';
import {
  concretePath,
  contractBreach,
  paramCount,
  rawRequest,
  sampleBody,
  stringLeaves,
  withLeaf,
  type RawAnswer,
} from './helpers.js';

/** Path values that are not legal Firestore ids, as sent on the wire. */
const ODD_PATH_VALUES = [
  '..',
  '.',
  '__x__',
  'a%2Fb', // an encoded "/"
  'x'.repeat(1600),
  '%ED%A0%80', // a lone surrogate (U+D800) in UTF-8: not decodable
  '%E0%A4%A', // a malformed percent-escape
];
const ODD_QUERIES = [
  'limit=abc',
  'limit=-1',
  'limit=99999999999',
  'after=..',
  'after=__x__',
  `after=${'x'.repeat(1600)}`,
  'status=..',
  `status=${'x'.repeat(1600)}`,
];
/** Values put into each string field of a plausible body, one at a time. */
const ODD_BODY_STRINGS = ['..', '.', '__x__', 'a/b', '\uD800', 'x'.repeat(1600)];

let h: Harness;
const counts: Record<string, number> = {};
const breaches: string[] = [];

async function check(
  what: string,
  method: string,
  path: string,
  opts: Parameters<typeof rawRequest>[3] = {},
) {
  const answer = await rawRequest(h.gateway.port, method, path, { key: h.apiKey, ...opts });
  counts[what] = (counts[what] ?? 0) + 1;
  const breach = contractBreach(answer);
  if (breach) breaches.push(`${what}: ${method} ${path.slice(0, 100)}: ${breach}`);
  return answer;
}

before(async () => {
  h = await startHarness();
});
beforeEach(() => {
  breaches.length = 0;
});
after(async () => {
  console.log(`requests per sweep: ${JSON.stringify(counts)}`);
  await h.stop();
});

const bodyRoutes = () => ALL_ROUTES.filter((r) => r.method !== 'GET');

test('odd path values on every route with a path parameter: 400 or 404 naming the problem', async () => {
  const routes = ALL_ROUTES.filter((r) => paramCount(r) > 0);
  assert.ok(routes.length >= 40, `only ${routes.length} routes with a path parameter`);
  const wrong: string[] = [];
  for (const r of routes)
    for (let p = 0; p < paramCount(r); p++)
      for (const v of ODD_PATH_VALUES) {
        const path = concretePath(r, v, p);
        const a = await check('path', r.method, path, r.method === 'GET' ? {} : { body: '{}' });
        if (a.status !== 400 && a.status !== 404) wrong.push(`${r.method} ${path.slice(0, 80)}: ${a.status}`);
        else if (a.status === 400 && !/path|percent-escape|id/.test(a.json?.error?.message ?? ''))
          wrong.push(`${r.method} ${path.slice(0, 80)}: the 400 does not name the problem: ${a.text}`);
      }
  assert.deepEqual(breaches, []);
  assert.deepEqual(wrong, []);
});

test('odd limit, after and status query values on every route: a 400 naming the parameter', async () => {
  const wrong: string[] = [];
  for (const r of ALL_ROUTES)
    for (const q of ODD_QUERIES) {
      const a = await check(
        'query',
        r.method,
        `${concretePath(r)}?${q}`,
        r.method === 'GET' ? {} : { body: '{}' },
      );
      if (a.status !== 400 || !a.json?.error?.message?.includes(`query parameter ${q.split('=')[0]}`))
        wrong.push(`${r.method} ${r.path}?${q.slice(0, 30)}: ${a.status} ${a.text.slice(0, 100)}`);
    }
  assert.deepEqual(breaches, []);
  assert.deepEqual(wrong, []);
});

test('odd strings in every field of a plausible body of every route: never a 5xx', async () => {
  let fields = 0;
  for (const r of bodyRoutes()) {
    const sample = sampleBody(r);
    for (const leaf of stringLeaves(sample)) {
      fields++;
      for (const v of ODD_BODY_STRINGS) {
        const a = await check('body field', r.method, concretePath(r), {
          body: JSON.stringify(withLeaf(sample, leaf, v)),
        });
        if (v === '\uD800' && a.status !== 400)
          breaches.push(`${r.method} ${r.path} ${leaf.join('.')}: a lone surrogate answered ${a.status}`);
      }
    }
  }
  assert.ok(fields >= 40, `only ${fields} string fields found in the routes' schemas`);
  assert.deepEqual(breaches, []);
});

test('bodies the boundary refuses on every route, whatever its schema, with the JSON path named', async () => {
  const cases: Array<{ name: string; body: string; status: number; message: RegExp; contentType?: string }> =
    [
      {
        name: 'lone surrogate value',
        body: '{"note":"a\\ud800b"}',
        status: 400,
        message: /\$\.note: .*surrogate/,
      },
      { name: 'lone surrogate key', body: '{"\\udc00":1}', status: 400, message: /key .*surrogate/ },
      {
        name: 'reserved key',
        body: '{"input":{"__x__":1}}',
        status: 400,
        message: /\$\.input: the key "__x__"/,
      },
      {
        name: 'long string',
        body: JSON.stringify({ text: 'x'.repeat(200_000) }),
        status: 400,
        message: /\$\.text: a string of 200000 characters/,
      },
      {
        name: 'deep nesting',
        body: '{"a":'.repeat(40) + '1' + '}'.repeat(40),
        status: 400,
        message: /nested deeper than 16/,
      },
      {
        name: '1 MB string',
        body: JSON.stringify({ rationale: 'x'.repeat(1_000_000) }),
        status: 413,
        message: /limit is 262144 bytes/,
      },
      { name: 'malformed JSON', body: '{"workflow": "demo",', status: 400, message: /not valid JSON/ },
      {
        name: 'malformed JSON as text',
        body: '{"a":',
        status: 400,
        message: /not valid JSON/,
        contentType: 'text/plain',
      },
      {
        name: 'unsupported charset',
        body: '{}',
        status: 415,
        message: /charset/i,
        contentType: 'application/json; charset=latin2',
      },
    ];
  const wrong: string[] = [];
  for (const r of bodyRoutes())
    for (const c of cases) {
      const a = await check('boundary body', r.method, concretePath(r), {
        body: c.body,
        ...(c.contentType ? { contentType: c.contentType } : {}),
      });
      if (a.status !== c.status || !c.message.test(a.json?.error?.message ?? ''))
        wrong.push(`${c.name} on ${r.method} ${r.path}: ${a.status} ${a.text.slice(0, 160)}`);
    }
  assert.deepEqual(breaches, []);
  assert.deepEqual(wrong, []);
});

test('a malformed percent-escape in a path answers a JSON 400, not an HTML stack trace', async () => {
  const a = await check('escape', 'GET', '/v1/runs/%E0%A4%A');
  assert.equal(a.status, 400);
  assert.match(a.contentType, /^application\/json/);
  assert.equal(a.json.error.code, 'invalid_input');
  assert.match(a.json.error.message, /percent-escape/);
  assert.doesNotMatch(a.text, /<html|node_modules|at /i);
});

test('10 MB bodies: 413 at once on every route and on the Slack endpoint, memory stays flat', async () => {
  const ten = Buffer.alloc(10 * 1024 * 1024, 'a');
  const big = Buffer.concat([Buffer.from('{"workflow":"demo","input":{"topic":"'), ten, Buffer.from('"}}')]);
  const rssBefore = process.memoryUsage().rss;
  const pair = await Promise.all([1, 2].map(() => check('10 MB', 'POST', '/v1/runs', { body: big })));
  for (const a of pair) {
    assert.equal(a.status, 413, a.text);
    assert.equal(a.json.error.code, 'payload_too_large');
    assert.match(a.json.error.message, new RegExp(`limit is ${HTTP_BODY_MAX_BYTES} bytes`));
  }
  const answers: RawAnswer[] = [];
  for (const r of bodyRoutes()) answers.push(await check('10 MB', r.method, concretePath(r), { body: big }));
  assert.deepEqual(
    answers.map((a) => a.status).filter((s) => s !== 413),
    [],
  );
  const slack = await check('10 MB', 'POST', '/slack/events', {
    body: big,
    contentType: 'application/x-www-form-urlencoded',
  });
  assert.equal(slack.status, 413, slack.text);
  assert.equal(slack.json.error.code, 'payload_too_large');
  // Chunked, with no Content-Length to refuse up front: the function's own cap answers.
  for (const path of ['/v1/runs', '/slack/events']) {
    const chunked = await check('10 MB', 'POST', path, { body: big, chunked: true });
    assert.equal(chunked.status, 413, `${path}: ${chunked.text}`);
    assert.match(chunked.json.error.message, /the request body is \d+ bytes/);
  }
  const grownMb = (process.memoryUsage().rss - rssBefore) / 1024 / 1024;
  console.log(`RSS after ${answers.length + 5} bodies of 10 MB: +${grownMb.toFixed(0)} MB`);
  // Before the cap, two such requests took the process from 175 MB to 4.8 GB.
  assert.ok(grownMb < 500, `RSS grew by ${grownMb.toFixed(0)} MB`);
  assert.deepEqual(breaches, []);
});

test('/readyz under any method, odd query values and a body: 200 or 503 with its readiness (an unparsable body: a JSON 400)', async () => {
  const wrong: string[] = [];
  for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])
    for (const q of [
      '',
      '?limit=abc',
      '?after=..&x=__x__',
      `?x=${'y'.repeat(1600)}`,
      '?%E0%A4%A',
      '?a=1&a=2',
    ])
      for (const body of method === 'GET' || method === 'HEAD' ? [undefined] : [undefined, '{"x":', '[]']) {
        // Not `check`: a 503 is /readyz's documented answer while the instance warms up.
        const a = await rawRequest(h.gateway.port, method, `/readyz${q}`, body === undefined ? {} : { body });
        const what = `${method} /readyz${q.slice(0, 20)} ${body ?? ''}`;
        // A body the framework cannot parse is refused before any handler: a JSON 400, which is fine.
        if (a.status === 400 && body === '{"x":' && !contractBreach(a)) continue;
        if (a.status !== 200 && a.status !== 503) wrong.push(`${what}: ${a.status} ${a.text.slice(0, 100)}`);
        else if (method !== 'HEAD' && typeof a.json?.ready !== 'boolean')
          wrong.push(`${what}: not a readiness: ${a.text.slice(0, 100)}`);
      }
  assert.deepEqual(wrong, []);
});
