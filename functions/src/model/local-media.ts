/**
 * The local model's media: storyboard frames rendered to PNG with @resvg/resvg-js (a Rust SVG
 * renderer, prebuilt per platform inside its npm package) and an animatic cut from them as an
 * animated WebP with sharp (libvips), each frame held for its shot's duration. Deterministic: the
 * same request gives the same bytes, with no fonts involved (captions are drawn as pixel paths).
 *
 * Video on the local model finishes at once but keeps the port's two halves: `startVideo` returns
 * an operation carrying the storyboard (a few kilobytes of JSON the engine can store), and
 * `pollVideo` renders the animatic from it, so a poll on another instance gives the same clip.
 * Both renderers load on first use, so an instance that never draws pays nothing for them.
 */
import { canonicalJson, fnv1a } from './local/hash.js';
import { storyboardSvg } from './local/storyboard.js';
import {
  IMAGE_ASPECT_RATIOS,
  type GeneratedImage,
  type ImageAspectRatio,
  type ImageRequest,
  type ImageResult,
  type MediaModelPort,
  type Scene,
  type VideoOperation,
  type VideoPoll,
  type VideoRequest,
} from './media-port.js';
import { ModelError } from './port.js';

/** Names the price table knows the local renderers by (they cost nothing). */
export const LOCAL_IMAGE_MODEL = 'local-storyboard';
export const LOCAL_VIDEO_MODEL = 'local-animatic';

/** Longest animatic the local model cuts, in seconds (a motion spec allows 600). */
const MAX_ANIMATIC_SEC = 600;

/** Renders one storyboard frame to PNG. */
export async function renderFrame(scene: Scene, aspectRatio: string, variant = 0): Promise<GeneratedImage> {
  const { Resvg } = await import('@resvg/resvg-js');
  const rendered = new Resvg(storyboardSvg(scene, aspectRatio, variant), {
    font: { loadSystemFonts: false },
  }).render();
  return { bytes: rendered.asPng(), mimeType: 'image/png', width: rendered.width, height: rendered.height };
}

/**
 * An animated WebP showing each frame for its duration, looping; one frame gives a still WebP.
 * Frames must share one size (they do when drawn at one aspect ratio). Durations are rounded to
 * whole milliseconds.
 */
export async function renderAnimatic(frames: Uint8Array[], durationsSec: number[]): Promise<Uint8Array> {
  if (frames.length === 0) throw new ModelError('an animatic needs at least one frame', false);
  if (frames.length !== durationsSec.length)
    throw new ModelError(`${frames.length} frames but ${durationsSec.length} durations`, false);
  if (durationsSec.some((d) => !(d > 0) || d > MAX_ANIMATIC_SEC))
    throw new ModelError(`every shot needs a duration in (0, ${MAX_ANIMATIC_SEC}] seconds`, false);
  const { default: sharp } = await import('sharp');
  const input = frames.map((f) => Buffer.from(f));
  // libvips joins two or more images into an animation; a single shot is a still.
  const out = await (input.length > 1 ? sharp(input, { join: { animated: true } }) : sharp(input[0]))
    .webp({ delay: durationsSec.map((d) => Math.round(d * 1000)), loop: 0, quality: 80, effort: 4 })
    .toBuffer();
  return new Uint8Array(out);
}

interface LocalVideoDetail {
  aspectRatio: ImageAspectRatio;
  storyboard: VideoRequest['storyboard'];
}

function isLocalDetail(detail: unknown): detail is LocalVideoDetail {
  const d = detail as Partial<LocalVideoDetail> | undefined;
  return (
    !!d &&
    IMAGE_ASPECT_RATIOS.includes(d.aspectRatio as ImageAspectRatio) &&
    Array.isArray(d.storyboard) &&
    d.storyboard.length > 0
  );
}

/** The local media model: storyboard frames and an animatic, no network and no cost. */
export function createLocalMediaModel(): MediaModelPort {
  return {
    imageModel: LOCAL_IMAGE_MODEL,
    videoModel: LOCAL_VIDEO_MODEL,

    async generateImages(req: ImageRequest): Promise<ImageResult> {
      if (!Number.isInteger(req.count) || req.count < 1 || req.count > 4)
        throw new ModelError(`count must be 1-4, got ${req.count}`, false);
      const images: GeneratedImage[] = [];
      for (let v = 0; v < req.count; v++) images.push(await renderFrame(req.scene, req.aspectRatio, v));
      return { model: LOCAL_IMAGE_MODEL, images, filtered: 0 };
    },

    startVideo(req: VideoRequest): Promise<{ operation: VideoOperation }> {
      return Promise.resolve().then(() => {
        if (req.storyboard.length === 0) throw new ModelError('the storyboard has no shots', false);
        const durationSec = req.storyboard.reduce((s, x) => s + x.durationSec, 0);
        if (!(durationSec > 0) || durationSec > MAX_ANIMATIC_SEC)
          throw new ModelError(`the cut lasts ${durationSec} s; allowed (0, ${MAX_ANIMATIC_SEC}]`, false);
        const detail: LocalVideoDetail = {
          aspectRatio: req.storyboardAspectRatio ?? req.aspectRatio,
          storyboard: req.storyboard,
        };
        const name = `local-animatic/${fnv1a(canonicalJson(detail)).toString(16).padStart(8, '0')}`;
        return { operation: { name, model: LOCAL_VIDEO_MODEL, durationSec, detail } };
      });
    },

    async pollVideo(operation: VideoOperation): Promise<VideoPoll> {
      if (!isLocalDetail(operation.detail))
        throw new ModelError(`not a local animatic operation: ${operation.name}`, false);
      const { aspectRatio, storyboard } = operation.detail;
      const frames: Uint8Array[] = [];
      for (const shot of storyboard) frames.push((await renderFrame(shot.scene, aspectRatio)).bytes);
      const bytes = await renderAnimatic(
        frames,
        storyboard.map((s) => s.durationSec),
      );
      return {
        done: true,
        model: LOCAL_VIDEO_MODEL,
        videos: [{ bytes, mimeType: 'image/webp', durationSec: operation.durationSec }],
      };
    },
  };
}
