/**
 * Voice sessions over a real WebSocket: the local live model answers, the toolbox runs, and the
 * cost hooks see a reservation before every session and one settlement after it, however it ends.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { synthesize } from '../../functions/src/voice/core/synth.js';
import { samplesToBytes } from '../../functions/src/voice/core/pcm.js';
import { createGeminiLiveModel } from '../../functions/src/voice/gemini-live.js';
import { createLocalLiveModel, type LocalLiveOptions } from '../../functions/src/voice/local-live.js';
import { startLiveServer, type LiveServer } from '../helpers/live-server.js';
import { vertexTestAuth } from '../helpers/vertex-server.js';
import { concat, silence, speech } from './audio.js';
import { costRecorder, serveVoice, testToolbox, voiceClient } from './harness.js';
import type { VoiceLimits } from '../../functions/src/voice/sessions.js';
import type { LiveModel } from '../../functions/src/voice/port.js';

const servers: Array<{ stop(): Promise<void> }> = [];
after(() => Promise.all(servers.map((s) => s.stop())));

async function setup(opts: { local?: LocalLiveOptions; limits?: Partial<VoiceLimits> } = {}) {
  const cost = costRecorder();
  const toolbox = testToolbox();
  const served = await serveVoice({
    live: createLocalLiveModel({ pace: Infinity, ...opts.local }),
    cost: cost.cost,
    toolbox,
    limits: opts.limits,
  });
  servers.push(served);
  const client = await voiceClient(served.url);
  return { ...cost, toolbox, served, client };
}

test('a spoken turn: started, heard, answered in 24 kHz audio with transcripts; stopped and settled', async () => {
  const { client, rec, settledOnce, served } = await setup();
  client.say(speech('hello muse'));
  const started = await client.until('voice_started');
  assert.deepEqual(rec.reserved, [[started.sessionId, 5]], '5 minutes reserved before the start');
  assert.equal(started.maxSeconds, 300);
  await client.until('turn_complete');

  const user = client.frames.filter((f) => f.type === 'transcript' && f.role === 'user');
  assert.equal(user.length, 1);
  assert.match(user[0]?.type === 'transcript' ? user[0].text : '', /^\(\d\.\d s of speech\)$/);
  const muse = client.frames.filter((f) => f.type === 'transcript' && f.role === 'muse');
  const last = muse.at(-1);
  assert.ok(last?.type === 'transcript' && last.final);
  assert.ok(
    muse.every((f, i) => f.type === 'transcript' && !f.final === i < muse.length - 1),
    'only the last is final',
  );
  assert.deepEqual(
    client.audio(),
    samplesToBytes(synthesize(last.text, 24_000)),
    'the muse says its transcript',
  );
  assert.equal(served.voice.active, 1);

  client.send({ type: 'voice_stop' });
  const ended = await client.until('voice_ended');
  assert.equal(ended.reason, 'stopped');
  await settledOnce();
  assert.equal(rec.settled.length, 1);
  const [id, minutes] = rec.settled[0]!;
  assert.equal(id, started.sessionId);
  assert.ok(minutes > 0 && minutes < 5, `settled ${minutes} min`);
  assert.equal(served.voice.active, 0);
  assert.deepEqual(client.bad, [], 'every frame matches the documented schema');
  await client.close();
  assert.equal(rec.settled.length, 1, 'closing afterwards settles nothing more');
});

test('base64 JSON audio frames work like binary ones, and several turns share one session', async () => {
  const { client, rec } = await setup();
  client.say(speech('hello muse'), { json: true });
  await client.until('turn_complete');
  client.say(speech('hi again'), { json: true });
  await client.until('turn_complete', () => client.types().filter((t) => t === 'turn_complete').length === 2);
  assert.equal(client.types().filter((t) => t === 'voice_started').length, 1);
  assert.equal(rec.reserved.length, 1);
  const heard = client.frames.flatMap((f) => (f.type === 'transcript' && f.role === 'user' ? [f.text] : []));
  assert.equal(heard.length, 2);
  for (const t of heard) assert.match(t, /^\(\d\.\d s of speech\)$/, 'each turn its own transcript');
  await client.close();
});

test('a tool call runs through the toolbox; its result goes to the client and back to the model', async () => {
  const { client, toolbox } = await setup({ local: { transcribe: () => 'show me the latest image' } });
  client.say(speech('show me the latest image'));
  const result = await client.until('tool_result');
  assert.deepEqual(result, {
    type: 'tool_result',
    replyTo: null,
    tool: 'show_asset',
    args: { assetId: 'latest' },
    ok: true,
    result: { id: 'a1', title: 'Dawn' },
  });
  assert.deepEqual(toolbox.calls, [['show_asset', { assetId: 'latest' }]]);
  const said = await client.until('transcript', (f) => f.role === 'muse' && f.final);
  assert.equal(said.text, 'Let me show you. Here it is: Dawn.', 'the model spoke from the result');
  await client.close();
});

test('a failing tool is a tool_result with ok false, and the muse says so', async () => {
  const { client } = await setup({ local: { transcribe: () => 'how are you doing' } });
  client.say(speech('how are you doing'));
  const result = await client.until('tool_result');
  assert.equal(result.ok, false);
  assert.equal(result.error, 'the status is unavailable');
  const said = await client.until('transcript', (f) => f.role === 'muse' && f.final);
  assert.match(said.text, /could not do that: the status is unavailable/);
  await client.close();
});

test('while the breaker holds, talking is refused without a reservation; afterwards it starts', async () => {
  // A burst big enough for three utterances sent at once: this test is about the breaker.
  const { client, rec } = await setup({ limits: { burstBytes: 1_000_000 } });
  rec.breaker = true;
  client.say(speech('hello'), { end: false });
  const refused = await client.until('voice_error');
  assert.equal(refused.code, 'breaker_open');
  client.say(speech('still talking'), { end: false });
  client.send({ type: 'audio_end' });
  rec.breaker = false;
  client.say(speech('hello again'));
  await client.until('voice_started');
  assert.equal(client.types().filter((t) => t === 'voice_error').length, 1, 'one refusal per utterance');
  assert.equal(rec.reserved.length, 1);
  await client.close();
});

test('a wallet that refuses the reservation refuses the session, naming why', async () => {
  const { client, rec } = await setup();
  rec.refuse = 'balance 0.01 is under the reserve floor';
  client.say(speech('hello'));
  const refused = await client.until('voice_error');
  assert.equal(refused.code, 'not_funded');
  assert.match(refused.message, /under the reserve floor/);
  assert.ok(!client.types().includes('voice_started'));
  assert.deepEqual(rec.settled, []);
  await client.close();
});

let wire: LiveServer;
before(async () => {
  wire = await startLiveServer();
  servers.push(wire);
});
const geminiLive = () =>
  createGeminiLiveModel({
    project: 'p',
    location: 'us-central1',
    model: 'gemini-live-2.5-flash',
    baseUrl: wire.url,
    auth: vertexTestAuth('p'),
    connectTimeoutMs: 2000,
  });

test('a model that cannot open: voice_error model_unavailable, the reservation settled at 0', async () => {
  const cost = costRecorder();
  const served = await serveVoice({ live: geminiLive(), cost: cost.cost });
  servers.push(served);
  const client = await voiceClient(served.url);
  wire.next({ refuseSetup: { code: 1008, reason: 'Publisher model not found' } });
  client.say(speech('hello'));
  const err = await client.until('voice_error');
  assert.equal(err.code, 'model_unavailable');
  await cost.settledOnce();
  assert.deepEqual(cost.rec.settled, [[cost.rec.reserved[0]![0], 0]]);
  assert.equal(served.voice.active, 0);
  await client.close();
});

test('the model hanging up mid-session ends it: voice_error, voice_ended, one settlement', async () => {
  const cost = costRecorder();
  const served = await serveVoice({ live: geminiLive(), cost: cost.cost });
  servers.push(served);
  const client = await voiceClient(served.url);
  const before = wire.sessions.length;
  client.say(speech('hello muse'));
  await client.until('turn_complete');
  wire.sessions[before]?.close(1011, 'Internal error occurred.');
  const ended = await client.until('voice_ended');
  assert.equal(ended.reason, 'model_closed');
  const err = client.frames.find((f) => f.type === 'voice_error');
  assert.ok(err?.type === 'voice_error' && err.code === 'model_closed' && /Internal error/.test(err.message));
  await cost.settledOnce();
  assert.equal(cost.rec.settled.length, 1);
  await client.close();
  assert.equal(cost.rec.settled.length, 1);
});

test('bad audio frames are refused by name and the connection carries on', async () => {
  const cases: Array<[unknown, string]> = [
    [new Uint8Array(9000), 'chunk_too_large'],
    [new Uint8Array(3), 'bad_audio'],
    [{ type: 'audio', data: 'not base64!' }, 'invalid_frame'],
    [{ type: 'audio', data: 'AAAA', rate: 44100 }, 'invalid_frame'],
    [{ type: 'audio', data: '' }, 'invalid_frame'],
    [{ type: 'audio' }, 'invalid_frame'],
  ];
  const { client, served } = await setup();
  for (const [frame, code] of cases) {
    // A fresh connection per case: refusals are sent at most once a second per connection.
    const c = await voiceClient(served.url);
    if (frame instanceof Uint8Array) c.ws.send(frame);
    else c.send(frame);
    const err = await c.until('voice_error');
    assert.equal(err.code, code, JSON.stringify(frame instanceof Uint8Array ? frame.length : frame));
    c.say(speech('hello'));
    await c.until('turn_complete');
    await c.close();
  }
  client.send({ type: 'say', text: 'typed, not voice' });
  client.ws.send('{"type":"resume","seq":1}');
  client.ws.send('not json');
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(served.notVoice, [
    '{"type":"say","text":"typed, not voice"}',
    '{"type":"resume","seq":1}',
    'not json',
  ]);
  await client.close();
});

test('audio faster than the bound is dropped with rate_limited', async () => {
  const { client } = await setup({ limits: { burstBytes: 16_000, bytesPerSecond: 32_000 } });
  for (let i = 0; i < 20; i++) client.ws.send(new Uint8Array(8000));
  const err = await client.until('voice_error');
  assert.equal(err.code, 'rate_limited');
  await client.close();
});

test('audio_end and voice_stop floods are bounded too', async () => {
  const { client } = await setup();
  for (let i = 0; i < 30; i++) client.send({ type: 'audio_end' });
  const err = await client.until('voice_error');
  assert.equal(err.code, 'rate_limited');
  assert.match(err.message, /audio_end/);
  await client.close();
});

test('a session ends at its length limit, and what was reserved is that limit', async () => {
  const { client, rec, settledOnce } = await setup({ limits: { maxSessionSeconds: 0.5 } });
  client.say(speech('hello'));
  const ended = await client.until('voice_ended');
  assert.equal(ended.reason, 'session_limit');
  await settledOnce();
  assert.equal(rec.reserved[0]![1], 0.5 / 60);
  assert.ok(rec.settled[0]![1] >= 0.5 / 60 - 1e-9 && rec.settled[0]![1] < 5);
  await client.close();
});

test('a silent session ends idle', async () => {
  const { client } = await setup({ limits: { idleSeconds: 0.3 } });
  client.say(speech('hello'));
  const ended = await client.until('voice_ended');
  assert.equal(ended.reason, 'idle');
  await client.close();
});

test('sessions per instance are bounded: the next talker is told busy, and gets in once there is room', async () => {
  const { client, served } = await setup({ limits: { maxSessions: 1 } });
  client.say(speech('hello'));
  await client.until('voice_started');
  const second = await voiceClient(served.url);
  second.say(speech('me too'));
  assert.equal((await second.until('voice_error')).code, 'busy');
  client.send({ type: 'voice_stop' });
  await client.until('voice_ended');
  second.say(speech('me too'));
  await second.until('voice_started');
  await Promise.all([client.close(), second.close()]);
});

test('a socket that goes away mid-answer is settled once; a shutdown ends and settles the rest', async () => {
  const { client, rec, settledOnce, served } = await setup({ local: { pace: 1 } });
  client.say(concat([speech('hello muse'), silence(0.1)]));
  await client.until('audio');
  await client.close();
  await settledOnce();
  assert.equal(rec.settled.length, 1);
  assert.equal(served.voice.active, 0);

  const other = await voiceClient(served.url);
  other.say(speech('hello'));
  await other.until('voice_started');
  await served.voice.shutdown();
  const ended = await other.until('voice_ended');
  assert.equal(ended.reason, 'shutdown');
  assert.equal(rec.settled.length, 2);
  await other.close();
});

test('speaking over the muse interrupts its playback', async () => {
  const { client } = await setup({ local: { pace: 1 } });
  client.say(speech('hello muse'));
  await client.until('audio');
  client.say(speech('wait a moment'), { end: false });
  await client.until('interrupted');
  const i = client.types().indexOf('interrupted');
  assert.ok(client.types().indexOf('turn_complete') > i, 'the turn completes after the interruption');
  await client.close();
});

test('more bad audio: an empty binary frame, base64 of an odd byte count, too much base64: refused by name', async () => {
  const cases: Array<[unknown, string]> = [
    [new Uint8Array(0), 'bad_audio'],
    [{ type: 'audio', data: 'AAAAA' }, 'bad_audio'], // 3 bytes
    [{ type: 'audio', data: 'AB==' }, 'bad_audio'], // 1 byte
    [{ type: 'audio', data: 'A'.repeat(12_000) }, 'invalid_frame'], // 9,000 bytes
    [{ type: 'audio', data: 'AAAA', rate: '16000' }, 'invalid_frame'],
  ];
  const { client, rec, served } = await setup();
  for (const [frame, code] of cases) {
    const c = await voiceClient(served.url);
    if (frame instanceof Uint8Array) c.ws.send(frame);
    else c.send(frame);
    const err = await c.until('voice_error');
    assert.equal(err.code, code, JSON.stringify(frame instanceof Uint8Array ? frame.length : frame));
    await c.close();
  }
  assert.deepEqual(rec.reserved, [], 'no bad frame started a session');
  await client.close();
});

test('audio_end before any audio and voice_stop twice change nothing; a frame over the payload bound closes only that socket', async () => {
  const { client, rec, settledOnce, served } = await setup();
  client.send({ type: 'audio_end' });
  client.send({ type: 'voice_stop' });
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual([rec.reserved, served.voice.active], [[], 0], 'nothing started');
  client.say(speech('hello'));
  const started = await client.until('voice_started');
  await client.until('turn_complete');
  await new Promise((r) => setTimeout(r, 600)); // the control bucket refills (2 a second)
  client.send({ type: 'voice_stop' });
  client.send({ type: 'voice_stop' });
  await client.until('voice_ended');
  await settledOnce();
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(
    rec.settled.map(([id]) => id),
    [started.sessionId],
    'one settlement',
  );
  assert.equal(client.frames.filter((f) => f.type === 'voice_ended').length, 1);
  assert.equal(served.voice.active, 0);

  const big = await voiceClient(served.url);
  big.send({ type: 'audio', data: 'A'.repeat(20_000) });
  await big.closed;
  const after = await voiceClient(served.url);
  after.say(speech('still here'));
  await after.until('turn_complete');
  assert.deepEqual([...client.bad, ...after.bad], []);
  await after.close();
  await client.close();
});

test('a live model that throws while audio is handed over costs the turn, not the server', async () => {
  const local = createLocalLiveModel({ pace: Infinity });
  let broken = false;
  const throwing: LiveModel = {
    model: local.model,
    async open(o, onEvent) {
      const s = await local.open(o, onEvent);
      return {
        ...s,
        sendAudio: (pcm) => {
          if (broken) throw new Error('adapter bug');
          s.sendAudio(pcm);
        },
        endAudio: () => s.endAudio(),
        sendToolResponses: (r) => s.sendToolResponses(r),
        close: () => s.close(),
      };
    },
  };
  const cost = costRecorder();
  const served = await serveVoice({ live: throwing, cost: cost.cost });
  servers.push(served);
  const client = await voiceClient(served.url);
  client.say(speech('hello muse'));
  await client.until('turn_complete');
  broken = true;
  client.say(speech('and again'), { end: false });
  const err = await client.until('voice_error', (f) => f.code === 'model_closed');
  assert.match(err.message, /live model failed/);
  // The server still serves: another client talks and is answered.
  broken = false;
  const other = await voiceClient(served.url);
  other.say(speech('still there?'));
  await other.until('turn_complete');
  await Promise.all([client.close(), other.close()]);
});

/** A promise the test lets go of: `until` resolves once `release` is called. */
function held() {
  let release!: () => void;
  const until = new Promise<void>((r) => (release = r));
  return { until, release };
}

/** Speaks, then hangs up while `hold` keeps the session starting, then lets the start go on. */
async function hangUpWhileStarting(
  client: Awaited<ReturnType<typeof voiceClient>>,
  hold: { release(): void },
) {
  client.say(speech('hello'), { end: false });
  await new Promise((r) => setTimeout(r, 100));
  client.send({ type: 'voice_stop' });
  await new Promise((r) => setTimeout(r, 50));
  hold.release();
  return client.until('voice_ended');
}

test('hanging up while the session is still starting ends it at once: no session is left talking, the reservation settled at 0', async () => {
  // Held while the wallet reserves: voice_stop arrives before the model is asked.
  const cost = costRecorder();
  const reserving = held();
  const slowWallet = {
    ...cost.cost,
    reserve: async (id: string, minutes: number) => {
      await reserving.until;
      return cost.cost.reserve(id, minutes);
    },
  };
  const local = createLocalLiveModel({ pace: Infinity });
  let opened = 0;
  const counting: LiveModel = {
    model: local.model,
    open: (o, onEvent) => {
      opened += 1;
      return local.open(o, onEvent);
    },
  };
  const served = await serveVoice({ live: counting, cost: slowWallet });
  servers.push(served);
  const client = await voiceClient(served.url);
  const ended = await hangUpWhileStarting(client, reserving);
  assert.deepEqual([ended.reason, ended.seconds], ['stopped', 0]);
  await cost.settledOnce();
  assert.deepEqual(cost.rec.settled, [[cost.rec.reserved[0]![0], 0]]);
  assert.equal(opened, 0, 'the model was never opened');
  assert.equal(served.voice.active, 0);
  assert.ok(!client.types().includes('voice_started'));
  // The next utterance starts a session as usual.
  client.say(speech('hello again'));
  await client.until('voice_started');
  assert.equal(served.voice.active, 1);
  await client.close();
});

test('hanging up while the model is opening ends the session as soon as it opens, settled once', async () => {
  const cost = costRecorder();
  const local = createLocalLiveModel({ pace: Infinity });
  const opening = held();
  const slowModel: LiveModel = {
    model: local.model,
    open: async (o, onEvent) => {
      await opening.until;
      return local.open(o, onEvent);
    },
  };
  const served = await serveVoice({ live: slowModel, cost: cost.cost });
  servers.push(served);
  const client = await voiceClient(served.url);
  const ended = await hangUpWhileStarting(client, opening);
  assert.equal(ended.reason, 'stopped');
  await cost.settledOnce();
  assert.equal(cost.rec.settled.length, 1);
  assert.ok(cost.rec.settled[0]![1] < 0.1, `settled ${cost.rec.settled[0]![1]} min`);
  assert.equal(served.voice.active, 0);
  assert.ok(!client.types().includes('voice_started'));
  await client.close();
  assert.equal(cost.rec.settled.length, 1, 'closing afterwards settles nothing more');
});
