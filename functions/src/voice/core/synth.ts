/**
 * A small formant synthesiser, so the local live model answers with audible speech-like sound and
 * tests can make "speech" to send: vowels are a buzz at a falling pitch shaped by the vowel's first
 * three formants, fricatives are noise, stops are a gap and a click, and words are separated by
 * short pauses. It is not intelligible speech; it is loud where speech is loud, lasts as long as the
 * text would take to say, and is the same bytes for the same text (the noise comes from a PRNG
 * seeded by the text).
 */
import { fnv1a } from './pcm.js';

/** Formants (Hz) of the vowels and sonorants, roughly an adult speaker's. */
const FORMANTS: Record<string, [number, number, number]> = {
  a: [730, 1090, 2440],
  e: [530, 1840, 2480],
  i: [390, 1990, 2550],
  o: [570, 840, 2410],
  u: [440, 1020, 2240],
  y: [300, 2100, 2700],
  m: [250, 1200, 2200],
  n: [250, 1700, 2600],
  l: [360, 1300, 2800],
  r: [420, 1300, 1600],
  w: [300, 700, 2200],
  j: [280, 2200, 2900],
};
const VOWELS = 'aeiouy';
const FRICATIVES = 'sfzvhxc';
const STOPS = 'pbtdkgq';
const TABLE = 512;

type Segment =
  | { kind: 'voiced'; ms: number; formants: [number, number, number]; gain: number }
  | { kind: 'noise'; ms: number; gain: number }
  | { kind: 'silence'; ms: number };

/** The segments a text is said with. Digits are said as an "o"; anything else is a pause. */
export function segmentsOf(text: string): Segment[] {
  const out: Segment[] = [];
  for (const ch of text.toLowerCase()) {
    if (VOWELS.includes(ch) || /\d/.test(ch))
      out.push({ kind: 'voiced', ms: 110, formants: FORMANTS[/\d/.test(ch) ? 'o' : ch]!, gain: 0.38 });
    else if (FORMANTS[ch]) out.push({ kind: 'voiced', ms: 55, formants: FORMANTS[ch], gain: 0.22 });
    else if (FRICATIVES.includes(ch)) out.push({ kind: 'noise', ms: 70, gain: 0.09 });
    else if (STOPS.includes(ch)) out.push({ kind: 'silence', ms: 25 }, { kind: 'noise', ms: 12, gain: 0.2 });
    else if (/[.!?;:]/.test(ch)) out.push({ kind: 'silence', ms: 220 });
    else if (/[,\s-]/.test(ch)) {
      const last = out[out.length - 1];
      if (last?.kind !== 'silence') out.push({ kind: 'silence', ms: ch === ',' ? 140 : 55 });
    } else if (/\p{L}/u.test(ch)) out.push({ kind: 'voiced', ms: 80, formants: FORMANTS.a!, gain: 0.3 });
  }
  return out;
}

/** Period tables already built, by pitch (whole Hz) and formants: a reply reuses most of them. */
const tables = new Map<string, Float32Array>();
const MAX_TABLES = 2000;

/** One period of a glottal buzz shaped by three formants, normalised to a peak of 1. */
function periodTable(f0: number, formants: [number, number, number]): Float32Array {
  const key = `${f0}|${formants.join(',')}`;
  const hit = tables.get(key);
  if (hit) return hit;
  const table = new Float32Array(TABLE);
  const harmonics = Math.max(1, Math.floor(3800 / f0));
  const amps: number[] = [];
  for (let k = 1; k <= harmonics; k++) {
    const f = k * f0;
    // Resonance of each formant (bandwidth ~90 Hz), over a spectral tilt of 1/k.
    let a = 0;
    formants.forEach((F, i) => (a += (1 / (1 + ((f - F) / 90) ** 2)) * (i === 0 ? 1 : i === 1 ? 0.6 : 0.3)));
    amps.push(a / k);
  }
  let peak = 0;
  for (let s = 0; s < TABLE; s++) {
    let v = 0;
    for (let k = 1; k <= harmonics; k++) v += amps[k - 1]! * Math.sin((2 * Math.PI * k * s) / TABLE);
    table[s] = v;
    peak = Math.max(peak, Math.abs(v));
  }
  if (peak > 0) for (let s = 0; s < TABLE; s++) table[s]! /= peak;
  if (tables.size >= MAX_TABLES) tables.clear();
  tables.set(key, table);
  return table;
}

/**
 * The text said as 16-bit mono PCM samples at `rate`. The pitch falls from 150 Hz to 105 Hz over
 * the text (rising at the end of a question), as a statement's intonation does.
 */
export function synthesize(text: string, rate: number): Int16Array {
  const segments = segmentsOf(text);
  const total = segments.reduce((n, s) => n + Math.round((s.ms * rate) / 1000), 0);
  const out = new Int16Array(total);
  let seed = fnv1a(new TextEncoder().encode(text)) || 1;
  const noise = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 0x80000000 - 1;
  };
  const question = /\?\s*$/.test(text);
  const ramp = Math.round(rate * 0.008);
  let pos = 0;
  let phase = 0;
  for (const seg of segments) {
    const n = Math.round((seg.ms * rate) / 1000);
    const progress = total ? pos / total : 0;
    const f0 = Math.round(question && progress > 0.8 ? 105 + (progress - 0.8) * 300 : 150 - 45 * progress);
    const table = seg.kind === 'voiced' ? periodTable(f0, seg.formants) : undefined;
    let prev = 0;
    for (let i = 0; i < n; i++) {
      // A short fade in and out of every segment keeps the joins from clicking.
      const env = Math.min(1, i / ramp, (n - 1 - i) / ramp);
      let v = 0;
      if (table && seg.kind === 'voiced') {
        phase = (phase + f0 / rate) % 1;
        v = table[Math.floor(phase * TABLE)]! * seg.gain;
      } else if (seg.kind === 'noise') {
        // First difference of white noise: brighter, like a fricative.
        const w = noise();
        v = (w - prev) * seg.gain;
        prev = w;
      }
      out[pos + i] = Math.round(Math.max(-1, Math.min(1, v * env)) * 32767);
    }
    pos += n;
  }
  return out;
}
