/**
 * Reddit's JSON listing format (`/r/<sub>/hot.json`): `{ kind: "Listing", data: { children: [
 * { kind: "t3", data: { title, created_utc, score, num_comments, link_flair_text, permalink } } ] } }`.
 * Topics of a post: its flair and the hashtags in its title.
 */
import { z } from 'zod';
import { describeIssues } from '../../../shared/errors.js';
import { hashtags } from '../core/topics.js';
import type { TrendItem } from '../core/candidates.js';
import { SourceError } from './fetch-body.js';

const post = z.object({
  kind: z.string(),
  data: z.object({
    title: z.string(),
    created_utc: z.number(),
    score: z.number().default(0),
    num_comments: z.number().default(0),
    link_flair_text: z.string().nullish(),
    permalink: z.string().optional(),
    stickied: z.boolean().optional(),
  }),
});

const listing = z.object({
  kind: z.literal('Listing'),
  data: z.object({ children: z.array(post) }),
});

export function parseRedditListing(sourceId: string, body: string): TrendItem[] {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (err) {
    throw new SourceError(`malformed JSON: ${(err as Error).message}`);
  }
  const parsed = listing.safeParse(json);
  if (!parsed.success)
    throw new SourceError(
      `not a Reddit listing: ${describeIssues(parsed.error.issues).slice(0, 3).join('; ')}`,
    );
  return parsed.data.data.children
    .filter((c) => c.kind === 't3' && !c.data.stickied) // stickied posts are moderator notices
    .map((c) => ({
      sourceId,
      title: c.data.title,
      url: c.data.permalink ? `https://www.reddit.com${c.data.permalink}` : undefined,
      publishedAt: c.data.created_utc * 1000,
      engagement: Math.max(0, c.data.score) + Math.max(0, c.data.num_comments),
      topics: [...(c.data.link_flair_text ? [c.data.link_flair_text] : []), ...hashtags(c.data.title)],
    }));
}
