/**
 * 16-bit little-endian mono PCM as bytes and as samples, and its loudness. The Live API carries
 * audio as raw PCM (16 kHz in, 24 kHz out); these helpers convert without depending on the host's
 * byte order.
 */

/** Samples of 16-bit little-endian PCM bytes (a trailing odd byte is ignored). */
export function bytesToSamples(bytes: Uint8Array): Int16Array {
  const n = bytes.length >> 1;
  const out = new Int16Array(n);
  const view = new DataView(bytes.buffer, bytes.byteOffset, n * 2);
  for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

/** 16-bit little-endian PCM bytes of samples. */
export function samplesToBytes(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, samples[i]!, true);
  return out;
}

/** Root mean square of samples[from, to), in sample units (0-32768). */
export function rms(samples: Int16Array, from = 0, to = samples.length): number {
  if (to <= from) return 0;
  let sum = 0;
  for (let i = from; i < to; i++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / (to - from));
}

/** Seconds of audio in `bytes` of 16-bit PCM at `rate`. */
export const pcmSeconds = (bytes: number, rate: number): number => bytes / 2 / rate;

/** FNV-1a over bytes: a cheap, stable fingerprint (seeds the local model's choices). */
export function fnv1a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
