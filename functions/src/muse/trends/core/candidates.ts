/**
 * From source items to scored topic candidates, and which candidates become intents. Pure.
 */
import { normalizeTopic } from './topics.js';
import { scoreVvs, DEFAULT_VVS, type Mention, type VvsParams } from './vvs.js';

/** One post or article from a source. */
export interface TrendItem {
  sourceId: string;
  title: string;
  url?: string;
  publishedAt: number; // epoch ms
  engagement: number;
  /** Raw topic labels: categories, flair, hashtags. */
  topics: string[];
  /** The source's weight in VVS (default 1). */
  weight?: number;
}

export interface Candidate {
  key: string;
  topic: string;
  mentions: number;
  engagement: number;
  mentionVelocity: number;
  engagementVelocity: number;
  vvs: number;
  sources: string[];
  newestAt: number;
}

/** Groups items by normalised topic (an item counts once per topic) and scores each group. */
export function scoreCandidates(
  items: readonly TrendItem[],
  nowMs: number,
  p: VvsParams = DEFAULT_VVS,
): Candidate[] {
  const groups = new Map<
    string,
    { label: string; mentions: Mention[]; sources: Set<string>; engagement: number; newest: number }
  >();
  for (const item of items) {
    const seen = new Set<string>();
    for (const raw of item.topics) {
      const t = normalizeTopic(raw);
      if (!t || seen.has(t.key)) continue;
      seen.add(t.key);
      let g = groups.get(t.key);
      if (!g)
        groups.set(
          t.key,
          (g = { label: t.label, mentions: [], sources: new Set(), engagement: 0, newest: 0 }),
        );
      g.mentions.push({ at: item.publishedAt, engagement: item.engagement, weight: item.weight ?? 1 });
      g.sources.add(item.sourceId);
      g.engagement += item.engagement;
      g.newest = Math.max(g.newest, item.publishedAt);
    }
  }
  const out: Candidate[] = [];
  for (const [key, g] of groups) {
    const v = scoreVvs(g.mentions, nowMs, p);
    out.push({
      key,
      topic: g.label,
      mentions: g.mentions.length,
      engagement: g.engagement,
      ...v,
      sources: [...g.sources].sort(),
      newestAt: g.newest,
    });
  }
  return out.sort((a, b) => b.vvs - a.vvs || a.key.localeCompare(b.key));
}

export interface RecentIntent {
  intentId: string;
  at: number;
}

/**
 * Candidates that become intents: VVS strictly above the threshold, and no intent for the same
 * topic within the de-dupe window (an intent created by this same tick, on a retry, still counts
 * as this tick's, so a retried tick finishes its own work rather than skipping it).
 */
export function selectIntents(
  candidates: readonly Candidate[],
  recent: ReadonlyMap<string, RecentIntent>,
  opts: { threshold: number; dedupeWindowMs: number; nowMs: number; ownIntentId: (key: string) => string },
): { selected: Candidate[]; deduped: Candidate[] } {
  const selected: Candidate[] = [];
  const deduped: Candidate[] = [];
  for (const c of candidates) {
    if (!(c.vvs > opts.threshold)) continue;
    const prior = recent.get(c.key);
    const fresh =
      prior && opts.nowMs - prior.at < opts.dedupeWindowMs && prior.intentId !== opts.ownIntentId(c.key);
    (fresh ? deduped : selected).push(c);
  }
  return { selected, deduped };
}
