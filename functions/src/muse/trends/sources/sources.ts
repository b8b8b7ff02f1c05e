/**
 * Trend sources and the scan over them. Each source is read on its own: one that times out, answers
 * an HTTP error, is too large or is malformed is reported failed with its reason and the others go on.
 *
 * Bundled fixtures (`fixtures/feeds/`, the default sources of a local run) carry fixed timestamps.
 * They are marked `fixture: true`, and the tick shifts the items of all fixture sources together so
 * that the newest fixture item is "now": the spacing between items (what velocity measures) is
 * kept, and the loop finds the same trends whatever day it runs.
 */
import type { TrendItem } from '../core/candidates.js';
import { DEFAULT_LIMITS, fetchBody, SourceError, type FetchLimits } from './fetch-body.js';
import { parseFeed } from './feed.js';
import { parseRedditListing } from './reddit.js';

export type SourceDef =
  | { id: string; kind: 'reddit' | 'feed'; url: string; fixture?: boolean; limits?: Partial<FetchLimits> }
  /** Items already in memory (benchmarks, replays). */
  | { id: string; kind: 'static'; items: TrendItem[] };

export interface SourceResult {
  id: string;
  kind: SourceDef['kind'];
  ok: boolean;
  reason?: string;
  fixture: boolean;
  items: TrendItem[];
}

/** fixtures/feeds at the repository root (same depth from functions/src and functions/lib). */
export const FIXTURE_DIR = new URL('../../../../../fixtures/feeds/', import.meta.url);

const fixture = (id: string, kind: 'reddit' | 'feed', file: string): SourceDef => ({
  id,
  kind,
  url: new URL(file, FIXTURE_DIR).href,
  fixture: true,
});

/** The bundled fixture feeds: two Reddit listings, an RSS 2.0 feed and an Atom feed. */
export const FIXTURE_SOURCES: readonly SourceDef[] = Object.freeze([
  fixture('reddit-newtubers', 'reddit', 'reddit-newtubers.json'),
  fixture('reddit-aivideo', 'reddit', 'reddit-aivideo.json'),
  fixture('rss-creator-economy', 'feed', 'creator-economy.rss.xml'),
  fixture('atom-culture-desk', 'feed', 'culture-desk.atom.xml'),
]);

export async function scanSource(
  def: SourceDef,
  limits: FetchLimits = DEFAULT_LIMITS,
): Promise<SourceResult> {
  const base = { id: def.id, kind: def.kind, fixture: def.kind !== 'static' && def.fixture === true };
  if (def.kind === 'static') return { ...base, ok: true, items: def.items };
  try {
    const body = await fetchBody(def.url, { ...limits, ...def.limits });
    const items = def.kind === 'reddit' ? parseRedditListing(def.id, body) : parseFeed(def.id, body);
    return { ...base, ok: true, items };
  } catch (err) {
    const reason = err instanceof SourceError ? err.message : `unexpected: ${(err as Error).message}`;
    return { ...base, ok: false, reason, items: [] };
  }
}

/** Scans every source concurrently; never throws for a failed source. */
export function scanSources(defs: readonly SourceDef[], limits?: FetchLimits): Promise<SourceResult[]> {
  return Promise.all(defs.map((d) => scanSource(d, limits)));
}
