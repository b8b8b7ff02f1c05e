/**
 * Topic normalisation. Sources name the same trend differently ("#AILipSync", "AI lip-sync",
 * "Ai Lip Sync"); all of them map to one key ("ai-lip-sync") so mentions add up within a tick and
 * de-duplication across ticks works.
 */

/** Labels that say what a post is, not what it is about (Reddit flairs, generic feed categories). */
const GENERIC = new Set([
  'discussion',
  'question',
  'questions',
  'news',
  'meta',
  'other',
  'misc',
  'video',
  'videos',
  'image',
  'images',
  'meme',
  'memes',
  'help',
  'general',
  'uncategorized',
  'announcement',
  'update',
  'link',
  'original content',
  'oc',
  'blog',
  'article',
  'feature',
  'opinion',
  'self promotion',
]);

export interface NormalizedTopic {
  /** Stable key: lower-case ASCII words joined by '-', at most 60 characters. */
  key: string;
  /** Readable form: the words, lower case, separated by spaces. */
  label: string;
}

/** Normalises a raw topic; null for noise (too short, too long, generic labels). */
export function normalizeTopic(raw: string): NormalizedTopic | null {
  const words = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // diacritics
    .replace(/^#/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2') // camelCase hashtags: #AILipSync
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/['\u2019]/g, '') // creator's -> creators
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  if (words[0] === 'the' && words.length > 1) words.shift();
  const label = words.join(' ');
  if (label.length < 2 || label.length > 60 || GENERIC.has(label)) return null;
  return { key: words.join('-'), label };
}

/** Hashtags in a title: `#Word` runs. */
export function hashtags(text: string): string[] {
  return [...text.matchAll(/(?:^|\s)#([\p{L}\p{N}_]{2,60})/gu)].map((m) => m[1]!);
}
