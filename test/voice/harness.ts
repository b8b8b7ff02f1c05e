/**
 * Voice sessions served over a real WebSocket on port 0, wired as the stream socket wires them
 * (`routeVoiceMessage` first, then its own frames), with a cost recorder and a small toolbox.
 */
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { createLogger } from '../../functions/src/platform/log.js';
import { serverVoiceFrameSchema, type ServerVoiceFrame } from '../../functions/src/voice/frames.js';
import type { LiveModel } from '../../functions/src/voice/port.js';
import {
  createVoiceSessions,
  type VoiceCost,
  type VoiceLimits,
  type VoiceSessions,
  type VoiceToolbox,
} from '../../functions/src/voice/sessions.js';
import { routeVoiceMessage } from '../../functions/src/voice/socket.js';
import { chunks } from './audio.js';

export const TOOLS = [
  { name: 'show_asset', description: 'Shows a staged asset', parameters: { type: 'object', properties: {} } },
  { name: 'get_status', description: 'The muse status', parameters: { type: 'object', properties: {} } },
];

/** A toolbox of two tools: show_asset finds "Dawn", get_status fails. Calls are recorded. */
export function testToolbox(): VoiceToolbox & { calls: Array<[string, Record<string, unknown>]> } {
  const calls: Array<[string, Record<string, unknown>]> = [];
  return {
    calls,
    declarations: TOOLS,
    run(name, args) {
      calls.push([name, args]);
      if (name === 'show_asset') return Promise.resolve({ id: 'a1', title: 'Dawn' });
      return Promise.reject(new Error('the status is unavailable'));
    },
  };
}

/** Records what voice reserved and settled; the breaker and the wallet's answer are settable. */
export function costRecorder() {
  const rec = {
    breaker: false,
    refuse: undefined as string | undefined,
    reserved: [] as Array<[string, number]>,
    settled: [] as Array<[string, number]>,
    settledWaiters: [] as Array<() => void>,
  };
  const cost: VoiceCost = {
    breakerOpen: () => Promise.resolve(rec.breaker),
    reserve(id, minutes) {
      if (rec.refuse) return Promise.resolve({ ok: false, reason: rec.refuse });
      rec.reserved.push([id, minutes]);
      return Promise.resolve({ ok: true });
    },
    settle(id, minutes) {
      rec.settled.push([id, minutes]);
      rec.settledWaiters.splice(0).forEach((w) => w());
      return Promise.resolve();
    },
  };
  const settledOnce = () =>
    rec.settled.length ? Promise.resolve() : new Promise<void>((r) => rec.settledWaiters.push(r));
  return { rec, cost, settledOnce };
}

export interface Served {
  url: string;
  voice: VoiceSessions;
  /** Text frames that were not voice, as the stream would have parsed them. */
  notVoice: string[];
  stop(): Promise<void>;
}

export async function serveVoice(deps: {
  live: LiveModel;
  cost: VoiceCost;
  toolbox?: VoiceToolbox;
  limits?: Partial<VoiceLimits>;
}): Promise<Served> {
  const voice = createVoiceSessions({
    live: deps.live,
    cost: deps.cost,
    toolbox: deps.toolbox ?? testToolbox(),
    limits: deps.limits,
    log: createLogger({ level: 'error', projectId: 'voice-test' }),
  });
  const notVoice: string[] = [];
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 16 * 1024 });
  wss.on('connection', (ws) => {
    const send = (text: string) => ws.send(text);
    const conn = voice.connect(send);
    ws.on('message', (data, isBinary) => {
      if (!routeVoiceMessage(conn, data as Buffer, isBinary, send)) notVoice.push(String(data));
    });
    ws.on('close', () => void conn.close());
    ws.on('error', () => undefined); // as the stream server: a frame over maxPayload closes the socket (1009)
  });
  await new Promise<void>((r) => wss.once('listening', r));
  return {
    url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    voice,
    notVoice,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** A talking client: every frame it receives is checked against the documented schema. */
export async function voiceClient(url: string) {
  const ws = new WebSocket(url);
  const frames: ServerVoiceFrame[] = [];
  const bad: string[] = [];
  const waiters: Array<{ match: (f: ServerVoiceFrame) => boolean; resolve: (f: ServerVoiceFrame) => void }> =
    [];
  ws.on('message', (data) => {
    const parsed = serverVoiceFrameSchema.safeParse(JSON.parse(String(data)));
    if (!parsed.success) return void bad.push(String(data));
    frames.push(parsed.data);
    for (const w of waiters.filter((x) => x.match(parsed.data))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(parsed.data);
    }
  });
  const closed = new Promise<void>((r) => ws.once('close', () => r()));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return {
    ws,
    frames,
    bad,
    closed,
    until<T extends ServerVoiceFrame['type']>(
      type: T,
      match: (f: Extract<ServerVoiceFrame, { type: T }>) => boolean = () => true,
    ): Promise<Extract<ServerVoiceFrame, { type: T }>> {
      const ok = (f: ServerVoiceFrame) =>
        f.type === type && match(f as Extract<ServerVoiceFrame, { type: T }>);
      const seen = frames.find(ok);
      if (seen) return Promise.resolve(seen as Extract<ServerVoiceFrame, { type: T }>);
      return new Promise((resolve) =>
        waiters.push({ match: ok, resolve: resolve as (f: ServerVoiceFrame) => void }),
      );
    },
    /** Sends speech as binary chunks (or as base64 `audio` frames), then `audio_end` unless told not to. */
    say(pcm: Uint8Array, opts: { json?: boolean; end?: boolean } = {}) {
      for (const c of chunks(pcm)) {
        if (opts.json) ws.send(JSON.stringify({ type: 'audio', data: Buffer.from(c).toString('base64') }));
        else ws.send(c);
      }
      if (opts.end !== false) ws.send(JSON.stringify({ type: 'audio_end' }));
    },
    send: (frame: unknown) => ws.send(JSON.stringify(frame)),
    audio(): Uint8Array {
      return new Uint8Array(
        Buffer.concat(frames.flatMap((f) => (f.type === 'audio' ? [Buffer.from(f.data, 'base64')] : []))),
      );
    },
    types: () => frames.map((f) => f.type),
    close() {
      ws.close();
      return closed;
    },
  };
}
