/** Audio for voice tests: "speech" from the synthesiser at 16 kHz, silence, and chunking. */
import { samplesToBytes } from '../../functions/src/voice/core/pcm.js';
import { synthesize } from '../../functions/src/voice/core/synth.js';
import type { LiveEvent } from '../../functions/src/voice/port.js';

/** Speech-like 16 kHz PCM bytes for a text (the same text, the same bytes). */
export const speech = (text: string): Uint8Array => samplesToBytes(synthesize(text, 16_000));

export const silence = (seconds: number): Uint8Array => new Uint8Array(Math.round(seconds * 16_000) * 2);

/** Splits bytes into chunks of `size` (even) bytes, as a microphone would send them. */
export function chunks(bytes: Uint8Array, size = 3200): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
  return out;
}

export const concat = (parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** Collects a session's events; `until` resolves when an event matching it arrives. */
export function eventLog() {
  const events: LiveEvent[] = [];
  const waiters: Array<{ match: (e: LiveEvent) => boolean; resolve: (e: LiveEvent) => void }> = [];
  return {
    events,
    on(e: LiveEvent) {
      events.push(e);
      for (const w of waiters.filter((x) => x.match(e))) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    },
    until(match: (e: LiveEvent) => boolean): Promise<LiveEvent> {
      const seen = events.find(match);
      return seen ? Promise.resolve(seen) : new Promise((resolve) => waiters.push({ match, resolve }));
    },
    /** All audio bytes received so far, as one buffer. */
    audio(): Uint8Array {
      return concat(events.flatMap((e) => (e.type === 'audio' ? [e.pcm] : [])));
    },
    text(role: 'user' | 'muse'): string {
      return events.map((e) => (e.type === 'transcript' && e.role === role ? e.text : '')).join('');
    },
    types(): string[] {
      return events.map((e) => e.type);
    },
  };
}
