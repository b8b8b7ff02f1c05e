/**
 * Wiring of media: the MediaStore on the configured bucket (locally the same client against
 * `scripts/lib/gcs-server.ts`, through MEDIA_STORAGE_OPTIONS) and the media model named by the
 * configuration. No bucket, no media: `mediaOf` answers undefined and productions make specs only.
 * The models load on their first call, so an instance that makes no media pays nothing for them.
 */
import type { StorageOptions } from '@google-cloud/storage';
import { createGcsMediaStore } from '../media/gcs-store.js';
import { createMediaModel } from '../model/create-model.js';
import type { MediaModelPort } from '../model/media-port.js';
import type { ProductionMedia } from '../muse/production/media.js';
import type { Container } from '../platform/container.js';

/** A media model whose adapter loads on the first call; its names are known from the start. */
function lazyModel(names: { imageModel: string; videoModel: string }, load: () => Promise<MediaModelPort>) {
  let model: Promise<MediaModelPort> | undefined;
  const get = () => (model ??= load());
  const port: MediaModelPort = {
    ...names,
    generateImages: async (req) => (await get()).generateImages(req),
    startVideo: async (req) => (await get()).startVideo(req),
    pollVideo: async (op) => (await get()).pollVideo(op),
  };
  return port;
}

const LOCAL_NAMES = { imageModel: 'local-storyboard', videoModel: 'local-animatic' };

const media = new WeakMap<Container, ProductionMedia | null>();

export function mediaOf(app: Container): ProductionMedia | undefined {
  let m = media.get(app);
  if (m === undefined) media.set(app, (m = build(app)));
  return m ?? undefined;
}

function build(app: Container): ProductionMedia | null {
  const c = app.config.media;
  if (!c.bucket) return null;
  const { provider, location, baseUrl } = app.config.model;
  const settings = { provider, imageModel: c.imageModel, videoModel: c.videoModel, location, baseUrl };
  const names = provider === 'gemini' ? settings : LOCAL_NAMES;
  const local = () => createMediaModel({ ...settings, provider: 'local' });
  return {
    store: createGcsMediaStore({
      bucket: c.bucket,
      prefix: c.prefix,
      ...(c.storageOptions ? { storage: c.storageOptions as StorageOptions } : {}),
      signedUrlTtlSeconds: c.signedUrlTtlSeconds,
    }),
    model: lazyModel(names, () => createMediaModel(settings, { project: app.config.projectId })),
    template: lazyModel(LOCAL_NAMES, local),
    motion: c.motion,
    videoDeadlineMs: c.videoDeadlineMs,
    videoPollMs: c.videoPollMs,
    signedUrlTtlSeconds: c.signedUrlTtlSeconds,
  };
}
