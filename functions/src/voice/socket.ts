/**
 * The joint between a stream socket and voice: a client message is voice when it is binary (raw
 * 16 kHz PCM) or a JSON frame whose `type` is a voice type. The stream's message handler asks this
 * first and parses everything else itself; voice frames bypass its per-frame token bucket (audio
 * arrives ~10 times a second) because the voice session bounds them by bytes per second instead.
 */
import { parseVoiceFrame, VOICE_CLIENT_TYPES, voiceErrorFrame } from './frames.js';
import type { VoiceConnection } from './sessions.js';

/** Handles the message when it is voice and returns true; false means "not voice, parse it yourself". */
export function routeVoiceMessage(
  voice: VoiceConnection,
  data: Buffer,
  isBinary: boolean,
  send: (text: string) => void,
): boolean {
  if (isBinary) {
    guarded(send, () => voice.audio(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
    return true;
  }
  // Cheap test before a parse: most non-voice frames are `say` and `resume`.
  const text = data.toString('utf8');
  if (!/"type"\s*:\s*"(audio|audio_end|voice_stop)"/.test(text)) return false;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return false;
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !VOICE_CLIENT_TYPES.has(type)) return false;
  const parsed = parseVoiceFrame(json);
  if (!parsed.ok) send(voiceErrorFrame(parsed.code, parsed.message));
  else guarded(send, () => voice.frame(parsed.frame));
  return true;
}

/**
 * A live model that throws while audio is handed over must cost the client its turn, not the
 * stream server its process: this runs in the socket's message handler.
 */
function guarded(send: (text: string) => void, hand: () => void): void {
  try {
    hand();
  } catch {
    send(voiceErrorFrame('model_closed', 'the live model failed; start talking again'));
  }
}
