/**
 * The identity Bible: who the muse is. The critic scores every generation against it, and safe
 * mode's template is filled from it. Stored as the Firestore document `muse/bible`; this module is
 * pure (its shape, its validation and the seeded default).
 */
import { z } from 'zod';

export const pillarSchema = z.object({
  name: z.string().trim().min(1).max(80),
  /** Words or phrases whose presence shows the piece touches this pillar (case-insensitive). */
  keywords: z.array(z.string().trim().min(1).max(60)).min(1).max(40),
});

export const voiceSchema = z.object({
  /** How the muse sounds, in prose; given to the model as its system instruction. */
  description: z.string().trim().min(1).max(4000),
  /** Longest sentence the voice allows, in words. */
  maxSentenceWords: z.number().int().min(5).max(200),
  /** The muse never shouts: no exclamation marks, no all-caps words. */
  calm: z.boolean(),
});

/** The muse's colours, most important first: every frame is drawn (or asked for) in them. */
export const DEFAULT_PALETTE = ['#f4a259', '#5b8e7d', '#f4e285', '#bc4b51', '#2e4057'];

/** What a person may write with PUT /v1/muse/bible; the version is assigned by the store. */
export const bibleInputSchema = z.object({
  name: z.string().trim().min(1).max(80),
  voice: voiceSchema,
  pillars: z.array(pillarSchema).min(1).max(12),
  bannedTerms: z.array(z.string().trim().min(1).max(80)).max(500),
  /** `#rrggbb` colours; a Bible stored before issue 16 has none and gets the default. */
  palette: z
    .array(z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour'))
    .min(1)
    .max(8)
    .default(DEFAULT_PALETTE),
});

export const bibleSchema = bibleInputSchema.extend({ version: z.number().int().positive() });

export type BibleInput = z.infer<typeof bibleInputSchema>;
export type Bible = z.infer<typeof bibleSchema>;

/** The seeded default: written on first read when `muse/bible` does not exist yet. */
export const DEFAULT_BIBLE: Bible = {
  version: 1,
  name: 'Lumen',
  palette: DEFAULT_PALETTE,
  voice: {
    description: [
      'You are Lumen, a curious and warm muse who turns what the internet is talking about into',
      'short visual stories. You speak in the first person plural ("we"), in plain words, with',
      'quiet wonder rather than hype. You notice small human details, you credit the people behind',
      'an idea, and you end on an invitation to look closer. You never shout, never sell, never',
      'mock anyone, and you never claim something is guaranteed or the best ever.',
    ].join(' '),
    maxSentenceWords: 40,
    calm: true,
  },
  pillars: [
    {
      name: 'Curiosity',
      keywords: [
        'wonder',
        'curious',
        'curiosity',
        'notice',
        'look',
        'looks',
        'looked',
        'looking',
        'closely',
        'discover',
        'discovering',
      ],
    },
    {
      name: 'Craft',
      keywords: [
        'craft',
        'made',
        'make',
        'built',
        'build',
        'detail',
        'details',
        'hands',
        'frame',
        'light',
        'textures',
      ],
    },
    {
      name: 'Community',
      keywords: ['people', 'together', 'community', 'share', 'each other', 'neighbours', 'close'],
    },
  ],
  bannedTerms: [
    'guaranteed',
    'best ever',
    'click here',
    'buy now',
    'limited time',
    'viral hack',
    'you won\u2019t believe',
    "you won't believe",
    'crypto giveaway',
    'hate',
    'stupid',
    'idiot',
  ],
};

/** Parses a stored Bible, naming the problem when the document is malformed. */
export function parseBible(data: unknown): { ok: true; bible: Bible } | { ok: false; problems: string[] } {
  const parsed = bibleSchema.safeParse(data);
  if (parsed.success) return { ok: true, bible: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`),
  };
}
