/**
 * Trend sources and the scan over them. Each source is read over HTTP by its adapter (Reddit's JSON
 * listings, RSS 2.0 / Atom feeds), the same code locally and in the cloud: locally the sources
 * point at a feed server serving the bundled fixtures (scripts/lib/feed-server.ts). Each source is
 * read on its own: one that times out, answers an HTTP error, is too large or is malformed is
 * reported failed with its reason and the others go on.
 */
import type { TrendItem } from '../core/candidates.js';
import { sourceUrl, type SourceSetting } from '../core/settings.js';
import { DEFAULT_LIMITS, fetchBody, SourceError, type FetchLimits } from './fetch-body.js';
import { parseFeed } from './feed.js';
import { parseRedditListing } from './reddit.js';

export type SourceDef =
  | { id: string; kind: 'reddit' | 'feed'; url: string; weight?: number; limits?: Partial<FetchLimits> }
  /** Items already in memory (benchmarks, replays). */
  | { id: string; kind: 'static'; items: TrendItem[] };

export interface SourceResult {
  id: string;
  kind: SourceDef['kind'];
  ok: boolean;
  reason?: string;
  items: TrendItem[];
}

/** What the scan reads for a configured source. */
export function sourceDefOf(s: SourceSetting): SourceDef {
  return { id: s.id, kind: s.kind, url: sourceUrl(s), weight: s.weight, limits: { timeoutMs: s.timeoutMs } };
}

export async function scanSource(
  def: SourceDef,
  limits: FetchLimits = DEFAULT_LIMITS,
): Promise<SourceResult> {
  const base = { id: def.id, kind: def.kind };
  if (def.kind === 'static') return { ...base, ok: true, items: def.items };
  try {
    const body = await fetchBody(def.url, { ...limits, ...def.limits });
    const items = def.kind === 'reddit' ? parseRedditListing(def.id, body) : parseFeed(def.id, body);
    const weight = def.weight ?? 1;
    return { ...base, ok: true, items: weight === 1 ? items : items.map((i) => ({ ...i, weight })) };
  } catch (err) {
    const reason = err instanceof SourceError ? err.message : `unexpected: ${(err as Error).message}`;
    return { ...base, ok: false, reason, items: [] };
  }
}

/** Scans every source concurrently; never throws for a failed source. */
export function scanSources(defs: readonly SourceDef[], limits?: FetchLimits): Promise<SourceResult[]> {
  return Promise.all(defs.map((d) => scanSource(d, limits)));
}
