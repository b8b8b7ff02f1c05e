/**
 * A staged asset as the page and the talk box show it: the narrative's title and hook, the shots,
 * the critic's drift, the cost, and its media (frames, the animatic, a video) with a URL a browser
 * can load. A media entry keeps the `url` it carries; otherwise the `signedUrl` port (the media
 * store's signed read URLs, wired by the lead) signs its `name`; without either it has no URL and
 * the page shows the shot's description instead. Tolerant: an asset written before media existed,
 * or a malformed media entry, still renders what it holds.
 */
import { z } from 'zod';
import { toJson } from './source.js';

/** Signs a media object's name for reading (the media store's port). */
export type SignedUrl = (name: string) => Promise<string>;

const mediaSchema = z.object({
  kind: z.enum(['frame', 'animatic', 'video']),
  name: z.string().min(1).max(1024),
  contentType: z.string().min(1).max(200),
  shot: z.number().int().nonnegative().optional(),
  url: z
    .url({ protocol: /^https?$/ })
    .max(8192)
    .optional(),
});
export type MediaView = z.infer<typeof mediaSchema>;

export interface AssetCard {
  id: string;
  topic: string;
  title?: string;
  hook?: string;
  createdAt?: string;
  drift?: number;
  pass?: boolean;
  cost?: number;
  currency?: string;
  shots: Array<{ description: string; durationSec?: number }>;
  media: MediaView[];
}

const obj = (v: unknown): Record<string, unknown> =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The asset's media entries that parse, each with a URL when one can be had. */
export async function mediaWithUrls(media: unknown, signedUrl?: SignedUrl): Promise<MediaView[]> {
  const items = Array.isArray(media) ? media.slice(0, 48) : [];
  const parsed = items.flatMap((m) => {
    const r = mediaSchema.safeParse(m);
    return r.success ? [r.data] : [];
  });
  return Promise.all(
    parsed.map(async (m) => {
      if (m.url || !signedUrl) return m;
      try {
        return { ...m, url: await signedUrl(m.name) };
      } catch {
        return m; // no picture for this one; the shot's words still show
      }
    }),
  );
}

/** The card for one asset (stored values or JSON). */
export async function assetView(
  doc: Record<string, unknown> & { id: string },
  signedUrl?: SignedUrl,
): Promise<AssetCard> {
  const a = obj(toJson(doc));
  const narrative = obj(a.narrative);
  const verdict = obj(a.verdict);
  const cost = obj(a.cost);
  const shots = (Array.isArray(obj(a.visual).shots) ? (obj(a.visual).shots as unknown[]) : [])
    .slice(0, 24)
    .map((s) => ({ description: str(obj(s).description) ?? '', durationSec: num(obj(s).durationSec) }))
    .filter((s) => s.description);
  const card: AssetCard = {
    id: doc.id,
    topic: str(a.topic) ?? '',
    title: str(narrative.title),
    hook: str(narrative.hook),
    createdAt: str(a.createdAt),
    drift: num(verdict.drift),
    pass: typeof verdict.pass === 'boolean' ? verdict.pass : undefined,
    cost: num(cost.actual),
    currency: str(cost.currency),
    shots,
    media: await mediaWithUrls(a.media, signedUrl),
  };
  return JSON.parse(JSON.stringify(card)) as AssetCard; // drops the undefined fields
}
