/**
 * A local HTTP server serving the bundled trend fixtures (`fixtures/feeds/`) in their real wire
 * formats, so `npm start` and the tests run the same HTTP source adapters as the cloud does, with
 * no internet: Reddit listings at `/reddit/r/<subreddit>/<sort>.json`, feeds at `/feeds/<file>`.
 *
 * The fixtures carry fixed timestamps; every answer shifts all of them together so the newest item
 * across all fixtures is "now" (`now()`, the caller's clock): the spacing between items, which is
 * what velocity measures, is kept, and the loop finds the same trends whatever day it runs.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { SourceSetting } from '../../functions/src/muse/trends/core/settings.js';
import { parseFeed } from '../../functions/src/muse/trends/sources/feed.js';
import { parseRedditListing } from '../../functions/src/muse/trends/sources/reddit.js';

export const FIXTURE_FEEDS_DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'feeds');

export interface FeedServer {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Requests answered, by path (tests check the tick really read over HTTP). */
  hits: Map<string, number>;
  stop(): Promise<void>;
}

interface Fixture {
  body: string;
  type: string;
}

/** The sources settings pointing at a feed server: the fixtures' two listings and two feeds. */
export function fixtureSources(baseUrl: string): SourceSetting[] {
  const common = { weight: 1, enabled: true, timeoutMs: 5000 };
  return [
    {
      ...common,
      id: 'reddit-newtubers',
      kind: 'reddit',
      subreddit: 'NewTubers',
      sort: 'hot',
      baseUrl: `${baseUrl}/reddit`,
    },
    {
      ...common,
      id: 'reddit-aivideo',
      kind: 'reddit',
      subreddit: 'aivideo',
      sort: 'hot',
      baseUrl: `${baseUrl}/reddit`,
    },
    { ...common, id: 'rss-creator-economy', kind: 'feed', url: `${baseUrl}/feeds/creator-economy.rss.xml` },
    { ...common, id: 'atom-culture-desk', kind: 'feed', url: `${baseUrl}/feeds/culture-desk.atom.xml` },
  ];
}

function load(dir: string): { files: Map<string, Fixture>; newest: number } {
  const files = new Map<string, Fixture>();
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const body = readFileSync(join(dir, name), 'utf8');
    if (name.endsWith('.json')) {
      for (const i of parseRedditListing(name, body)) newest = Math.max(newest, i.publishedAt);
      files.set(`/reddit/r/${name.replace(/^reddit-|\.json$/g, '')}`, { body, type: 'application/json' });
    } else if (name.endsWith('.xml')) {
      for (const i of parseFeed(name, body)) newest = Math.max(newest, i.publishedAt);
      files.set(`/feeds/${name}`, {
        body,
        type: name.includes('atom') ? 'application/atom+xml' : 'application/rss+xml',
      });
    }
  }
  return { files, newest };
}

/** Moves every timestamp of a fixture by `shiftMs`, in its own format. */
function shifted(f: Fixture, shiftMs: number): string {
  if (f.type === 'application/json') {
    const json = JSON.parse(f.body) as { data: { children: Array<{ data: Record<string, unknown> }> } };
    for (const c of json.data.children)
      for (const k of ['created_utc', 'created'])
        if (typeof c.data[k] === 'number') c.data[k] = Math.round((c.data[k] as number) + shiftMs / 1000);
    return JSON.stringify(json);
  }
  const move = (s: string) => new Date(Date.parse(s) + shiftMs);
  return f.body
    .replace(
      /<(pubDate|lastBuildDate)>([^<]+)<\/\1>/g,
      (_, tag: string, v: string) => `<${tag}>${move(v).toUTCString()}</${tag}>`,
    )
    .replace(
      /<(published|updated|dc:date)>([^<]+)<\/\1>/g,
      (_, tag: string, v: string) => `<${tag}>${move(v).toISOString()}</${tag}>`,
    );
}

export async function startFeedServer(
  o: { port?: number; host?: string; now?: () => number; dir?: string } = {},
): Promise<FeedServer> {
  const { files, newest } = load(o.dir ?? FIXTURE_FEEDS_DIR);
  const now = o.now ?? Date.now;
  const hits = new Map<string, number>();
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    // Reddit's listings answer the same for every sort here: /reddit/r/<sub>/<sort>.json
    const m = /^(\/reddit\/r\/[^/]+)\/(hot|new|rising|top)\.json$/.exec(path);
    const f = files.get(m ? m[1]!.toLowerCase() : path);
    hits.set(path, (hits.get(path) ?? 0) + 1);
    if (req.method !== 'GET' || !f)
      return res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    res.writeHead(200, { 'content-type': f.type }).end(shifted(f, now() - newest));
  };
  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port ?? 0, o.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    port,
    hits,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
