/**
 * A local WebSocket server speaking the Gemini Live API's wire format as Vertex AI serves it
 * (`/ws/google.cloud.aiplatform.v1.LlmBidiService/BidiGenerateContent`), for testing code that uses
 * the real @google/genai SDK (`vertexai: true`, `httpOptions.baseUrl: server.url`). Behind the wire
 * sits a LiveModel (default: the deterministic local one, answering at once), so the adapter is
 * tested end to end against the same answers the local model gives directly.
 *
 *   client -> server: {"setup":{model, generationConfig:{responseModalities}, systemInstruction,
 *                      tools:[{functionDeclarations}], inputAudioTranscription, outputAudioTranscription,
 *                      realtimeInputConfig?}}
 *                     {"realtimeInput":{"audio":{"data":b64,"mimeType":"audio/pcm;rate=16000"}}}
 *                     {"realtimeInput":{"audioStreamEnd":true}} | {"activityStart":{}} | {"activityEnd":{}}
 *                     {"toolResponse":{"functionResponses":[{id,name,response}]}}
 *   server -> client: {"setupComplete":{}}
 *                     {"serverContent":{"modelTurn":{"parts":[{"inlineData":{"mimeType":"audio/pcm;rate=24000","data":b64}}]}}}
 *                     {"serverContent":{"inputTranscription":{"text","finished"}}} (and outputTranscription)
 *                     {"serverContent":{"interrupted":true}}, {"serverContent":{"generationComplete":true}},
 *                     {"serverContent":{"turnComplete":true}}
 *                     {"toolCall":{"functionCalls":[{id,name,args}]}}, {"toolCallCancellation":{"ids":[...]}}
 * Server messages go out as binary frames holding JSON, as the service sends them. A bad message
 * closes the socket with 1007 and the reason, as the service does.
 *
 * Scripting: `next(...)` sets how the next session behaves (refuse its setup with a close code,
 * never answer it, or refuse the handshake with an HTTP status); each session is recorded with
 * every message it received and sent, and can be closed from the test.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { createLocalLiveModel } from '../../functions/src/voice/local-live.js';
import type { LiveEvent, LiveModel, LiveSession } from '../../functions/src/voice/port.js';

export const LIVE_PATH = /^\/+ws\/google\.cloud\.aiplatform\.(v[\w]+)\.LlmBidiService\/BidiGenerateContent$/;
const MODEL_NAME = /^projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/models\/[^/]+$/;

export type SessionScript =
  { refuseSetup: { code: number; reason: string } } | { silent: true } | { httpStatus: number };

export interface WireSession {
  path: string;
  headers: IncomingHttpHeaders;
  /** The setup message's `setup` object. */
  setup?: any;
  /** Every client message after setup, parsed. */
  received: any[];
  /** Every server message, as sent. */
  sent: any[];
  /** Set when the socket closed: the code and reason the server saw. */
  closedWith?: { code: number; reason: string };
  send(msg: unknown): void;
  close(code: number, reason: string): void;
}

export interface LiveServer {
  /** For `httpOptions.baseUrl`, e.g. `http://127.0.0.1:41234`. */
  url: string;
  sessions: WireSession[];
  next(...scripts: SessionScript[]): void;
  /** Resolves once `n` sessions have closed. */
  closed(n: number): Promise<void>;
  reset(): void;
  stop(): Promise<void>;
}

export async function startLiveServer(opts: { model?: LiveModel } = {}): Promise<LiveServer> {
  const model = opts.model ?? createLocalLiveModel({ pace: Infinity });
  const sessions: WireSession[] = [];
  const scripts: SessionScript[] = [];
  let closedCount = 0;
  const closeWaiters: Array<{ n: number; resolve: () => void }> = [];

  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: (info, done) => {
      const path = (info.req.url ?? '/').split('?')[0]!;
      if (!LIVE_PATH.test(path)) return done(false, 404, 'no such method');
      const script = scripts[0];
      if (script && 'httpStatus' in script) {
        scripts.shift();
        return done(false, script.httpStatus, 'scripted refusal');
      }
      done(true);
    },
  });
  wss.on('connection', (ws, req) => serve(ws, req.url ?? '/', req.headers));

  function serve(ws: WebSocket, url: string, headers: IncomingHttpHeaders): void {
    const script = scripts.shift();
    let live: LiveSession | undefined;
    const rec: WireSession = {
      path: url.split('?')[0]!,
      headers,
      received: [],
      sent: [],
      send(msg) {
        rec.sent.push(msg);
        if (ws.readyState === ws.OPEN) ws.send(Buffer.from(JSON.stringify(msg)), { binary: true });
      },
      close(code, reason) {
        ws.close(code, reason);
      },
    };
    sessions.push(rec);
    ws.on('close', (code, reason) => {
      rec.closedWith = { code, reason: reason.toString() };
      live?.close();
      closedCount++;
      for (const w of closeWaiters.filter((x) => closedCount >= x.n)) w.resolve();
    });
    const invalid = (reason: string) => ws.close(1007, reason);

    ws.on('message', (data) => {
      let msg: any;
      try {
        msg = JSON.parse(String(data));
      } catch {
        return invalid('Invalid JSON payload received.');
      }
      if (!rec.setup) {
        if (!msg?.setup) return invalid('The first message must be a setup message.');
        rec.setup = msg.setup;
        if (!MODEL_NAME.test(String(msg.setup.model ?? '')))
          return invalid(`Invalid model name: ${String(msg.setup.model)}`);
        if (script && 'refuseSetup' in script)
          return ws.close(script.refuseSetup.code, script.refuseSetup.reason);
        if (script && 'silent' in script) return;
        return void open(msg.setup).catch((err: Error) => ws.close(1011, err.message));
      }
      rec.received.push(msg);
      if (!live) return invalid('The session is not set up yet.');
      const input = msg.realtimeInput;
      if (input) {
        const audio = input.audio ?? input.mediaChunks?.[0];
        if (audio) {
          if (audio.mimeType !== 'audio/pcm;rate=16000')
            return invalid(`Unsupported audio mime type: ${String(audio.mimeType)}`);
          const bytes = Buffer.from(String(audio.data ?? ''), 'base64');
          live.sendAudio(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length));
        }
        if (input.audioStreamEnd === true || input.activityEnd) live.endAudio();
        return;
      }
      if (msg.toolResponse) {
        const responses = msg.toolResponse.functionResponses;
        if (!Array.isArray(responses)) return invalid('toolResponse.functionResponses must be a list.');
        live.sendToolResponses(
          responses.map((r: any) => ({
            id: String(r.id ?? ''),
            name: String(r.name ?? ''),
            response: r.response,
          })),
        );
        return;
      }
      if (msg.clientContent) return;
      return invalid(`Unknown message: ${Object.keys(msg ?? {}).join(',')}`);
    });

    async function open(setup: any): Promise<void> {
      const system = (setup.systemInstruction?.parts ?? []).map((p: any) => p.text ?? '').join('');
      const tools = (setup.tools ?? []).flatMap((t: any) => t.functionDeclarations ?? []);
      live = await model.open({ system, tools }, (e) =>
        e.type === 'closed' ? ws.close(1011, e.reason) : rec.send(toWire(e)),
      );
      if (ws.readyState !== ws.OPEN) return live.close();
      rec.send({ setupComplete: {} });
    }
  }

  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const { port } = wss.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sessions,
    next: (...s) => void scripts.push(...s),
    closed: (n) =>
      closedCount >= n ? Promise.resolve() : new Promise((resolve) => closeWaiters.push({ n, resolve })),
    reset() {
      sessions.length = 0;
      scripts.length = 0;
      closedCount = 0;
      closeWaiters.length = 0;
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        for (const c of wss.clients) c.terminate();
        wss.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

/** One port event as the Live API's server message. */
function toWire(e: Exclude<LiveEvent, { type: 'closed' }>): unknown {
  switch (e.type) {
    case 'audio': {
      const data = Buffer.from(e.pcm).toString('base64');
      const parts = [{ inlineData: { mimeType: 'audio/pcm;rate=24000', data } }];
      return { serverContent: { modelTurn: { role: 'model', parts } } };
    }
    case 'transcript': {
      const field = e.role === 'user' ? 'inputTranscription' : 'outputTranscription';
      return { serverContent: { [field]: { text: e.text, ...(e.finished ? { finished: true } : {}) } } };
    }
    case 'tool_call':
      return { toolCall: { functionCalls: e.calls.map((c) => ({ id: c.id, name: c.name, args: c.args })) } };
    case 'tool_call_cancelled':
      return { toolCallCancellation: { ids: e.ids } };
    case 'interrupted':
      return { serverContent: { interrupted: true } };
    case 'turn_complete':
      return { serverContent: { turnComplete: true } };
  }
}
