/**
 * Voice sessions: one live model session per talking connection, within bounds (chunk size, bytes
 * per second, session length, idle time, sessions per instance) and paid for: the breaker is asked
 * before a session starts, its longest possible length is reserved, and what it really lasted is
 * settled when it ends, however it ends. Tool calls run through the toolbox, and their results go
 * both to the model and to the client as `tool_result` frames.
 *
 * The first audio of a connection starts its session; audio that arrives while it opens is queued
 * (up to `pendingBytes`). After a refusal (breaker, wallet, model) the rest of that utterance is
 * dropped without asking again; the next `audio_end` clears the refusal.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../platform/log.js';
import { createByteBudget } from './core/byte-budget.js';
import {
  MAX_CHUNK_BYTES,
  voiceEndedFrame,
  voiceErrorFrame,
  voiceStartedFrame,
  type VoiceClientFrame,
  type VoiceEndReason,
  type VoiceErrorCode,
} from './frames.js';
import type { LiveModel, LiveSession } from './port.js';
import { createRelay, type VoiceToolbox } from './relay.js';

export type { VoiceToolbox };

/** What voice costs: wired to the CFO wallet by the composition root. */
export interface VoiceCost {
  /** True while the circuit breaker holds: no session starts. */
  breakerOpen(): Promise<boolean>;
  /** Reserves `minutes` of live model time for the session (idempotent on `sessionId`). */
  reserve(sessionId: string, minutes: number): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Settles the reservation at what the session really used (0 when it never opened). */
  settle(sessionId: string, actualMinutes: number): Promise<void>;
}

export interface VoiceLimits {
  /** Largest audio chunk, in bytes. */
  maxChunkBytes: number;
  /** Audio bytes per second a connection may send (real time is 32,000), and the burst above it. */
  bytesPerSecond: number;
  burstBytes: number;
  /** Longest session; it is what is reserved. */
  maxSessionSeconds: number;
  /** A session with no audio either way for this long ends. */
  idleSeconds: number;
  /** Concurrent sessions per instance. */
  maxSessions: number;
  /** Audio kept while a session opens. */
  pendingBytes: number;
  /** Tool calls run per model request; more are answered with an error. */
  maxToolCalls: number;
}

export const DEFAULT_VOICE_LIMITS: VoiceLimits = Object.freeze({
  maxChunkBytes: MAX_CHUNK_BYTES,
  // 1.5x real time with 2 s of burst: a person talking never hits it, a flood does at once.
  bytesPerSecond: 48_000,
  burstBytes: 64_000,
  maxSessionSeconds: 300,
  idleSeconds: 60,
  maxSessions: 200,
  pendingBytes: 64_000,
  maxToolCalls: 4,
});

export interface VoiceConnection {
  /** A binary audio frame (or a decoded `audio` frame): 16 kHz 16-bit LE mono PCM. */
  audio(pcm: Uint8Array): void;
  /** A parsed voice client frame. */
  frame(frame: VoiceClientFrame): void;
  /** The socket is gone: the session ends and is settled. */
  close(): Promise<void>;
  readonly talking: boolean;
}

export interface VoiceSessions {
  /** A connection's voice; `send` writes one text frame to its socket. */
  connect(send: (text: string) => void): VoiceConnection;
  /** Sessions open or opening on this instance. */
  readonly active: number;
  /** Ends every session (instance shutdown) and waits for their settlements. */
  shutdown(): Promise<void>;
}

export const VOICE_SYSTEM = [
  'You are the muse, an autonomous AI content creator, talking by voice with a visitor of your status page.',
  'Answer briefly and warmly, in a sentence or two. When the visitor asks to see something, use a tool:',
  'show_asset for a staged piece, get_status for how you are doing, list_intents for what you plan,',
  "explain_last_verdict for the critic's last judgement. You cannot change anything from here.",
].join(' ');

/** One voice session of a connection, from its start to its settlement. */
interface Talk {
  id: string;
  startedAt: number;
  session?: LiveSession;
  timers: NodeJS.Timeout[];
  idle?: NodeJS.Timeout;
  ended?: Promise<void>;
}

export function createVoiceSessions(deps: {
  live: LiveModel;
  toolbox: VoiceToolbox;
  cost: VoiceCost;
  log: Logger;
  limits?: Partial<VoiceLimits>;
  system?: string;
  now?: () => number;
  newId?: () => string;
}): VoiceSessions {
  const limits: VoiceLimits = { ...DEFAULT_VOICE_LIMITS, ...deps.limits };
  const now = deps.now ?? Date.now;
  const newId = deps.newId ?? randomUUID;
  const conns = new Set<{ end(reason: VoiceEndReason): Promise<void> }>();
  let active = 0;
  let stopping = false;

  function connect(send: (text: string) => void): VoiceConnection {
    const budget = createByteBudget(limits, now());
    // audio_end and voice_stop skip the stream's frame bucket with the audio, so they get their own.
    const controls = createByteBudget({ burstBytes: 10, bytesPerSecond: 2 }, now());
    let state: 'idle' | 'starting' | 'open' | 'refused' = 'idle';
    let gone = false;
    let lastErrorAt = -Infinity;
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let endPending = false;
    /** voice_stop arrived while the session was still starting: it ends as soon as it can. */
    let stopPending = false;
    let current: Talk | undefined;

    const out = (text: string) => {
      if (!gone) send(text);
    };
    /** Bounds-errors are sent at most once a second: a flood must not be answered by a flood. */
    const complain = (code: VoiceErrorCode, message: string) => {
      const t = now();
      if (t - lastErrorAt < 1000) return;
      lastErrorAt = t;
      out(voiceErrorFrame(code, message));
    };

    function touch(): void {
      if (!current) return;
      if (current.idle) clearTimeout(current.idle);
      current.idle = setTimeout(() => void end('idle'), limits.idleSeconds * 1000).unref();
    }

    async function start(): Promise<void> {
      if (stopping) return refuse('busy', 'the server is restarting; reconnect and talk again');
      if (active >= limits.maxSessions)
        return refuse('busy', 'too many people are talking to the muse; try again soon');
      active++;
      const id = newId();
      const s: Talk = { id, startedAt: now(), timers: [] };
      current = s;
      state = 'starting';
      stopPending = false;
      let reserved = false;
      try {
        if (await deps.cost.breakerOpen())
          return release(s, 'breaker_open', 'the muse is paused: the circuit breaker holds');
        const r = await deps.cost.reserve(id, limits.maxSessionSeconds / 60);
        if (!r.ok) return release(s, 'not_funded', `the wallet cannot pay for a voice session: ${r.reason}`);
        reserved = true;
        if (gone || stopping) return release(s, undefined, undefined, true);
        if (stopPending) {
          // Hung up before the model was asked: nothing to open, the reservation settled at 0.
          await release(s, undefined, undefined, true);
          out(voiceEndedFrame('stopped', 0));
          return;
        }
        const session = await deps.live.open(
          { system: deps.system ?? VOICE_SYSTEM, tools: deps.toolbox.declarations },
          createRelay({
            out,
            toolbox: deps.toolbox,
            maxToolCalls: limits.maxToolCalls,
            session: () => s.session,
            live: () => !s.ended,
            onActivity: touch,
            onClosed: () => void end('model_closed', s),
          }),
        );
        s.startedAt = now();
        s.session = session;
        if (gone || stopping || current !== s) return end(stopping ? 'shutdown' : 'disconnected', s);
        if (stopPending) return end('stopped', s); // hung up while the model was opening
      } catch (err) {
        deps.log.warn('voice session could not start', { err });
        return release(
          s,
          reserved ? 'model_unavailable' : 'not_funded',
          reserved
            ? 'the muse cannot talk just now; try again'
            : 'the wallet could not be checked; try again',
          reserved,
        );
      }
      state = 'open';
      out(voiceStartedFrame(id, limits.maxSessionSeconds));
      s.timers.push(setTimeout(() => void end('session_limit'), limits.maxSessionSeconds * 1000).unref());
      touch();
      for (const chunk of pending) s.session?.sendAudio(chunk);
      pending = [];
      pendingBytes = 0;
      if (endPending) s.session?.endAudio();
      endPending = false;
    }

    /** A start that did not happen: the slot is freed, a reservation settled at 0, the client told. */
    async function release(s: Talk, code?: VoiceErrorCode, message?: string, settle = false): Promise<void> {
      active--;
      if (current === s) current = undefined;
      pending = [];
      pendingBytes = 0;
      if (settle) await settleSafely(s.id, 0);
      if (code && message) refuse(code, message);
      else state = 'idle';
    }

    function refuse(code: VoiceErrorCode, message: string): void {
      state = 'refused';
      endPending = false;
      out(voiceErrorFrame(code, message));
    }

    async function settleSafely(id: string, minutes: number): Promise<void> {
      try {
        await deps.cost.settle(id, minutes);
      } catch (err) {
        // The reservation stays held until the heartbeat sweep settles its hold (voice/holds.ts).
        deps.log.error('voice session settlement failed', { err, sessionId: id, minutes });
      }
    }

    function end(reason: VoiceEndReason, s = current): Promise<void> {
      if (!s?.session) return Promise.resolve();
      return (s.ended ??= (async () => {
        for (const t of s.timers) clearTimeout(t);
        if (s.idle) clearTimeout(s.idle);
        s.session?.close();
        if (current === s) {
          current = undefined;
          state = 'idle';
        }
        active--;
        const seconds = (now() - s.startedAt) / 1000;
        out(voiceEndedFrame(reason, seconds));
        await settleSafely(s.id, seconds / 60);
      })());
    }

    const self = {
      end: (reason: VoiceEndReason) => end(reason),
    };
    conns.add(self);

    function audio(pcm: Uint8Array): void {
      if (gone) return;
      if (pcm.length === 0 || pcm.length % 2)
        return complain('bad_audio', 'audio must be 16-bit PCM: an even, non-zero number of bytes');
      if (pcm.length > limits.maxChunkBytes)
        return complain('chunk_too_large', `audio chunks are at most ${limits.maxChunkBytes} bytes`);
      if (!budget.take(pcm.length, now()))
        return complain(
          'rate_limited',
          `audio is limited to ${limits.bytesPerSecond} bytes a second; chunk dropped`,
        );
      if (state === 'refused') return;
      if (state === 'open') {
        touch();
        return current?.session?.sendAudio(pcm);
      }
      if (pendingBytes + pcm.length <= limits.pendingBytes) {
        pending.push(pcm);
        pendingBytes += pcm.length;
      }
      if (state === 'idle') void start();
    }

    return {
      get talking() {
        return state === 'open' || state === 'starting';
      },
      audio,
      frame(frame) {
        if (gone) return;
        if (frame.type !== 'audio' && !controls.take(1, now()))
          return complain('rate_limited', `too many ${frame.type} frames; at most 2 a second`);
        switch (frame.type) {
          case 'audio': {
            const bytes = Buffer.from(frame.data, 'base64');
            return audio(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
          }
          case 'audio_end':
            if (state === 'refused') state = 'idle';
            else if (state === 'starting') endPending = true;
            else if (state === 'open') current?.session?.endAudio();
            return;
          case 'voice_stop':
            if (state === 'refused') state = 'idle';
            else if (state === 'starting') stopPending = true;
            void end('stopped');
            return;
        }
      },
      async close() {
        gone = true;
        conns.delete(self);
        await end('disconnected');
      },
    };
  }

  return {
    connect,
    get active() {
      return active;
    },
    async shutdown() {
      stopping = true;
      await Promise.all([...conns].map((c) => c.end('shutdown')));
    },
  };
}
