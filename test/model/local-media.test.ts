import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { createLocalMediaModel, renderAnimatic, renderFrame } from '../../functions/src/model/local-media.js';
import { fontText, textPath } from '../../functions/src/model/local/pixel-font.js';
import { frameSize, storyboardSvg, usablePalette } from '../../functions/src/model/local/storyboard.js';
import {
  IMAGE_ASPECT_RATIOS,
  VIDEO_ASPECT_RATIOS,
  framingOf,
  nearestAspectRatio,
  scenePrompt,
  type Scene,
} from '../../functions/src/model/media-port.js';
import { ModelError } from '../../functions/src/model/port.js';

const scene = (over: Partial<Scene> = {}): Scene => ({
  topic: 'solarpunk balconies',
  shot: 1,
  description: 'Wide establishing shot of balconies full of plants at golden hour',
  style: 'warm film grain',
  palette: ['#e07a5f', '#f2cc8f', '#3d405b'],
  ...over,
});
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function rejects(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(
    p,
    (err: unknown) => err instanceof ModelError && !err.retryable && pattern.test(err.message),
  );
}

test('same request, same bytes: two model instances draw identical PNGs', async () => {
  const req = { scene: scene(), aspectRatio: '9:16' as const, count: 2 };
  const a = await createLocalMediaModel().generateImages(req);
  const b = await createLocalMediaModel().generateImages(structuredClone(req));
  assert.deepEqual(
    a.images.map((i) => sha(i.bytes)),
    b.images.map((i) => sha(i.bytes)),
  );
  assert.equal(a.model, 'local-storyboard');
  assert.equal(a.filtered, 0);
  assert.notEqual(sha(a.images[0]!.bytes), sha(a.images[1]!.bytes), 'a second take is a different frame');
});

test('a frame is a real PNG at the aspect ratio asked, and changes with every input it is drawn from', async () => {
  for (const ratio of IMAGE_ASPECT_RATIOS) {
    const img = await renderFrame(scene(), ratio);
    const meta = await sharp(img.bytes).metadata();
    assert.equal(meta.format, 'png');
    assert.deepEqual([meta.width, meta.height], [img.width, img.height]);
    assert.deepEqual({ width: meta.width, height: meta.height }, frameSize(ratio));
    assert.equal(Math.max(meta.width!, meta.height!), 640);
  }
  const base = sha((await renderFrame(scene(), '9:16')).bytes);
  const variants: Array<Partial<Scene>> = [
    { topic: 'night markets' },
    { shot: 2 },
    { description: 'Close-up of hands potting basil' },
    { framing: 'overhead' },
    { style: 'neon night' },
    { palette: ['#264653', '#2a9d8f', '#e9c46a'] },
  ];
  for (const v of variants)
    assert.notEqual(sha((await renderFrame(scene(v), '9:16')).bytes), base, JSON.stringify(v));
});

test('the frame draws the palette and the caption, never system fonts', () => {
  const svg = storyboardSvg(scene(), '9:16');
  assert.doesNotMatch(svg, /<text/);
  assert.match(svg, /SHOT|<path d="M/);
  const dark = usablePalette(['#3d405b'])[0];
  assert.equal(dark, '#3d405b');
  assert.equal(usablePalette(['not a colour', '#ABCDEF']).length, 3, 'short palettes are completed');
  assert.equal(usablePalette([])[0], '#d9a066');
  assert.equal(fontText('Shot 2 · café ✨'), 'SHOT 2 - CAF? ?');
  assert.equal(textPath(' ', 0, 0, 2), '');
  assert.throws(() => frameSize('wide'), /bad aspect ratio/);
});

test('framing comes from the description when not given; prompts and aspect ratios map for Vertex', () => {
  assert.equal(framingOf({ description: 'Close-up of hands potting basil' }), 'close-up');
  assert.equal(framingOf({ description: 'Overhead view of a rooftop garden' }), 'overhead');
  assert.equal(framingOf({ description: 'A neighbour waves, seen from below' }), 'low-angle');
  assert.equal(framingOf({ description: 'Wide street at dusk' }), 'wide');
  assert.equal(framingOf({ description: 'A person laughing' }), 'medium');
  assert.equal(framingOf({ description: 'Wide street', framing: 'close-up' }), 'close-up');
  assert.equal(nearestAspectRatio('4:5', IMAGE_ASPECT_RATIOS), '3:4');
  assert.equal(nearestAspectRatio('9:16', IMAGE_ASPECT_RATIOS), '9:16');
  assert.equal(nearestAspectRatio('1:1', VIDEO_ASPECT_RATIOS), '9:16');
  assert.equal(nearestAspectRatio('21:9', VIDEO_ASPECT_RATIOS), '16:9');
  assert.equal(nearestAspectRatio('garbage', IMAGE_ASPECT_RATIOS), '1:1');
  const p = scenePrompt(scene({ description: 'Balconies at dawn.' }));
  assert.match(
    p,
    /^Balconies at dawn\. medium shot, about solarpunk balconies\. Style: warm film grain\. Palette: #e07a5f/,
  );
});

test('the animatic: an animated WebP holding each storyboard frame for its shot, from a stored operation', async () => {
  const model = createLocalMediaModel();
  const storyboard = [
    { scene: scene({ shot: 1 }), durationSec: 2 },
    { scene: scene({ shot: 2, description: 'Close-up of hands potting basil' }), durationSec: 1.5 },
    { scene: scene({ shot: 3, description: 'Overhead view of a rooftop garden' }), durationSec: 3 },
  ];
  const { operation } = await model.startVideo({
    prompt: 'unused locally',
    aspectRatio: '9:16',
    durationSec: 6.5,
    storyboard,
  });
  assert.equal(operation.model, 'local-animatic');
  assert.equal(operation.durationSec, 6.5);
  assert.match(operation.name, /^local-animatic\/[0-9a-f]{8}$/);

  const stored = JSON.parse(JSON.stringify(operation));
  const done = await createLocalMediaModel().pollVideo(stored);
  assert.ok(done.done && 'videos' in done);
  const video = done.videos[0]!;
  assert.equal(video.mimeType, 'image/webp');
  assert.equal(video.durationSec, 6.5);
  const meta = await sharp(video.bytes, { animated: true }).metadata();
  assert.equal(meta.format, 'webp');
  assert.equal(meta.pages, 3);
  assert.deepEqual(meta.delay, [2000, 1500, 3000]);
  assert.equal(meta.loop, 0);
  assert.deepEqual([meta.width, meta.pageHeight], [360, 640]);

  const again = await model.pollVideo(stored);
  assert.ok(again.done && 'videos' in again);
  assert.equal(sha(again.videos[0]!.bytes), sha(video.bytes), 'same storyboard, same animatic bytes');
});

test('the animatic reuses the frames drawn at the storyboard aspect ratio', async () => {
  const model = createLocalMediaModel();
  const { operation } = await model.startVideo({
    prompt: 'p',
    aspectRatio: '9:16',
    storyboardAspectRatio: '1:1',
    durationSec: 2,
    storyboard: [{ scene: scene(), durationSec: 2 }],
  });
  const done = await model.pollVideo(operation);
  assert.ok(done.done && 'videos' in done);
  const first = await sharp(done.videos[0]!.bytes, { page: 0 }).metadata();
  assert.deepEqual([first.width, first.height], [640, 640]);
});

test('bad media requests are terminal ModelErrors naming the problem', async () => {
  const model = createLocalMediaModel();
  await rejects(model.generateImages({ scene: scene(), aspectRatio: '1:1', count: 0 }), /count must be 1-4/);
  await rejects(
    model.generateImages({ scene: scene(), aspectRatio: '1:1', count: 1.5 }),
    /count must be 1-4/,
  );
  await rejects(
    model.startVideo({ prompt: 'p', aspectRatio: '9:16', durationSec: 1, storyboard: [] }),
    /no shots/,
  );
  await rejects(
    model.startVideo({
      prompt: 'p',
      aspectRatio: '9:16',
      durationSec: 1,
      storyboard: [{ scene: scene(), durationSec: 0 }],
    }),
    /the cut lasts 0 s/,
  );
  await rejects(
    model.pollVideo({ name: 'projects/p/operations/x', model: 'veo', durationSec: 8 }),
    /not a local animatic operation/,
  );
  const frame = (await renderFrame(scene(), '1:1')).bytes;
  await rejects(renderAnimatic([], []), /at least one frame/);
  await rejects(renderAnimatic([frame], [1, 2]), /1 frames but 2 durations/);
  await rejects(renderAnimatic([frame], [-1]), /every shot needs a duration/);
});
