/**
 * The deterministic local live model (the default; no cloud): it hears speech by energy, answers at
 * the end of each utterance with synthesised speech (24 kHz PCM) and transcripts of both sides,
 * and asks for a tool when a rule says so, waiting for the response before it speaks. The same
 * audio in gives the same bytes out. Its answer streams at `pace` times real time, so speaking
 * over it interrupts it as it would interrupt Gemini.
 */
import {
  afterTool,
  DEFAULT_RULES,
  greeting,
  placeholderTranscript,
  type LocalReply,
  type LocalRule,
  type LocalTurn,
} from './core/local-reply.js';
import { bytesToSamples, fnv1a, samplesToBytes } from './core/pcm.js';
import { synthesize } from './core/synth.js';
import { createVad, type VadEvent, type VadOptions } from './core/vad.js';
import {
  INPUT_RATE,
  OUTPUT_RATE,
  type LiveEvent,
  type LiveModel,
  type LiveSession,
  type LiveToolResponse,
} from './port.js';

export const LOCAL_LIVE_MODEL = 'local-live-1';

export interface LocalLiveOptions {
  /** Tried before the defaults (`DEFAULT_RULES`); the first that answers wins. */
  rules?: LocalRule[];
  /** Test hook: the transcript of an utterance (default: "(1.2 s of speech)"). */
  transcribe?: (turn: { index: number; seconds: number; pcm: Int16Array }) => string | undefined;
  /** Output speed as a multiple of real time. Default 4; `Infinity` sends the answer at once. */
  pace?: number;
  /** Audio per output chunk. Default 100 ms. */
  chunkMs?: number;
  vad?: Omit<VadOptions, 'rate'>;
  /** How long to wait for a tool response before answering without it. Default 15 s. */
  toolTimeoutMs?: number;
}

export function createLocalLiveModel(opts: LocalLiveOptions = {}): LiveModel {
  return {
    model: LOCAL_LIVE_MODEL,
    open(open, onEvent) {
      const declared = new Set(open.tools.map((t) => t.name));
      return Promise.resolve(createSession(opts, declared, onEvent));
    },
  };
}

function createSession(
  opts: LocalLiveOptions,
  declared: Set<string>,
  onEvent: (e: LiveEvent) => void,
): LiveSession {
  const rules = [...(opts.rules ?? []), ...DEFAULT_RULES];
  const pace = opts.pace ?? 4;
  const chunkBytes = Math.round(((opts.chunkMs ?? 100) * OUTPUT_RATE) / 1000) * 2;
  const vad = createVad({ rate: INPUT_RATE, ...opts.vad });
  let closed = false;
  let turns = 0;
  /** What the model is doing between utterances. */
  let busy:
    | { kind: 'tool'; id: string; name: string; cancel: () => void }
    | { kind: 'speaking'; cancel: () => void }
    | undefined;

  const emit = (e: LiveEvent) => {
    if (!closed) onEvent(e);
  };

  function stop(): void {
    if (!busy) return;
    busy.cancel();
    busy = undefined;
  }

  function interrupt(): void {
    if (!busy) return;
    const was = busy;
    stop();
    if (was.kind === 'tool') emit({ type: 'tool_call_cancelled', ids: [was.id] });
    emit({ type: 'interrupted' });
    emit({ type: 'turn_complete' });
  }

  function heard(events: VadEvent[]): void {
    for (const e of events) {
      if (e.type === 'speech_start') interrupt();
      else answer(e.pcm, e.seconds);
    }
  }

  function answer(pcm: Int16Array, seconds: number): void {
    const index = ++turns;
    const transcript = opts.transcribe?.({ index, seconds, pcm }) ?? placeholderTranscript(seconds);
    const turn: LocalTurn = { index, transcript, seconds, pcm };
    emit({ type: 'transcript', role: 'user', text: transcript, finished: true });
    let reply: LocalReply = { text: greeting(turn) };
    for (const rule of rules) {
      const r = rule(turn);
      if (r && (!r.tool || declared.has(r.tool.name))) {
        reply = r;
        break;
      }
    }
    if (!reply.tool) return speak(reply.text);
    const bytes = new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    const id = `call-${index}-${fnv1a(bytes).toString(16)}`;
    const { name } = reply.tool;
    const cancel = schedule(() => {
      busy = undefined;
      speak(afterTool(name, { error: 'the tool did not answer in time' }));
    }, opts.toolTimeoutMs ?? 15_000);
    busy = { kind: 'tool', id, name, cancel };
    emit({ type: 'transcript', role: 'muse', text: `${reply.text} `, finished: false });
    emit({ type: 'tool_call', calls: [{ id, name, args: reply.tool.args }] });
  }

  /** Streams the text as audio chunks, each with the words said in it. */
  function speak(text: string): void {
    const audio = samplesToBytes(synthesize(text, OUTPUT_RATE));
    const words = text.split(/(?<=\s)/);
    const chunks = Math.max(1, Math.ceil(audio.length / chunkBytes));
    let sentWords = 0;
    let i = 0;
    const next = () => {
      if (closed) return;
      const pcm = audio.subarray(i * chunkBytes, Math.min(audio.length, (i + 1) * chunkBytes));
      i++;
      const upTo = Math.round((words.length * i) / chunks);
      const said = words.slice(sentWords, upTo).join('');
      sentWords = upTo;
      emit({ type: 'audio', pcm });
      if (said) emit({ type: 'transcript', role: 'muse', text: said, finished: false });
      if (i < chunks) {
        busy = { kind: 'speaking', cancel: schedule(next, ((chunkBytes / 2 / OUTPUT_RATE) * 1000) / pace) };
        return;
      }
      busy = undefined;
      emit({ type: 'transcript', role: 'muse', text: '', finished: true });
      emit({ type: 'turn_complete' });
    };
    // Never from inside the caller's sendAudio: events arrive on their own tick, as from a socket.
    busy = { kind: 'speaking', cancel: schedule(next, 0) };
  }

  return {
    sendAudio(pcm) {
      if (closed) return;
      heard(vad.push(bytesToSamples(pcm)));
    },
    endAudio() {
      if (closed) return;
      heard(vad.flush());
    },
    sendToolResponses(responses: LiveToolResponse[]) {
      if (closed || busy?.kind !== 'tool') return;
      const { id, name } = busy;
      const match = responses.find((r) => r.id === id);
      if (!match) return;
      stop();
      speak(afterTool(name, match.response));
    },
    close() {
      stop();
      closed = true;
    },
  };
}

/** Runs `fn` after `ms` (on the next turn of the event loop below 1 ms); returns its cancel. */
function schedule(fn: () => void, ms: number): () => void {
  if (Number.isFinite(ms) && ms >= 1) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  }
  const t = setImmediate(fn);
  return () => clearImmediate(t);
}
