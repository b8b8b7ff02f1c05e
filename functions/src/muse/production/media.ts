/**
 * What production needs to make pictures and a clip: the media model (images per shot, a video
 * operation), the store the bytes go to (content-hash names, written once), and the settings that
 * shape the Visual and Motion steps. `wiring/media.ts` builds it from configuration; without a
 * bucket there is none, and productions make specs only (as before issue 16).
 *
 * Also the record of a stored medium, as the steps output it and the staged asset keeps it.
 */
import { z } from 'zod';
import type { MediaStore } from '../../media/port.js';
import type { MediaModelPort } from '../../model/media-port.js';

export interface ProductionMedia {
  store: MediaStore;
  /** The configured media model (Vertex AI, or the local storyboard). */
  model: MediaModelPort;
  /** Safe mode's: the local storyboard, which draws template frames and calls no provider. */
  template: MediaModelPort;
  /** False: images only, no clip (saves the video spend). */
  motion: boolean;
  /** How long a video generation may take, from its first start, before the step fails. */
  videoDeadlineMs: number;
  /** Time between two polls of a video operation (a durable `wait`). */
  videoPollMs: number;
  /** Lifetime of the signed URLs handed to people. */
  signedUrlTtlSeconds: number;
}

/** Frames are drawn for this many shots at most; the CFO estimate reserves for all of them. */
export const MAX_FRAMES = 6;
/** Longest clip asked of the video model (Veo makes 4-8 s); the estimate reserves this many. */
export const MAX_CLIP_SEC = 8;
export const MIN_CLIP_SEC = 4;
/** Times a video generation is started again after a retryable failure, in all. */
export const MAX_VIDEO_STARTS = 3;
/** The folder a production's media are stored in; rejected drafts are copied under `drafts/rejected`. */
export const ASSET_FOLDER = 'assets';
export const REJECTED_FOLDER = 'drafts/rejected';

export const mediaItemSchema = z.object({
  kind: z.enum(['frame', 'animatic', 'video']),
  name: z.string(),
  contentType: z.string(),
  shot: z.number().int().positive().optional(),
  bytes: z.number().int().nonnegative(),
  sha256: z.string(),
  /** Frames: pixel size, read from the image; clips: length in seconds. */
  width: z.number().optional(),
  height: z.number().optional(),
  durationSec: z.number().optional(),
});
export type MediaItem = z.infer<typeof mediaItemSchema>;

/** What a media step spent: images from an image model, or seconds of clip from a video model. */
export const mediaUsageSchema = z.union([
  z.object({
    model: z.string(),
    images: z.number().int().nonnegative(),
    filtered: z.number().int().nonnegative(),
  }),
  z.object({ model: z.string(), seconds: z.number().nonnegative() }),
]);
export type MediaUsage = z.infer<typeof mediaUsageSchema>;

/** Width and height of a PNG from its header, or undefined for anything else. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  const sig = [0x89, 0x50, 0x4e, 0x47];
  if (bytes.length < 24 || !sig.every((b, i) => bytes[i] === b)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}
