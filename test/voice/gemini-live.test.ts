/**
 * The Gemini Live adapter through the real @google/genai SDK against a local server speaking the
 * Live API's WebSocket wire format, with the deterministic local model behind the wire: what the
 * adapter reports must be what the local model says directly.
 */
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { LiveServerMessage } from '@google/genai';
import {
  createGeminiLiveModel,
  toEvents,
  type GeminiLiveOptions,
} from '../../functions/src/voice/gemini-live.js';
import { createLocalLiveModel } from '../../functions/src/voice/local-live.js';
import { LiveError, type LiveEvent } from '../../functions/src/voice/port.js';
import { startLiveServer, type LiveServer } from '../helpers/live-server.js';
import { vertexTestAuth } from '../helpers/vertex-server.js';
import { chunks, eventLog, speech } from './audio.js';

const TOOLS = [
  {
    name: 'show_asset',
    description: 'Shows a staged asset',
    parameters: { type: 'object', properties: { assetId: { type: 'string' } }, required: [] },
  },
  { name: 'get_status', description: 'The muse status', parameters: { type: 'object', properties: {} } },
];
const done = (e: LiveEvent) => e.type === 'turn_complete';

let server: LiveServer;
let transcript: string | undefined;

before(async () => {
  server = await startLiveServer({
    model: createLocalLiveModel({ pace: Infinity, transcribe: () => transcript }),
  });
});
after(() => server.stop());
beforeEach(() => {
  server.reset();
  transcript = undefined;
});

const gemini = (extra: Partial<GeminiLiveOptions> = {}) =>
  createGeminiLiveModel({
    project: 'muse-test',
    location: 'us-central1',
    model: 'gemini-live-2.5-flash',
    baseUrl: server.url,
    auth: vertexTestAuth('muse-test'),
    connectTimeoutMs: 2000,
    ...extra,
  });

async function rejects(p: Promise<unknown>): Promise<LiveError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof LiveError, `expected a LiveError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected open to fail');
}

async function talk(model = gemini(), text = 'hello muse') {
  const log = eventLog();
  const session = await model.open({ system: 'You are the muse.', tools: TOOLS }, log.on);
  for (const c of chunks(speech(text))) session.sendAudio(c);
  session.endAudio();
  return { log, session };
}

test('the setup the SDK sends: Vertex path, key, model, audio out, both transcriptions, the tools', async () => {
  const { log, session } = await talk();
  await log.until(done);
  session.close();
  const [wire] = server.sessions;
  assert.ok(wire);
  assert.match(wire.path, /^\/+ws\/google\.cloud\.aiplatform\.v1\.LlmBidiService\/BidiGenerateContent$/);
  assert.equal(wire.headers['x-goog-api-key'], 'test-api-key');
  assert.equal(
    wire.setup.model,
    'projects/muse-test/locations/us-central1/publishers/google/models/gemini-live-2.5-flash',
  );
  assert.deepEqual(wire.setup.generationConfig.responseModalities, ['AUDIO']);
  assert.deepEqual(wire.setup.systemInstruction.parts, [{ text: 'You are the muse.' }]);
  assert.deepEqual(wire.setup.inputAudioTranscription, {});
  assert.deepEqual(wire.setup.outputAudioTranscription, {});
  assert.equal(wire.setup.realtimeInputConfig, undefined, "the service's own voice activity detection");
  const decls = wire.setup.tools[0].functionDeclarations;
  assert.deepEqual(
    decls.map((d: any) => d.name),
    ['show_asset', 'get_status'],
  );
  // The SDK turns a JSON schema into Vertex's Schema form (upper-case types).
  assert.deepEqual(decls[0].parameters.properties, { assetId: { type: 'STRING' } });

  const audio = wire.received.filter((m) => m.realtimeInput?.audio);
  assert.ok(audio.length > 1);
  for (const m of audio) assert.equal(m.realtimeInput.audio.mimeType, 'audio/pcm;rate=16000');
  const sent = Buffer.concat(audio.map((m) => Buffer.from(m.realtimeInput.audio.data, 'base64')));
  assert.deepEqual(new Uint8Array(sent), speech('hello muse'), 'every byte of speech, in order');
  assert.deepEqual(wire.received.at(-1), { realtimeInput: { audioStreamEnd: true } });
});

test('what comes back is what the local model says directly: audio, transcripts, turn complete', async () => {
  const viaWire = await talk();
  await viaWire.log.until(done);
  viaWire.session.close();

  const direct = eventLog();
  const local = await createLocalLiveModel({ pace: Infinity }).open({ system: 'm', tools: TOOLS }, direct.on);
  for (const c of chunks(speech('hello muse'))) local.sendAudio(c);
  local.endAudio();
  await direct.until(done);
  local.close();

  assert.deepEqual(viaWire.log.audio(), direct.audio());
  assert.ok(viaWire.log.audio().length > 24_000, 'at least half a second of 24 kHz speech');
  assert.equal(viaWire.log.text('user'), direct.text('user'));
  assert.equal(viaWire.log.text('muse'), direct.text('muse'));
  assert.equal(viaWire.log.events.at(-1)?.type, 'turn_complete');
});

test('a tool call comes through with its id, and the tool response goes back on the wire', async () => {
  transcript = 'show me the latest image';
  const { log, session } = await talk(gemini(), 'show me the latest image');
  const call = await log.until((e) => e.type === 'tool_call');
  assert.ok(call.type === 'tool_call');
  const [c] = call.calls;
  assert.ok(c);
  assert.equal(c.name, 'show_asset');
  assert.deepEqual(c.args, { assetId: 'latest' });
  session.sendToolResponses([{ id: c.id, name: c.name, response: { output: { id: 'a1', title: 'Dawn' } } }]);
  await log.until(done);
  session.close();
  assert.equal(log.text('muse'), 'Let me show you. Here it is: Dawn.');
  const reply = server.sessions[0]?.received.find((m) => m.toolResponse);
  assert.deepEqual(reply, {
    toolResponse: {
      functionResponses: [
        { id: c.id, name: 'show_asset', response: { output: { id: 'a1', title: 'Dawn' } } },
      ],
    },
  });
});

test('manual activity marks each utterance: activityStart before its audio, activityEnd at its end', async () => {
  const { log, session } = await talk(gemini({ activity: 'manual' }));
  await log.until(done);
  session.close();
  const [wire] = server.sessions;
  assert.deepEqual(wire?.setup.realtimeInputConfig, { automaticActivityDetection: { disabled: true } });
  const kinds = wire!.received.map((m) => Object.keys(m.realtimeInput ?? {})[0]);
  assert.equal(kinds[0], 'activityStart');
  assert.equal(kinds.at(-1), 'activityEnd');
  assert.equal(kinds.filter((k) => k === 'activityStart').length, 1);
  assert.ok(!kinds.includes('audioStreamEnd'));
});

test('a refused setup rejects open with the reason, terminal for a policy refusal', async () => {
  server.next({ refuseSetup: { code: 1008, reason: 'Publisher Model gemini-live-x was not found' } });
  const err = await rejects(gemini().open({ system: 's', tools: [] }, () => {}));
  assert.match(err.message, /was not found/);
  assert.equal(err.retryable, false);

  server.next({ refuseSetup: { code: 1011, reason: 'Internal error' } });
  assert.equal((await rejects(gemini().open({ system: 's', tools: [] }, () => {}))).retryable, true);
});

test('a handshake refused with 401 is terminal, with 503 retryable', async () => {
  server.next({ httpStatus: 401 });
  const denied = await rejects(gemini().open({ system: 's', tools: [] }, () => {}));
  assert.match(denied.message, /401/);
  assert.equal(denied.retryable, false);
  server.next({ httpStatus: 503 });
  assert.equal((await rejects(gemini().open({ system: 's', tools: [] }, () => {}))).retryable, true);
});

test('a setup never answered times out, retryable; nothing listening is retryable too', async () => {
  server.next({ silent: true });
  const slow = await rejects(gemini({ connectTimeoutMs: 200 }).open({ system: 's', tools: [] }, () => {}));
  assert.match(slow.message, /in time/);
  assert.equal(slow.retryable, true);

  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const refused = await rejects(
    gemini({ baseUrl: `http://127.0.0.1:${port}` }).open({ system: 's', tools: [] }, () => {}),
  );
  assert.equal(refused.retryable, true);
});

test('the service closing mid-session is a closed event with its reason; our own close is not', async () => {
  const log = eventLog();
  const session = await gemini().open({ system: 's', tools: TOOLS }, log.on);
  server.sessions[0]?.close(1011, 'Internal error occurred.');
  const closed = await log.until((e) => e.type === 'closed');
  assert.deepEqual(closed, { type: 'closed', reason: 'Internal error occurred.', error: true });
  session.close();

  const quiet = eventLog();
  const other = await gemini().open({ system: 's', tools: TOOLS }, quiet.on);
  other.close();
  other.close();
  await server.closed(2);
  other.sendAudio(speech('after close'));
  assert.deepEqual(quiet.events, []);
  assert.equal(server.sessions[1]?.closedWith?.code, 1005, 'a plain client close');
});

test('one server message carrying several fields gives its events in listening order', () => {
  const pcm = Buffer.from([1, 0, 2, 0]);
  const events = toEvents({
    serverContent: {
      inputTranscription: { text: 'show me', finished: true },
      modelTurn: {
        parts: [
          { inlineData: { mimeType: 'audio/pcm;rate=24000', data: pcm.toString('base64') } },
          { inlineData: { mimeType: 'image/png', data: 'AAAA' } },
          { text: 'a thought' },
        ],
      },
      outputTranscription: { text: 'Here' },
      interrupted: true,
      turnComplete: true,
    },
    toolCall: { functionCalls: [{ name: 'get_status' }] },
    toolCallCancellation: { ids: ['c1'] },
  } as LiveServerMessage);
  assert.deepEqual(events, [
    { type: 'transcript', role: 'user', text: 'show me', finished: true },
    { type: 'audio', pcm: new Uint8Array([1, 0, 2, 0]) },
    { type: 'transcript', role: 'muse', text: 'Here', finished: false },
    { type: 'interrupted' },
    { type: 'turn_complete' },
    { type: 'tool_call', calls: [{ id: 'get_status-0', name: 'get_status', args: {} }] },
    { type: 'tool_call_cancelled', ids: ['c1'] },
  ]);
  assert.deepEqual(toEvents({} as LiveServerMessage), []);
});
