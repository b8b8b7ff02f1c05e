/**
 * The trend loop's configuration, as data: which sources to read and how the tick scores and
 * filters. Both live in Firestore settings documents so an operator changes them without a deploy.
 * Pure: the schemas, the documented defaults and the URL of a Reddit listing.
 *
 * A stored document that fails to parse is an error naming the field: the tick refuses to scan
 * and says so, rather than quietly falling back to the defaults (which would hide the mistake).
 * Only a document that was never written means "the defaults".
 */
import { z } from 'zod';
import { DEFAULT_VVS } from './vvs.js';

const SOURCE_ID = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

const common = {
  id: z
    .string()
    .regex(SOURCE_ID, 'must be 1-63 lower-case letters, digits, _ . - (starting with a letter or digit)'),
  /** Multiplies this source's mentions and engagement in VVS (1 = as is). */
  weight: z.number().min(0.1).max(10).default(1),
  enabled: z.boolean().default(true),
  timeoutMs: z.number().int().min(100).max(30_000).default(5_000),
};

const httpUrl = z
  .string()
  .url()
  .refine((u) => /^https?:\/\//i.test(u), 'must be an http(s) URL');

/** A Reddit JSON listing: `<baseUrl>/r/<subreddit>/<sort>.json`. */
export const redditSourceSchema = z.strictObject({
  ...common,
  kind: z.literal('reddit'),
  subreddit: z.string().regex(/^[A-Za-z0-9_]{2,21}$/, 'must be a subreddit name (2-21 letters, digits, _)'),
  sort: z.enum(['hot', 'new', 'rising', 'top']).default('hot'),
  /** Where Reddit is: https://www.reddit.com unless a local feed server stands in for it. */
  baseUrl: httpUrl.optional(),
});

/** An RSS 2.0 or Atom feed (the parser tells them apart). */
export const feedSourceSchema = z.strictObject({ ...common, kind: z.literal('feed'), url: httpUrl });

export const sourceSettingSchema = z.discriminatedUnion('kind', [redditSourceSchema, feedSourceSchema]);
export type SourceSetting = z.infer<typeof sourceSettingSchema>;
export type SourceSettingInput = z.input<typeof sourceSettingSchema>;

export const sourcesSchema = z
  .array(sourceSettingSchema)
  .max(50)
  .superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((s, i) => {
      if (seen.has(s.id))
        ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate source id "${s.id}"` });
      seen.add(s.id);
    });
  });

/**
 * The default set of a new deployment: real public sources about creators, online video and
 * culture. Reddit's listings need no key; the feeds are public RSS 2.0 and Atom.
 */
export const DEFAULT_SOURCES: readonly SourceSetting[] = Object.freeze([
  {
    id: 'reddit-popular',
    kind: 'reddit',
    subreddit: 'popular',
    sort: 'hot',
    weight: 1,
    enabled: true,
    timeoutMs: 5000,
  },
  {
    id: 'reddit-newtubers',
    kind: 'reddit',
    subreddit: 'NewTubers',
    sort: 'hot',
    weight: 1,
    enabled: true,
    timeoutMs: 5000,
  },
  {
    id: 'reddit-aivideo',
    kind: 'reddit',
    subreddit: 'aivideo',
    sort: 'hot',
    weight: 1,
    enabled: true,
    timeoutMs: 5000,
  },
  {
    id: 'rss-tubefilter',
    kind: 'feed',
    url: 'https://www.tubefilter.com/feed/',
    weight: 1,
    enabled: true,
    timeoutMs: 5000,
  },
  {
    id: 'rss-techcrunch',
    kind: 'feed',
    url: 'https://techcrunch.com/feed/',
    weight: 0.5,
    enabled: true,
    timeoutMs: 5000,
  },
  {
    id: 'atom-the-verge',
    kind: 'feed',
    url: 'https://www.theverge.com/rss/index.xml',
    weight: 0.5,
    enabled: true,
    timeoutMs: 5000,
  },
] satisfies SourceSetting[]);

export const REDDIT_BASE_URL = 'https://www.reddit.com';

/** The URL a source is read from. */
export function sourceUrl(s: SourceSetting): string {
  if (s.kind === 'feed') return s.url;
  const base = (s.baseUrl ?? REDDIT_BASE_URL).replace(/\/+$/, '');
  return `${base}/r/${s.subreddit}/${s.sort}.json?limit=100&raw_json=1${s.sort === 'top' ? '&t=day' : ''}`;
}

/** The tick's settings, in `config/trendSettings`. */
export const tickSettingsSchema = z.strictObject({
  /** An intent is created when VVS is strictly above this. */
  threshold: z.number().min(0).max(100).default(50),
  /** A topic that became an intent within this window is not turned into another. */
  dedupeWindowHours: z
    .number()
    .min(0)
    .max(24 * 30)
    .default(24),
  /** A running tick's claim expires after this, so a crashed tick does not block the loop. */
  leaseMinutes: z.number().int().min(1).max(60).default(5),
  /** New intents a tick may send to production at most (the rest stay `new`). */
  maxProductionsPerTick: z.number().int().min(0).max(100).default(10),
  vvs: z
    .strictObject({
      halfLifeHours: z.number().gt(0).max(168).default(DEFAULT_VVS.halfLifeHours),
      maxAgeHours: z
        .number()
        .gt(0)
        .max(24 * 30)
        .default(DEFAULT_VVS.maxAgeHours),
      mentionScale: z.number().gt(0).max(1e6).default(DEFAULT_VVS.mentionScale),
      engagementScale: z.number().gt(0).max(1e9).default(DEFAULT_VVS.engagementScale),
      mentionWeight: z.number().min(0).max(1).default(DEFAULT_VVS.mentionWeight),
    })
    .default({ ...DEFAULT_VVS }),
});
export type TickSettings = z.infer<typeof tickSettingsSchema>;

export const DEFAULT_TICK_SETTINGS: Readonly<TickSettings> = Object.freeze(tickSettingsSchema.parse({}));
