/**
 * The media side of the model port: images per shot and a video clip. Two adapters implement it,
 * like the text port: the deterministic local model (storyboard frames drawn from the scene, an
 * animatic cut from them) and Vertex AI through @google/genai (Imagen for images, Veo for video).
 *
 * Video generation takes minutes, so it is split in two: `startVideo` returns a JSON operation the
 * engine stores, and `pollVideo` asks how it is going. The caller waits between polls with the
 * engine's durable `wait` outcome, never a sleeping function, and owns the deadline.
 */

/** What one frame shows, as fields: the local model draws from these, Gemini reads the prompt. */
export interface Scene {
  /** The production's topic, e.g. "solarpunk balconies". */
  topic: string;
  /** 1-based shot number in the shot list. */
  shot: number;
  /** The shot's description from the visual spec. */
  description: string;
  /** Camera framing; read from the description when not given. */
  framing?: Framing;
  /** The visual style from the visual spec, e.g. "warm film grain, golden hour". */
  style: string;
  /** The identity Bible's palette, `#rrggbb` colours, most important first (at least one). */
  palette: string[];
}

export const FRAMINGS = ['wide', 'medium', 'close-up', 'overhead', 'low-angle'] as const;
export type Framing = (typeof FRAMINGS)[number];

/** Aspect ratios both image adapters produce (Imagen's set). */
export const IMAGE_ASPECT_RATIOS = ['1:1', '3:4', '4:3', '9:16', '16:9'] as const;
export type ImageAspectRatio = (typeof IMAGE_ASPECT_RATIOS)[number];
/** Aspect ratios Veo produces. */
export const VIDEO_ASPECT_RATIOS = ['9:16', '16:9'] as const;
export type VideoAspectRatio = (typeof VIDEO_ASPECT_RATIOS)[number];

export interface ImageRequest {
  scene: Scene;
  /** The text prompt sent to Imagen. Default: `scenePrompt(scene)`. */
  prompt?: string;
  aspectRatio: ImageAspectRatio;
  /** Images wanted, 1-4 (variants of the same scene). */
  count: number;
  negativePrompt?: string;
  /** Fixes the provider's sampling where it allows (Imagen without watermark); the local model is always fixed. */
  seed?: number;
}

/** Bytes of one generated medium. */
export interface MediaBytes {
  bytes: Uint8Array;
  mimeType: string;
}

export interface GeneratedImage extends MediaBytes {
  width?: number;
  height?: number;
}

export interface ImageResult {
  /** The configured model name: the price table prices images by it. */
  model: string;
  images: GeneratedImage[];
  /** Images the provider withheld (responsible-AI filters); not billed. */
  filtered: number;
}

export interface VideoRequest {
  prompt: string;
  aspectRatio: VideoAspectRatio;
  /** Length of the clip; Veo bills per second of it. */
  durationSec: number;
  negativePrompt?: string;
  seed?: number;
  /** The first frame (image-to-video), e.g. the first storyboard frame. */
  firstFrame?: MediaBytes;
  /** The cut, shot by shot: the local model renders its animatic from these scenes and timings. */
  storyboard: Array<{ scene: Scene; durationSec: number }>;
  /** The aspect ratio the storyboard frames were drawn at (default `aspectRatio`), so the animatic reuses them. */
  storyboardAspectRatio?: ImageAspectRatio;
}

/**
 * A started video generation, as JSON the engine can store in a step's wait state. Opaque to the
 * caller: hand it back to `pollVideo` of the same adapter.
 */
export interface VideoOperation {
  name: string;
  model: string;
  /** The requested clip length, for pricing when it completes. */
  durationSec: number;
  /** What the adapter needs to finish it (the local model keeps its storyboard here). */
  detail?: unknown;
}

export interface GeneratedVideo extends MediaBytes {
  durationSec: number;
}

/**
 * Where a video generation stands. `error` means the operation ended without a clip; `retryable`
 * says whether starting it again may succeed (quota, unavailable) or not (refused, filtered).
 */
export type VideoPoll =
  | { done: false }
  | { done: true; model: string; videos: GeneratedVideo[] }
  | { done: true; model: string; error: { message: string; retryable: boolean } };

export interface MediaModelPort {
  /** The image model's name, for pricing per image. */
  readonly imageModel: string;
  /** The video model's name, for pricing per second. */
  readonly videoModel: string;
  generateImages(req: ImageRequest): Promise<ImageResult>;
  startVideo(req: VideoRequest): Promise<{ operation: VideoOperation }>;
  /** Throws a ModelError when the poll itself fails (retryable on 429/5xx/network). */
  pollVideo(operation: VideoOperation): Promise<VideoPoll>;
}

/** The framing a description implies, by its words; `medium` when it names none. */
export function framingOf(scene: Pick<Scene, 'framing' | 'description'>): Framing {
  if (scene.framing) return scene.framing;
  const d = scene.description.toLowerCase();
  if (/close[- ]?up|detail|macro|hands?\b/.test(d)) return 'close-up';
  if (/overhead|top[- ]down|bird'?s[- ]eye|from above/.test(d)) return 'overhead';
  if (/low[- ]angle|from below|looking up/.test(d)) return 'low-angle';
  if (/wide|establishing|skyline|landscape|street|panorama/.test(d)) return 'wide';
  return 'medium';
}

/** The text prompt for a scene: what Imagen is asked to draw. */
export function scenePrompt(scene: Scene): string {
  return [
    `${scene.description.trim().replace(/\.$/, '')}.`,
    `${framingOf(scene)} shot, about ${scene.topic}.`,
    `Style: ${scene.style}.`,
    `Palette: ${scene.palette.join(', ')}.`,
    'No text, no logos, no watermarks.',
  ].join(' ');
}

/** The allowed aspect ratio nearest to `ratio` ("4:5" becomes "3:4"); a malformed one gives the first. */
export function nearestAspectRatio<T extends string>(ratio: string, allowed: readonly T[]): T {
  const value = (r: string) => {
    const [w, h] = r.split(':').map(Number);
    return w && h ? Math.log(w / h) : Number.NaN;
  };
  const want = value(ratio);
  let best = allowed[0] as T;
  if (Number.isNaN(want)) return best;
  for (const a of allowed) if (Math.abs(value(a) - want) < Math.abs(value(best) - want)) best = a;
  return best;
}
