/**
 * The local model's storyboard frame: an SVG composed from the scene (palette, framing, style,
 * topic, shot number), the way a storyboard artist sketches a shot before the camera rolls. Pure
 * and seeded by the scene's hash, so the same scene always gives the same SVG, hence the same PNG.
 *
 * The composition says what it can of the scene: the palette paints sky, ground and subject; the
 * framing sets the horizon and the subject's size and place; the topic chooses the subject's shape;
 * dark or neon styles light it at night; a caption band names the shot, its framing and the topic.
 */
import type { Framing, Scene } from '../media-port.js';
import { framingOf } from '../media-port.js';
import { canonicalJson, fnv1a, seededRng, type Rng } from './hash.js';
import { GLYPH_HEIGHT, fontText, textPath, textWidth } from './pixel-font.js';

/** Long side of a local frame, in pixels: enough to read, small enough to store and send. */
export const FRAME_LONG_SIDE = 640;

export interface FrameSize {
  width: number;
  height: number;
}

/** Pixel size for an aspect ratio such as "9:16", the long side `FRAME_LONG_SIDE`, even numbers. */
export function frameSize(aspectRatio: string): FrameSize {
  const [w, h] = aspectRatio.split(':').map(Number);
  if (!w || !h || w <= 0 || h <= 0) throw new Error(`frameSize: bad aspect ratio "${aspectRatio}"`);
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  return w >= h
    ? { width: FRAME_LONG_SIDE, height: even((FRAME_LONG_SIDE * h) / w) }
    : { width: even((FRAME_LONG_SIDE * w) / h), height: FRAME_LONG_SIDE };
}

const HEX = /^#[0-9a-f]{6}$/i;

/** The palette with malformed colours dropped and at least three entries (derived when short). */
export function usablePalette(palette: readonly string[]): string[] {
  const ok = palette.filter((c) => HEX.test(c)).map((c) => c.toLowerCase());
  if (ok.length === 0) ok.push('#d9a066');
  const base = ok[0] ?? '#d9a066';
  while (ok.length < 3) ok.push(shade(ok[ok.length - 1] ?? base, ok.length % 2 ? -0.45 : 0.35));
  return ok;
}

/** Lightens (amount > 0) or darkens (amount < 0) a `#rrggbb` colour. */
export function shade(hex: string, amount: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const ch = (shift: number) => {
    const v = (n >> shift) & 0xff;
    const out = amount >= 0 ? v + (255 - v) * amount : v * (1 + amount);
    return Math.round(Math.min(255, Math.max(0, out)))
      .toString(16)
      .padStart(2, '0');
  };
  return `#${ch(16)}${ch(8)}${ch(0)}`;
}

const r1 = (n: number) => Math.round(n * 10) / 10;

interface Layout {
  horizon: number;
  subjectScale: number;
  subjectY: number;
}

function layoutFor(framing: Framing, h: number): Layout {
  switch (framing) {
    case 'wide':
      return { horizon: h * 0.62, subjectScale: 0.18, subjectY: h * 0.5 };
    case 'close-up':
      return { horizon: h * 0.78, subjectScale: 0.62, subjectY: h * 0.46 };
    case 'overhead':
      return { horizon: 0, subjectScale: 0.34, subjectY: h * 0.45 };
    case 'low-angle':
      return { horizon: h * 0.74, subjectScale: 0.42, subjectY: h * 0.4 };
    default:
      return { horizon: h * 0.66, subjectScale: 0.34, subjectY: h * 0.48 };
  }
}

type Shape = 'sun' | 'tower' | 'peak' | 'bloom';
const SHAPES: readonly Shape[] = ['sun', 'tower', 'peak', 'bloom'];

function subject(shape: Shape, cx: number, cy: number, size: number, fill: string, rng: Rng): string {
  const s = size / 2;
  switch (shape) {
    case 'sun':
      return `<circle cx="${r1(cx)}" cy="${r1(cy)}" r="${r1(s)}" fill="${fill}"/>`;
    case 'tower': {
      const w = s * 0.8;
      const windows = Array.from({ length: 4 }, (_, i) => {
        const y = cy - s + s * 0.3 + i * s * 0.4;
        return `<rect x="${r1(cx - w * 0.5)}" y="${r1(y)}" width="${r1(w)}" height="${r1(s * 0.15)}" fill="#ffffff" opacity="0.35"/>`;
      }).join('');
      return `<rect x="${r1(cx - w)}" y="${r1(cy - s)}" width="${r1(w * 2)}" height="${r1(s * 2)}" rx="${r1(w * 0.2)}" fill="${fill}"/>${windows}`;
    }
    case 'peak':
      return `<path d="M${r1(cx - s * 1.2)} ${r1(cy + s)}L${r1(cx)} ${r1(cy - s)}L${r1(cx + s * 1.2)} ${r1(cy + s)}Z" fill="${fill}"/>`;
    case 'bloom': {
      const petals = rng.int(5, 8);
      return (
        Array.from({ length: petals }, (_, i) => {
          const a = (i / petals) * Math.PI * 2;
          return `<circle cx="${r1(cx + Math.cos(a) * s * 0.55)}" cy="${r1(cy + Math.sin(a) * s * 0.55)}" r="${r1(s * 0.42)}" fill="${fill}" opacity="0.8"/>`;
        }).join('') +
        `<circle cx="${r1(cx)}" cy="${r1(cy)}" r="${r1(s * 0.3)}" fill="#ffffff" opacity="0.7"/>`
      );
    }
  }
}

/** Fits a caption line into `maxWidth` at `scale`, cutting with an ellipsis-like "..". */
function fit(text: string, scale: number, maxWidth: number): string {
  let t = fontText(text).trim();
  while (t.length > 2 && textWidth(t, scale) > maxWidth) t = `${t.slice(0, -3).trimEnd()}..`;
  return t;
}

/** Word-wraps `text` into at most `maxLines` lines that fit `maxWidth`; the last is cut when it must be. */
function wrap(text: string, scale: number, maxWidth: number, maxLines: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of fontText(text).split(/\s+/).filter(Boolean)) {
    const next = current ? `${current} ${word}` : word;
    if (textWidth(next, scale) <= maxWidth || !current) current = next;
    else {
      lines.push(current);
      current = word;
    }
  }
  if (current) lines.push(current);
  const kept = lines.slice(0, maxLines).map((l) => fit(l, scale, maxWidth));
  if (lines.length > maxLines) kept[maxLines - 1] = fit(`${kept[maxLines - 1]} ...`, scale, maxWidth);
  return kept;
}

/**
 * The SVG of one storyboard frame. `variant` (0-based) draws an alternative take of the same scene,
 * for requests of more than one image.
 */
export function storyboardSvg(scene: Scene, aspectRatio: string, variant = 0): string {
  const { width: w, height: h } = frameSize(aspectRatio);
  const framing = framingOf(scene);
  const palette = usablePalette(scene.palette);
  const [main, second, third] = palette as [string, string, string];
  const seed = fnv1a(canonicalJson({ scene: { ...scene, framing }, aspectRatio, variant }));
  const rng = seededRng(seed);
  const night = /night|neon|noir|dark|moody|moon/i.test(scene.style);
  const skyTop = night ? shade(third, -0.75) : shade(second, 0.55);
  const skyBottom = night ? shade(main, -0.35) : shade(main, 0.25);
  const ground = night ? shade(third, -0.55) : shade(third, -0.1);
  const layout = layoutFor(framing, h);
  const shape = SHAPES[fnv1a(scene.topic.toLowerCase()) % SHAPES.length] ?? 'sun';

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">`,
    `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${skyTop}"/><stop offset="1" stop-color="${skyBottom}"/></linearGradient></defs>`,
    `<rect width="${w}" height="${h}" fill="url(#sky)"/>`,
  ];
  if (framing === 'overhead') {
    // Seen from above: a ground grid instead of a horizon.
    const step = w / rng.int(5, 8);
    for (let x = step; x < w; x += step)
      parts.push(`<rect x="${r1(x)}" y="0" width="2" height="${h}" fill="${ground}" opacity="0.45"/>`);
    for (let y = step; y < h; y += step)
      parts.push(`<rect x="0" y="${r1(y)}" width="${w}" height="2" fill="${ground}" opacity="0.45"/>`);
  } else {
    parts.push(
      `<rect x="0" y="${r1(layout.horizon)}" width="${w}" height="${r1(h - layout.horizon)}" fill="${ground}"/>`,
    );
  }
  // Accents: light spots or stars, seeded, in the palette's third colour.
  const accents = rng.int(6, 14);
  for (let i = 0; i < accents; i++) {
    const x = rng.next() * w;
    const y = rng.next() * (layout.horizon || h);
    const r = 2 + rng.next() * (night ? 3 : 10);
    parts.push(
      `<circle cx="${r1(x)}" cy="${r1(y)}" r="${r1(r)}" fill="${night ? '#ffffff' : third}" opacity="${r1(0.25 + rng.next() * 0.5)}"/>`,
    );
  }
  const size = Math.min(w, h) * layout.subjectScale * (1 + (rng.next() - 0.5) * 0.2);
  const cx = w * (0.35 + rng.next() * 0.3);
  parts.push(subject(shape, cx, layout.subjectY, size, shade(main, night ? 0.2 : -0.15), rng));
  // The film frame and the caption band: shot and framing, the description (up to three lines), the topic.
  const scale = Math.max(2, Math.floor(w / 160));
  const maxWidth = w - 24;
  const lines: Array<{ text: string; fill: string }> = [
    {
      text: fit(`SHOT ${scene.shot} - ${framing}${variant ? ` - TAKE ${variant + 1}` : ''}`, scale, maxWidth),
      fill: '#ffffff',
    },
    ...wrap(scene.description, scale, maxWidth, 3).map((text) => ({ text, fill: '#e6e6e6' })),
    { text: fit(scene.topic, scale, maxWidth), fill: shade(main, 0.5) },
  ];
  const lineHeight = (GLYPH_HEIGHT + 3) * scale;
  const band = lines.length * lineHeight + 2 * scale * 4;
  let y = h - band + scale * 4 + scale;
  parts.push(`<rect x="0" y="${h - band}" width="${w}" height="${band}" fill="#000000" opacity="0.62"/>`);
  for (const line of lines) {
    parts.push(`<path d="${textPath(line.text, 12, y, scale)}" fill="${line.fill}"/>`);
    y += lineHeight;
  }
  parts.push(
    `<rect x="4" y="4" width="${w - 8}" height="${h - 8}" fill="none" stroke="#000000" stroke-opacity="0.5" stroke-width="4"/>`,
    '</svg>',
  );
  return parts.join('');
}
