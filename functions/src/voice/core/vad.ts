/**
 * Voice activity by energy, for the local live model: 20 ms frames whose RMS is over a threshold are
 * voiced; speech starts after `startFrames` voiced frames in a row and ends after `hangoverFrames`
 * unvoiced ones (or when the client says the audio ended). Frames are cut from the sample stream,
 * not from the chunks it arrives in, so the same audio gives the same answer however it was split.
 */
import { rms } from './pcm.js';

export interface VadOptions {
  rate: number;
  /** RMS (sample units, 0-32768) above which a frame is voiced. Default 500 (about -36 dBFS). */
  threshold?: number;
  /** Voiced frames in a row that start speech. Default 3 (60 ms). */
  startFrames?: number;
  /** Unvoiced frames in a row that end it. Default 25 (500 ms). */
  hangoverFrames?: number;
  /** Speech longer than this is ended anyway (bounds memory). Default 60 s. */
  maxSpeechSeconds?: number;
}

export type VadEvent =
  | { type: 'speech_start' }
  /** `pcm`: the utterance from its first voiced frame to its last (trailing silence trimmed). */
  | { type: 'speech_end'; pcm: Int16Array; seconds: number };

export interface Vad {
  push(samples: Int16Array): VadEvent[];
  /** The audio stream ended: an utterance in progress ends now. */
  flush(): VadEvent[];
  readonly inSpeech: boolean;
}

const FRAME_MS = 20;

export function createVad(opts: VadOptions): Vad {
  const frameLen = Math.round((opts.rate * FRAME_MS) / 1000);
  const threshold = opts.threshold ?? 500;
  const startFrames = opts.startFrames ?? 3;
  const hangover = opts.hangoverFrames ?? 25;
  const maxFrames = Math.round(((opts.maxSpeechSeconds ?? 60) * 1000) / FRAME_MS);

  const pending = new Int16Array(frameLen);
  let pendingLen = 0;
  let inSpeech = false;
  /** Voiced frames in a row before speech starts (kept: they are the utterance's start). */
  let onset: Int16Array[] = [];
  let frames: Int16Array[] = [];
  /** Frames of `frames` up to and including the last voiced one. */
  let voicedEnd = 0;
  let silent = 0;

  function end(): VadEvent {
    const kept = frames.slice(0, voicedEnd);
    const pcm = new Int16Array(kept.length * frameLen);
    kept.forEach((f, i) => pcm.set(f, i * frameLen));
    inSpeech = false;
    frames = [];
    voicedEnd = 0;
    silent = 0;
    return { type: 'speech_end', pcm, seconds: pcm.length / opts.rate };
  }

  function frame(f: Int16Array, out: VadEvent[]): void {
    const voiced = rms(f) > threshold;
    if (!inSpeech) {
      if (!voiced) {
        onset = [];
        return;
      }
      onset.push(f);
      if (onset.length < startFrames) return;
      inSpeech = true;
      frames = onset;
      voicedEnd = frames.length;
      onset = [];
      out.push({ type: 'speech_start' });
      return;
    }
    frames.push(f);
    if (voiced) {
      voicedEnd = frames.length;
      silent = 0;
    } else if (++silent >= hangover) out.push(end());
    if (inSpeech && frames.length >= maxFrames) out.push(end());
  }

  return {
    get inSpeech() {
      return inSpeech;
    },
    push(samples) {
      const out: VadEvent[] = [];
      let i = 0;
      while (i < samples.length) {
        const n = Math.min(frameLen - pendingLen, samples.length - i);
        pending.set(samples.subarray(i, i + n), pendingLen);
        pendingLen += n;
        i += n;
        if (pendingLen === frameLen) {
          frame(pending.slice(), out);
          pendingLen = 0;
        }
      }
      return out;
    },
    flush() {
      pendingLen = 0;
      onset = [];
      return inSpeech ? [end()] : [];
    },
  };
}
