/**
 * Staged assets (Publish): one record per published production in `stagedAssets/{runId}`, written
 * once and never changed. Nothing is posted anywhere; the record is what would be. Its media are
 * listed by name; people open them through signed URLs made on each read.
 */
import type { Firestore } from '@google-cloud/firestore';
import { invalidInput, notFound } from '../../shared/errors.js';
import type { StagedAsset } from './core/staged-asset.js';
import type { MediaItem, ProductionMedia } from './media.js';
import { assetsPage, findAsset } from './repo.js';

export type { StagedAsset } from './core/staged-asset.js';

export async function getAsset(db: Firestore, id: string): Promise<StagedAsset> {
  const asset = await findAsset(db, id);
  if (!asset) throw notFound(`staged asset ${id} does not exist`);
  return asset;
}

/** The newest staged assets first, paged by `before` (an ISO time from the previous page). */
export async function listAssets(
  db: Firestore,
  q: { limit?: number; before?: string } = {},
): Promise<StagedAsset[]> {
  const limit = q.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalidInput('limit must be 1-100');
  let before: Date | undefined;
  if (q.before !== undefined) {
    before = new Date(q.before);
    if (Number.isNaN(before.getTime())) throw invalidInput('before must be an ISO date-time');
  }
  return assetsPage(db, limit, before);
}

/** A stored medium with a short-lived link to open it. */
export type LinkedMedia = MediaItem & { url?: string; expiresAt?: Date };

/** An asset whose media carry their links. */
export type LinkedAsset = Omit<StagedAsset, 'media'> & { media: LinkedMedia[] };

/**
 * The asset with a signed GET URL per medium (the bucket is never public), valid `ttlSeconds`
 * (the store's default when not given). Without media configured, the media are listed unlinked.
 */
export async function linkedAsset(
  db: Firestore,
  media: ProductionMedia | undefined,
  id: string,
  ttlSeconds?: number,
): Promise<LinkedAsset> {
  const asset = await getAsset(db, id);
  return { ...asset, media: await linkMedia(media, asset.media ?? [], ttlSeconds) };
}

/**
 * Tolerant of what is stored, like the stream's asset view: a media field that is not a list links
 * nothing, and an entry without a name, or whose signing fails, is listed without a link (before,
 * each of those made the whole read a 500).
 */
export async function linkMedia(
  media: ProductionMedia | undefined,
  items: MediaItem[],
  ttlSeconds?: number,
): Promise<LinkedMedia[]> {
  const list: MediaItem[] = Array.isArray(items) ? items : [];
  if (!media) return list;
  const ttl = ttlSeconds ?? media.signedUrlTtlSeconds;
  return Promise.all(
    list.map(async (m) => {
      if (typeof m?.name !== 'string' || !m.name) return m;
      try {
        return { ...m, ...(await media.store.signedUrl(m.name, { ttlSeconds: ttl })) };
      } catch {
        return m; // no link for this one; the rest of the asset still reads
      }
    }),
  );
}

/** The newest staged asset, linked, or undefined when none is staged yet. */
export async function latestAsset(
  db: Firestore,
  media: ProductionMedia | undefined,
  ttlSeconds?: number,
): Promise<LinkedAsset | undefined> {
  const [asset] = await assetsPage(db, 1);
  if (!asset) return undefined;
  return { ...asset, media: await linkMedia(media, asset.media ?? [], ttlSeconds) };
}

/** What Slack shows of an asset: its first frame and its clip, by long-lived signed URL. */
export interface AssetPreview {
  id: string;
  topic: string;
  frames: number;
  firstFrameUrl?: string;
  clipUrl?: string;
}

/** Slack fetches an image when it posts and shows it from its cache: its link lives a week, at most. */
export const SLACK_LINK_TTL_SECONDS = 7 * 24 * 3600 - 3600;

/** The preview of asset `id`, or of the newest one; undefined when there is none. */
export async function assetPreview(
  db: Firestore,
  media: ProductionMedia | undefined,
  id?: string,
): Promise<AssetPreview | undefined> {
  const asset = id ? await findAsset(db, id) : (await assetsPage(db, 1))[0];
  if (!asset) return undefined;
  const items = (Array.isArray(asset.media) ? asset.media : []).filter((m) => typeof m?.name === 'string');
  const frame = items.find((m) => m.kind === 'frame');
  const clip = items.find((m) => m.kind !== 'frame');
  const url = async (m: MediaItem | undefined) =>
    m && media
      ? (await media.store.signedUrl(m.name, { ttlSeconds: SLACK_LINK_TTL_SECONDS }).catch(() => undefined))
          ?.url
      : undefined;
  const [firstFrameUrl, clipUrl] = await Promise.all([url(frame), url(clip)]);
  return {
    id: asset.id,
    topic: asset.topic,
    frames: items.filter((m) => m.kind === 'frame').length,
    ...(firstFrameUrl ? { firstFrameUrl } : {}),
    ...(clipUrl ? { clipUrl } : {}),
  };
}
