/**
 * Gemini's Live API on Vertex AI through @google/genai (`ai.live.connect` with `vertexai: true`):
 * one WebSocket session per talking client, audio responses, both transcriptions on, the toolbox
 * as function declarations. The SDK is imported on the first session, not at module load.
 *
 * Voice activity is the service's own by default (it hears when the person stops, and a person
 * speaking over the muse interrupts it); `endAudio` then sends `audioStreamEnd` so the service
 * answers without waiting out its silence window. With `activity: 'manual'` the adapter marks each
 * utterance itself (`activityStart` before its first chunk, `activityEnd` at `endAudio`).
 *
 * `ai.live.connect` waits for the socket to open and for `setupComplete`; a socket that fails or is
 * closed first would leave it waiting forever, so the close and error callbacks (and a timeout)
 * settle it instead.
 */
import type { GoogleGenAI, LiveServerMessage, Session } from '@google/genai';
import { vertexClientOptions, type VertexConnection } from '../model/vertex-client.js';
import {
  INPUT_MIME,
  LiveError,
  type LiveEvent,
  type LiveModel,
  type LiveOpenOptions,
  type LiveSession,
} from './port.js';

export interface GeminiLiveOptions extends VertexConnection {
  /** A Live model id on Vertex, e.g. `gemini-live-2.5-flash`. Also the name used for pricing. */
  model: string;
  /** A prebuilt voice name (e.g. `Aoede`); the service's default when unset. */
  voice?: string;
  /** Who marks the end of an utterance; `auto` (the service) unless set. */
  activity?: 'auto' | 'manual';
  /** How long to wait for the socket and `setupComplete`. Default 10 000 ms. */
  connectTimeoutMs?: number;
}

/** Close codes after which trying again later can work (RFC 6455: 1011 error, 1012-1014 restart/overload). */
const RETRYABLE_CLOSES = new Set([1001, 1006, 1011, 1012, 1013, 1014]);

export function createGeminiLiveModel(opts: GeminiLiveOptions): LiveModel {
  let client: Promise<{ ai: GoogleGenAI; audio: string }> | undefined;
  const getClient = () =>
    (client ??= import('@google/genai').then(({ GoogleGenAI, Modality }) => ({
      audio: Modality.AUDIO,
      ai: new GoogleGenAI(vertexClientOptions(opts)),
    })));

  return {
    model: opts.model,
    async open(open, onEvent) {
      const { ai, audio } = await getClient();
      let opened = false;
      let closedByUs = false;
      let fail: (e: LiveError) => void = () => {};
      const failed = new Promise<never>((_, reject) => (fail = reject));
      // Messages the SDK hands over before `connect` returns are held until it has.
      const early: LiveEvent[] = [];
      const emit = (e: LiveEvent) => {
        if (closedByUs) return;
        if (opened) onEvent(e);
        else early.push(e);
      };
      const connecting = ai.live.connect({
        model: opts.model,
        config: connectConfig(open, opts, audio),
        callbacks: {
          onmessage: (msg) => {
            for (const e of toEvents(msg)) emit(e);
          },
          onerror: (e) => {
            if (!opened)
              fail(
                new LiveError(`Gemini Live connection failed: ${e.message}`, !/\b40[0134]\b/.test(e.message)),
              );
          },
          onclose: (e) => {
            const reason = e.reason || `closed with code ${e.code}`;
            if (!opened)
              fail(new LiveError(`Gemini Live refused the session: ${reason}`, RETRYABLE_CLOSES.has(e.code)));
            else emit({ type: 'closed', reason, error: e.code !== 1000 });
          },
        },
      });
      const timer = setTimeout(
        () => fail(new LiveError('Gemini Live did not answer the session setup in time', true)),
        opts.connectTimeoutMs ?? 10_000,
      );
      let session: Session;
      try {
        session = await Promise.race([connecting, failed]);
      } catch (err) {
        // A connection that completes after all is closed at once.
        void connecting.then((s) => s.close()).catch(() => undefined);
        throw err instanceof LiveError ? err : new LiveError(`Gemini Live: ${(err as Error).message}`, false);
      } finally {
        clearTimeout(timer);
      }
      opened = true;
      if (early.length) setImmediate(() => early.splice(0).forEach(emit));
      return liveSession(session, opts.activity ?? 'auto', () => (closedByUs = true));
    },
  };
}

function connectConfig(open: LiveOpenOptions, opts: GeminiLiveOptions, audio: string) {
  return {
    responseModalities: [audio as never],
    systemInstruction: open.system,
    ...(open.tools.length
      ? {
          tools: [
            {
              functionDeclarations: open.tools.map((t) => ({
                name: t.name,
                description: t.description,
                parameters: t.parameters,
              })),
            },
          ],
        }
      : {}),
    inputAudioTranscription: {},
    outputAudioTranscription: {},
    ...(opts.voice
      ? { speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: opts.voice } } } }
      : {}),
    ...(opts.activity === 'manual'
      ? { realtimeInputConfig: { automaticActivityDetection: { disabled: true } } }
      : {}),
  };
}

function liveSession(session: Session, activity: 'auto' | 'manual', markClosed: () => void): LiveSession {
  let closed = false;
  let speaking = false;
  // The socket may already be closing when the client sends; what is lost then is lost anyway.
  const send = (fn: () => void) => {
    if (closed) return;
    try {
      fn();
    } catch {
      // the close callback reports the end of the session
    }
  };
  return {
    sendAudio(pcm) {
      send(() => {
        if (activity === 'manual' && !speaking) session.sendRealtimeInput({ activityStart: {} });
        speaking = true;
        const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).toString('base64');
        session.sendRealtimeInput({ audio: { data, mimeType: INPUT_MIME } });
      });
    },
    endAudio() {
      send(() => {
        if (activity === 'manual') {
          if (speaking) session.sendRealtimeInput({ activityEnd: {} });
        } else session.sendRealtimeInput({ audioStreamEnd: true });
        speaking = false;
      });
    },
    sendToolResponses(responses) {
      if (!responses.length) return;
      send(() =>
        session.sendToolResponse({
          functionResponses: responses.map((r) => ({ id: r.id, name: r.name, response: r.response })),
        }),
      );
    },
    close() {
      if (closed) return;
      closed = true;
      markClosed();
      session.close();
    },
  };
}

/** The port's events in a server message, in the order a listener should see them. */
export function toEvents(msg: LiveServerMessage): LiveEvent[] {
  const out: LiveEvent[] = [];
  const content = msg.serverContent;
  if (content) {
    const heard = content.inputTranscription;
    if (heard && (heard.text || heard.finished))
      out.push({
        type: 'transcript',
        role: 'user',
        text: heard.text ?? '',
        finished: heard.finished === true,
      });
    for (const part of content.modelTurn?.parts ?? []) {
      const data = part.inlineData;
      if (data?.data && data.mimeType?.startsWith('audio/pcm')) {
        const bytes = Buffer.from(data.data, 'base64');
        out.push({ type: 'audio', pcm: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) });
      }
    }
    const said = content.outputTranscription;
    if (said && (said.text || said.finished))
      out.push({ type: 'transcript', role: 'muse', text: said.text ?? '', finished: said.finished === true });
    if (content.interrupted) out.push({ type: 'interrupted' });
    if (content.turnComplete) out.push({ type: 'turn_complete' });
  }
  const calls = msg.toolCall?.functionCalls;
  if (calls?.length)
    out.push({
      type: 'tool_call',
      calls: calls.map((c, i) => ({
        id: c.id ?? `${c.name ?? 'call'}-${i}`,
        name: c.name ?? '',
        args: c.args ?? {},
      })),
    });
  const cancelled = msg.toolCallCancellation?.ids;
  if (cancelled?.length) out.push({ type: 'tool_call_cancelled', ids: cancelled });
  return out;
}
