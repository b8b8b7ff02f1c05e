/**
 * The live (speech-to-speech) model port: one session per talking client. Audio goes in as 16 kHz
 * 16-bit mono PCM and comes out as 24 kHz 16-bit mono PCM (little-endian both ways, as Gemini's
 * Live API speaks it). Two adapters implement it: Gemini's Live API through @google/genai
 * (`gemini-live.ts`) and a deterministic local model (`local-live.ts`), the default.
 *
 * Events arrive through the callback given to `open`; the caller runs tool calls itself and answers
 * with `sendToolResponses` (the model waits for them before finishing its turn).
 */
import type { ToolDeclaration } from '../model/port.js';

/** Sample rates of the audio the port carries. */
export const INPUT_RATE = 16_000;
export const OUTPUT_RATE = 24_000;
export const INPUT_MIME = `audio/pcm;rate=${INPUT_RATE}`;
export const OUTPUT_MIME = `audio/pcm;rate=${OUTPUT_RATE}`;

export interface LiveOpenOptions {
  /** The system instruction for the whole session. */
  system: string;
  /** The toolbox's function declarations. */
  tools: ToolDeclaration[];
}

export interface LiveToolCall {
  /** The model's id for the call; the response must carry it back. */
  id: string;
  name: string;
  args: Record<string, unknown>;
}

export interface LiveToolResponse {
  id: string;
  name: string;
  /** `{ output }` on success, `{ error }` when the tool failed (Gemini's convention). */
  response: { output: unknown } | { error: string };
}

export type LiveEvent =
  /** A chunk of the model's speech, 24 kHz PCM. */
  | { type: 'audio'; pcm: Uint8Array }
  /**
   * A piece of a transcription: `user` is what the model heard, `muse` what it says. `text` is a
   * delta (append it); `finished` marks the end of that side's transcription for the turn.
   */
  | { type: 'transcript'; role: 'user' | 'muse'; text: string; finished: boolean }
  | { type: 'tool_call'; calls: LiveToolCall[] }
  /** The model dropped these calls (the user spoke over it); their responses are not wanted. */
  | { type: 'tool_call_cancelled'; ids: string[] }
  /** The user spoke while the model was answering: the rest of the answer is dropped. */
  | { type: 'interrupted' }
  | { type: 'turn_complete' }
  /** The session ended from the model's side (or its connection failed). */
  | { type: 'closed'; reason: string; error: boolean };

export interface LiveSession {
  /** A chunk of the user's speech, 16 kHz PCM (an even number of bytes). */
  sendAudio(pcm: Uint8Array): void;
  /** The user stopped talking (microphone released): answer now. */
  endAudio(): void;
  sendToolResponses(responses: LiveToolResponse[]): void;
  /** Ends the session; no event follows. Safe to call twice. */
  close(): void;
}

export interface LiveModel {
  /** The model name used for pricing. */
  readonly model: string;
  /** Opens a session; rejects with a LiveError when it cannot be set up. */
  open(opts: LiveOpenOptions, onEvent: (event: LiveEvent) => void): Promise<LiveSession>;
}

/** A session that could not be opened. `retryable` when trying again later may work. */
export class LiveError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'LiveError';
  }
}
