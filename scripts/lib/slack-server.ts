/**
 * A local server speaking Slack's Web API wire format, for tests, the benchmark and the local stack:
 * POST /api/<method> with a form or JSON body answers `{ ok: true, ... }` or `{ ok: false, error }`,
 * a 429 carries `Retry-After`; POST /response/<id> is a response_url. Everything is recorded, and
 * the server fails on demand (down, a method's error, a rate limit, an outage of 500s and 429s for a
 * while on a test's clock). GET /_records returns the recordings (the CLI prints them).
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- recorded bodies are any JSON Slack accepts; tests read them field by field */
import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface SlackCall {
  method: string;
  body: Record<string, any>;
  token?: string;
  /** When the request reached the server (ms since the epoch), for latency benchmarks. */
  at: number;
}

export interface ResponsePost {
  id: string;
  body: Record<string, any>;
}

interface Failure {
  method?: string;
  status?: number;
  error?: string;
  retryAfter?: number;
  times: number;
}

export interface LocalSlack {
  url: string;
  /** For `clientOptions.slackApiUrl` / SLACK_API_URL. */
  apiUrl: string;
  server: Server;
  calls: SlackCall[];
  responses: ResponsePost[];
  usergroups: Map<string, string[]>;
  responseUrl(id: string): string;
  /** Calls of one method, optionally to one channel. */
  callsOf(method: string, channel?: string): SlackCall[];
  /** Every request fails with 503 until `down(false)`. */
  down(on: boolean): void;
  /** The next `times` calls (of `method`, if given) fail with `status` or `{ ok: false, error }`. */
  fail(f: Omit<Failure, 'times'> & { times?: number }): void;
  /**
   * An outage: until `untilMs` on `now` (a test's clock; real time if not given), every Web API
   * call fails, taking turns through `statuses` (default 500, then 429 with `retryAfter` seconds).
   * `refused` counts the calls turned away.
   */
  outage(o: { untilMs: number; now?: () => number; statuses?: number[]; retryAfter?: number }): void;
  readonly refused: number;
  reset(): void;
  stop(): Promise<void>;
}

const JSON_FIELDS = ['blocks', 'attachments', 'view', 'metadata'];

async function readBody(req: IncomingMessage): Promise<Record<string, any>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const raw = Buffer.concat(chunks).toString('utf8');
  if (!raw) return {};
  if ((req.headers['content-type'] ?? '').includes('application/json')) return JSON.parse(raw);
  const out: Record<string, any> = Object.fromEntries(new URLSearchParams(raw));
  for (const k of JSON_FIELDS)
    if (typeof out[k] === 'string') {
      try {
        out[k] = JSON.parse(out[k]);
      } catch {
        /* left as sent */
      }
    }
  return out;
}

export async function startSlackServer(opts: { port?: number; host?: string } = {}): Promise<LocalSlack> {
  const calls: SlackCall[] = [];
  const responses: ResponsePost[] = [];
  const usergroups = new Map<string, string[]>();
  let failures: Failure[] = [];
  let isDown = false;
  let outage: { untilMs: number; now: () => number; statuses: number[]; retryAfter: number } | undefined;
  let refused = 0;
  let seq = 0;
  const ts = () => `${1_700_000_000 + Math.floor(seq / 1000)}.${String(++seq).padStart(6, '0')}`;

  const answer = (method: string, body: Record<string, any>): Record<string, unknown> => {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://local.slack/',
          team: 'local',
          user: 'muse',
          team_id: 'T0LOCAL',
          user_id: 'U0MUSEBOT',
          bot_id: 'B0MUSEBOT',
        };
      case 'chat.postMessage': {
        if (!body.channel) return { ok: false, error: 'channel_not_found' };
        const t = ts();
        return {
          ok: true,
          channel: body.channel,
          ts: t,
          message: { text: body.text, blocks: body.blocks, ts: t },
        };
      }
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts, text: body.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: ts() };
      case 'views.open':
      case 'views.update':
      case 'views.publish':
        return { ok: true, view: { ...(body.view ?? {}), id: `V${++seq}`, hash: `h${seq}` } };
      case 'usergroups.users.list':
        return { ok: true, users: usergroups.get(body.usergroup) ?? [] };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  };

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (req.method === 'GET' && url === '/_records') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ calls, responses }));
      return;
    }
    const arrived = Date.now();
    void readBody(req).then(
      (body) => {
        if (isDown) {
          res.writeHead(503, { 'content-type': 'text/plain' }).end('service unavailable');
          return;
        }
        const resp = /^\/response\/([^/?]+)/.exec(url);
        const method = resp ? 'response_url' : url.replace(/^\/api\//, '').split('?')[0]!;
        if (outage && !resp && outage.now() < outage.untilMs) {
          const status = outage.statuses[refused++ % outage.statuses.length]!;
          res.writeHead(status, {
            'content-type': 'application/json',
            ...(status === 429 ? { 'retry-after': String(outage.retryAfter) } : {}),
          });
          res.end(JSON.stringify({ ok: false, error: status === 429 ? 'ratelimited' : 'internal_error' }));
          return;
        }
        const i = failures.findIndex((f) => !f.method || f.method === method);
        if (i >= 0) {
          const f = failures[i]!;
          if (--f.times <= 0) failures.splice(i, 1);
          if (f.status === 429) {
            res.writeHead(429, {
              'retry-after': String(f.retryAfter ?? 1),
              'content-type': 'application/json',
            });
            res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
            return;
          }
          if (f.status) {
            res.writeHead(f.status, { 'content-type': 'text/plain' }).end('failure on demand');
            return;
          }
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify({ ok: false, error: f.error ?? 'fatal_error' }));
          return;
        }
        if (resp) {
          responses.push({ id: resp[1]!, body });
          res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
          return;
        }
        const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '') || body.token;
        calls.push({ method, body, at: arrived, ...(token ? { token } : {}) });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer(method, body)));
      },
      () => res.writeHead(400).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    apiUrl: `${url}/api/`,
    server,
    calls,
    responses,
    usergroups,
    responseUrl: (id) => `${url}/response/${encodeURIComponent(id)}`,
    callsOf: (method, channel) =>
      calls.filter((c) => c.method === method && (!channel || c.body.channel === channel)),
    down: (on) => {
      isDown = on;
    },
    fail: (f) => {
      failures.push({ ...f, times: f.times ?? 1 });
    },
    outage: (o) => {
      outage = {
        untilMs: o.untilMs,
        now: o.now ?? Date.now,
        statuses: o.statuses ?? [500, 429],
        retryAfter: o.retryAfter ?? 30,
      };
    },
    get refused() {
      return refused;
    },
    reset: () => {
      calls.length = 0;
      responses.length = 0;
      failures = [];
      isDown = false;
      outage = undefined;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
