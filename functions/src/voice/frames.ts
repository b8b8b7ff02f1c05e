/**
 * Voice on `/stream/muse-status`: the frames added to the stream's protocol for talking to the muse
 * by voice (README, "Voice (protocol additions)"). Voice frames belong to one connection: they carry
 * no `seq` and are not replayed on resume, like `reply`.
 *
 * Client -> server:
 *   binary frame                          16 kHz 16-bit little-endian mono PCM (even length, <= 8 KiB)
 *   {"type":"audio","data":"<base64 PCM>"}  the same, for clients that send text only
 *   {"type":"audio_end"}                  the person stopped talking (microphone released): answer now
 *   {"type":"voice_stop"}                 hang up: the voice session ends and is settled
 *   The first audio of a connection starts its voice session.
 * Server -> client:
 *   {"type":"voice_started","sessionId":"...","maxSeconds":S,"inputRate":16000,"outputRate":24000}
 *   {"type":"audio","data":"<base64 PCM>","rate":24000}   the muse's speech, 24 kHz 16-bit LE mono
 *   {"type":"transcript","role":"user"|"muse","text":"...","final":bool}  the turn's text so far
 *   {"type":"tool_result","replyTo":null,"tool":"...","args":{...},"ok":bool,"result"|"error":...}
 *   {"type":"interrupted"}                the person spoke over the muse: stop playing its audio
 *   {"type":"turn_complete"}
 *   {"type":"voice_ended","reason":"...","seconds":S}
 *   {"type":"voice_error","code":"...","message":"..."}
 */
import { z } from 'zod';

/** The largest audio chunk a client may send (256 ms at 16 kHz), binary or decoded from base64. */
export const MAX_CHUNK_BYTES = 8192;
const MAX_BASE64 = Math.ceil(MAX_CHUNK_BYTES / 3) * 4;

const audioFrame = z.object({
  type: z.literal('audio'),
  data: z
    .string()
    .min(4, 'data is empty')
    .max(MAX_BASE64, `data is over ${MAX_CHUNK_BYTES} bytes of audio`)
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'data is not base64'),
  /** Optional, and only ever 16000: a client saying it sends another rate is told so. */
  rate: z.literal(16000).optional(),
});
const audioEndFrame = z.object({ type: z.literal('audio_end') });
const voiceStopFrame = z.object({ type: z.literal('voice_stop') });

export const voiceClientFrameSchema = z.discriminatedUnion('type', [
  audioFrame,
  audioEndFrame,
  voiceStopFrame,
]);
export type VoiceClientFrame = z.infer<typeof voiceClientFrameSchema>;

/** The `type`s of client frames that belong to voice (the stream's parser hands these here). */
export const VOICE_CLIENT_TYPES: ReadonlySet<string> = new Set(['audio', 'audio_end', 'voice_stop']);

/** Codes sent in `voice_error` frames. */
export type VoiceErrorCode =
  | 'invalid_frame'
  | 'bad_audio'
  | 'chunk_too_large'
  | 'rate_limited'
  | 'breaker_open'
  | 'not_funded'
  | 'busy'
  | 'model_unavailable'
  | 'model_closed'
  | 'tool_failed';

/** Why a voice session ended. */
export type VoiceEndReason =
  'stopped' | 'session_limit' | 'idle' | 'model_closed' | 'disconnected' | 'shutdown';

export type ParsedVoiceFrame =
  { ok: true; frame: VoiceClientFrame } | { ok: false; code: VoiceErrorCode; message: string };

/** Validates a voice client frame already parsed from JSON. Never throws. */
export function parseVoiceFrame(json: unknown): ParsedVoiceFrame {
  const parsed = voiceClientFrameSchema.safeParse(json);
  if (parsed.success) return { ok: true, frame: parsed.data };
  const message = parsed.error.issues
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
    .join('; ');
  return { ok: false, code: 'invalid_frame', message };
}

// Server frames. Schemas too, so tests and the page's typings check what the server sends.
export const serverVoiceFrameSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('voice_started'),
    sessionId: z.string(),
    maxSeconds: z.number(),
    inputRate: z.literal(16000),
    outputRate: z.literal(24000),
  }),
  z.object({ type: z.literal('audio'), data: z.string(), rate: z.literal(24000) }),
  z.object({
    type: z.literal('transcript'),
    role: z.enum(['user', 'muse']),
    text: z.string(),
    final: z.boolean(),
  }),
  z.object({
    type: z.literal('tool_result'),
    replyTo: z.null(),
    tool: z.string(),
    args: z.record(z.string(), z.unknown()),
    ok: z.boolean(),
    result: z.unknown().optional(),
    error: z.string().optional(),
  }),
  z.object({ type: z.literal('interrupted') }),
  z.object({ type: z.literal('turn_complete') }),
  z.object({ type: z.literal('voice_ended'), reason: z.string(), seconds: z.number() }),
  z.object({ type: z.literal('voice_error'), code: z.string(), message: z.string() }),
]);
export type ServerVoiceFrame = z.infer<typeof serverVoiceFrameSchema>;

export const voiceStartedFrame = (sessionId: string, maxSeconds: number) =>
  JSON.stringify({ type: 'voice_started', sessionId, maxSeconds, inputRate: 16000, outputRate: 24000 });

export const audioOutFrame = (pcm: Uint8Array) =>
  `{"type":"audio","data":"${Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64')}","rate":24000}`;

export const transcriptFrame = (role: 'user' | 'muse', text: string, final: boolean) =>
  JSON.stringify({ type: 'transcript', role, text, final });

/** The same shape as the typed talk's `tool_result`, so the page renders both alike. */
export const voiceToolResultFrame = (
  tool: string,
  args: Record<string, unknown>,
  outcome: { ok: true; result: unknown } | { ok: false; error: string },
) => JSON.stringify({ type: 'tool_result', replyTo: null, tool, args, ...outcome });

export const interruptedFrame = () => '{"type":"interrupted"}';
export const turnCompleteFrame = () => '{"type":"turn_complete"}';

export const voiceEndedFrame = (reason: VoiceEndReason, seconds: number) =>
  JSON.stringify({ type: 'voice_ended', reason, seconds: Math.round(seconds * 10) / 10 });

export const voiceErrorFrame = (code: VoiceErrorCode, message: string) =>
  JSON.stringify({ type: 'voice_error', code, message });
