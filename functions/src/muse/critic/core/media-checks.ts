/**
 * What the critic can compute about a production's pictures without a model: the frames were
 * drawn in the Bible's palette, there is one per shot, each has the spec's aspect ratio, and the
 * clip lasts what the cut says. A failed check rejects the draft, whichever critic ran. Pure.
 */
import type { MediaItem } from '../../production/media.js';
import type { Generation } from '../../production/core/specs.js';

export interface MediaCheck {
  check: 'palette' | 'shot-count' | 'aspect-ratio' | 'durations';
  ok: boolean;
  detail: string;
}

export interface MediaFacts {
  frames: MediaItem[];
  /** The palette the frames were asked in, and their aspect ratio. */
  palette: string[];
  aspectRatio: string;
  clip?: MediaItem;
  /** Images the provider withheld (its filters): shots without a frame, not drift. */
  withheld: number;
  /** Frames drawn for at most this many shots. */
  maxFrames: number;
  /** Veo's clip lengths; the animatic lasts the cut. */
  clipRange: { min: number; max: number };
}

const ratio = (r: string) => {
  const [w, h] = r.split(':').map(Number);
  return w && h ? w / h : Number.NaN;
};

export function mediaChecks(gen: Generation, bible: { palette: string[] }, f: MediaFacts): MediaCheck[] {
  const checks: MediaCheck[] = [];
  const want = bible.palette.map((c) => c.toLowerCase());
  const got = f.palette.map((c) => c.toLowerCase());
  const missing = want.filter((c) => !got.includes(c));
  checks.push({
    check: 'palette',
    ok: want.length > 0 && missing.length === 0,
    detail: missing.length ? `frames drawn without ${missing.join(', ')}` : `${want.length} colours`,
  });
  const shots = Math.min(gen.visual.shots.length, f.maxFrames);
  checks.push({
    check: 'shot-count',
    ok: f.frames.length + f.withheld === shots,
    detail: `${f.frames.length} frame(s) for ${shots} shot(s)${f.withheld ? `, ${f.withheld} withheld` : ''}`,
  });
  const target = ratio(f.aspectRatio);
  const off = f.frames.filter(
    (fr) => !fr.width || !fr.height || Math.abs(fr.width / fr.height / target - 1) > 0.02,
  );
  checks.push({
    check: 'aspect-ratio',
    ok: off.length === 0,
    detail: off.length
      ? `shot(s) ${off.map((fr) => fr.shot).join(', ')} not ${f.aspectRatio}`
      : `every frame ${f.aspectRatio}`,
  });
  if (f.clip?.durationSec !== undefined) {
    const d = f.clip.durationSec;
    const cut = gen.visual.shots
      .slice(0, f.maxFrames)
      .reduce(
        (n, s, i) => n + (gen.motion.timing.cuts.find((c) => c.shot === i + 1)?.durationSec ?? s.durationSec),
        0,
      );
    const ok =
      f.clip.kind === 'animatic' ? Math.abs(d - cut) <= 0.05 : d >= f.clipRange.min && d <= f.clipRange.max;
    checks.push({
      check: 'durations',
      ok,
      detail:
        f.clip.kind === 'animatic'
          ? `animatic ${d} s for a ${cut} s cut`
          : `clip ${d} s (allowed ${f.clipRange.min}-${f.clipRange.max} s)`,
    });
  }
  return checks;
}

export const describeChecks = (checks: MediaCheck[]): string =>
  checks
    .filter((c) => !c.ok)
    .map((c) => `${c.check}: ${c.detail}`)
    .join('; ');
