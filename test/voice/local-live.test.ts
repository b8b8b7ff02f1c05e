import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rms, bytesToSamples, samplesToBytes } from '../../functions/src/voice/core/pcm.js';
import { synthesize } from '../../functions/src/voice/core/synth.js';
import { GREETINGS } from '../../functions/src/voice/core/local-reply.js';
import { createLocalLiveModel, type LocalLiveOptions } from '../../functions/src/voice/local-live.js';
import type { LiveEvent } from '../../functions/src/voice/port.js';
import { chunks, concat, eventLog, silence, speech } from './audio.js';

const TOOLS = [
  { name: 'show_asset', description: 'Shows a staged asset', parameters: { type: 'object', properties: {} } },
  { name: 'get_status', description: 'The muse status', parameters: { type: 'object', properties: {} } },
];
const done = (e: LiveEvent) => e.type === 'turn_complete';

async function open(opts: LocalLiveOptions = {}, tools = TOOLS) {
  const log = eventLog();
  const session = await createLocalLiveModel({ pace: Infinity, ...opts }).open(
    { system: 'muse', tools },
    log.on,
  );
  return { log, session };
}

function say(session: { sendAudio(p: Uint8Array): void }, audio: Uint8Array, size = 3200): void {
  for (const c of chunks(audio, size)) session.sendAudio(c);
}

test('an utterance ended by the client is answered with audible 24 kHz speech and both transcripts', async () => {
  const { log, session } = await open();
  say(session, concat([silence(0.2), speech('hello muse')]));
  assert.equal(log.events.length, 0, 'nothing until the person stops');
  session.endAudio();
  await log.until(done);
  session.close();

  const [heard] = log.events;
  assert.equal(heard?.type, 'transcript');
  assert.match(log.text('user'), /^\(\d\.\d s of speech\)$/);
  const said = log.text('muse');
  assert.ok(GREETINGS.includes(said), `one of the greetings: ${said}`);
  const audio = log.audio();
  assert.deepEqual(audio, samplesToBytes(synthesize(said, 24_000)), 'the audio is the transcript, said');
  assert.ok(rms(bytesToSamples(audio)) > 2000, 'audible');
  assert.equal(log.events.at(-1)?.type, 'turn_complete');
  const finals = log.events.filter((e) => e.type === 'transcript' && e.finished);
  assert.deepEqual(
    finals.map((e) => (e.type === 'transcript' ? e.role : '')),
    ['user', 'muse'],
  );
});

test('the same speech gets the same bytes, however it is chunked', async () => {
  const audio = concat([speech('tell me something'), silence(0.7)]);
  const runs = [];
  for (const size of [3200, 1000, 8192]) {
    const { log, session } = await open();
    say(session, audio, size);
    await log.until(done);
    session.close();
    runs.push(
      log.events.map((e) => (e.type === 'audio' ? Buffer.from(e.pcm).toString('base64') : JSON.stringify(e))),
    );
  }
  assert.deepEqual(runs[1], runs[0]);
  assert.deepEqual(runs[2], runs[0]);
});

test('silence after speech ends the utterance without an audio_end', async () => {
  const { log, session } = await open();
  say(session, concat([speech('hi'), silence(0.6)]));
  await log.until(done);
  session.close();
  assert.ok(log.audio().length > 0);
});

test('a rule asks for a tool and the answer waits for the tool response', async () => {
  const { log, session } = await open({ transcribe: () => 'show me the latest image' });
  say(session, speech('show me the latest image'));
  session.endAudio();
  const call = await log.until((e) => e.type === 'tool_call');
  assert.equal(log.text('user'), 'show me the latest image');
  assert.ok(call.type === 'tool_call');
  assert.equal(call.calls.length, 1);
  assert.equal(call.calls[0]?.name, 'show_asset');
  assert.deepEqual(call.calls[0]?.args, { assetId: 'latest' });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(log.audio().length, 0, 'no speech before the tool answered');

  session.sendToolResponses([{ id: 'someone-else', name: 'show_asset', response: { output: {} } }]);
  await new Promise((r) => setImmediate(r));
  assert.equal(log.audio().length, 0, 'a response to another call is ignored');
  session.sendToolResponses([
    {
      id: call.calls[0]!.id,
      name: 'show_asset',
      response: { output: { id: 'a1', title: 'Solar balconies' } },
    },
  ]);
  await log.until(done);
  session.close();
  assert.equal(log.text('muse'), 'Let me show you. Here it is: Solar balconies.');
  assert.deepEqual(log.audio(), samplesToBytes(synthesize('Here it is: Solar balconies.', 24_000)));
});

test('a tool that never answers gets a spoken apology after the timeout', async () => {
  const { log, session } = await open({ transcribe: () => 'status please', toolTimeoutMs: 20 });
  say(session, speech('status please'));
  session.endAudio();
  await log.until(done);
  session.close();
  assert.match(log.text('muse'), /could not do that: the tool did not answer in time/);
});

test('a tool the session did not declare is never asked for', async () => {
  const { log, session } = await open({ transcribe: () => 'show me the image' }, []);
  say(session, speech('show me the image'));
  session.endAudio();
  await log.until(done);
  session.close();
  assert.ok(!log.types().includes('tool_call'));
});

test('length alone asks for the status: a long utterance with the stand-in transcript', async () => {
  const { log, session } = await open();
  say(session, speech('this is a rather long utterance from someone talking'));
  session.endAudio();
  const call = await log.until((e) => e.type === 'tool_call');
  session.close();
  assert.ok(call.type === 'tool_call' && call.calls[0]?.name === 'get_status');
});

test('speaking over the muse interrupts it; the new utterance is answered', async () => {
  // Real time: the answer takes seconds to stream, so the interruption lands mid-answer.
  const { log, session } = await open({ pace: 1 });
  say(session, speech('hello'));
  session.endAudio();
  await log.until((e) => e.type === 'audio');
  say(session, speech('wait'));
  await log.until((e) => e.type === 'interrupted');
  const cut = log.events.findIndex((e) => e.type === 'interrupted');
  assert.equal(log.events[cut + 1]?.type, 'turn_complete', 'an interrupted turn completes');
  const partial = log.text('muse');
  const greeting = GREETINGS.find((g) => g.startsWith(partial));
  assert.ok(greeting && partial.length < greeting.length, `cut short: "${partial}"`);
  assert.ok(log.audio().length < samplesToBytes(synthesize(greeting, 24_000)).length);
  session.endAudio();
  await log.until((e) => e.type === 'turn_complete' && log.events.indexOf(e) > cut + 1);
  session.close();
  const finals = log.events.filter((e) => e.type === 'transcript' && e.role === 'user' && e.finished);
  assert.equal(finals.length, 2);
});

test('speaking while a tool runs cancels the call', async () => {
  const { log, session } = await open({ transcribe: () => 'show it' });
  say(session, speech('show it'));
  session.endAudio();
  const call = await log.until((e) => e.type === 'tool_call');
  say(session, speech('never mind'));
  const cancelled = await log.until((e) => e.type === 'tool_call_cancelled');
  assert.ok(call.type === 'tool_call' && cancelled.type === 'tool_call_cancelled');
  assert.deepEqual(cancelled.ids, [call.calls[0]!.id]);
  session.sendToolResponses([{ id: call.calls[0]!.id, name: 'show_asset', response: { output: {} } }]);
  session.close();
  assert.ok(!log.text('muse').includes('Here it is'), 'a late response to a cancelled call is not spoken');
});

test('after close nothing is emitted, and odd or empty input does not throw', async () => {
  const { log, session } = await open();
  session.sendAudio(new Uint8Array(0));
  session.sendAudio(new Uint8Array([1, 2, 3]));
  say(session, speech('hello'));
  session.endAudio();
  session.close();
  session.close();
  session.sendAudio(speech('more'));
  session.endAudio();
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(log.types(), ['transcript'], 'only what was emitted before close');
});
