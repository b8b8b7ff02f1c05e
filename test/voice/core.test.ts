import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createByteBudget } from '../../functions/src/voice/core/byte-budget.js';
import {
  afterTool,
  DEFAULT_RULES,
  greeting,
  placeholderTranscript,
  type LocalTurn,
} from '../../functions/src/voice/core/local-reply.js';
import { bytesToSamples, rms, samplesToBytes } from '../../functions/src/voice/core/pcm.js';
import { synthesize } from '../../functions/src/voice/core/synth.js';
import { createVad, type VadEvent } from '../../functions/src/voice/core/vad.js';
import { chunks, concat, silence, speech } from './audio.js';

test('PCM bytes and samples round-trip little-endian', () => {
  const samples = Int16Array.from([0, 1, -1, 32767, -32768, 258]);
  const bytes = samplesToBytes(samples);
  assert.deepEqual([...bytes.subarray(10, 12)], [2, 1], '258 is 0x0102, low byte first');
  assert.deepEqual([...bytesToSamples(bytes)], [...samples]);
  assert.equal(bytesToSamples(new Uint8Array([1, 0, 9])).length, 1, 'a trailing odd byte is ignored');
});

test('synthesised speech is deterministic, audible and lasts as long as its text', () => {
  const a = synthesize('Here is how I am doing.', 24_000);
  const b = synthesize('Here is how I am doing.', 24_000);
  assert.deepEqual(Buffer.from(a.buffer), Buffer.from(b.buffer), 'same text, same bytes');
  assert.notDeepEqual(Buffer.from(synthesize('Here it is.', 24_000).buffer), Buffer.from(a.buffer));
  assert.ok(rms(a) > 2000, `loud enough to hear (rms ${rms(a).toFixed(0)})`);
  const seconds = a.length / 24_000;
  assert.ok(seconds > 1 && seconds < 4, `a short sentence takes a second or few (${seconds} s)`);
  assert.ok(synthesize('Hello there, this is a much longer sentence to say.', 24_000).length > a.length);
  assert.equal(synthesize('', 24_000).length, 0);
});

function run(vadChunks: Uint8Array[], flush = false): VadEvent[] {
  const vad = createVad({ rate: 16_000 });
  const out = vadChunks.flatMap((c) => vad.push(bytesToSamples(c)));
  return flush ? [...out, ...vad.flush()] : out;
}

test('the VAD finds one utterance in speech then silence, however the audio is chunked', () => {
  const audio = concat([silence(0.3), speech('show me the latest image'), silence(0.8)]);
  const whole = run([audio]);
  assert.deepEqual(
    whole.map((e) => e.type),
    ['speech_start', 'speech_end'],
  );
  for (const size of [320, 3200, 4098, 8192]) {
    const split = run(chunks(audio, size));
    assert.deepEqual(
      split.map((e) =>
        e.type === 'speech_end' ? [e.type, e.seconds, Buffer.from(e.pcm.buffer).length] : [e.type],
      ),
      whole.map((e) =>
        e.type === 'speech_end' ? [e.type, e.seconds, Buffer.from(e.pcm.buffer).length] : [e.type],
      ),
      `chunks of ${size} bytes`,
    );
  }
  const end = whole[1];
  assert.ok(end?.type === 'speech_end');
  const said = speech('show me the latest image').length / 2 / 16_000;
  assert.ok(Math.abs(end.seconds - said) < 0.1, `utterance ${end.seconds} s for ${said} s of speech`);
});

test('the VAD ignores silence and quiet noise, and ends an utterance when the audio ends', () => {
  assert.deepEqual(run([silence(2)], true), []);
  const hiss = new Int16Array(16_000).map((_, i) => ((i * 7919) % 400) - 200);
  assert.deepEqual(run([samplesToBytes(hiss)], true), [], 'noise under the threshold is not speech');
  const open = run([speech('hello')]);
  assert.deepEqual(
    open.map((e) => e.type),
    ['speech_start'],
    'no end without silence',
  );
  assert.deepEqual(
    run([speech('hello')], true).map((e) => e.type),
    ['speech_start', 'speech_end'],
  );
  assert.deepEqual(
    run([concat([speech('one'), silence(0.8), speech('two'), silence(0.8)])]).map((e) => e.type),
    ['speech_start', 'speech_end', 'speech_start', 'speech_end'],
  );
});

test('the byte budget allows its burst, then its rate', () => {
  const b = createByteBudget({ burstBytes: 1000, bytesPerSecond: 500 }, 0);
  assert.equal(b.take(800, 0), true);
  assert.equal(b.take(300, 0), false, 'over the burst');
  assert.equal(b.take(200, 0), true);
  assert.equal(b.take(1, 0), false);
  assert.equal(b.take(500, 1000), true, 'a second later, 500 more');
  assert.equal(b.take(1, 1000), false);
  assert.equal(b.take(1000, 60_000), true, 'never more than the burst');
  assert.equal(b.take(1, 60_000), false);
});

const turn = (transcript: string, seconds = 1, pcm = new Int16Array(16)): LocalTurn => ({
  index: 1,
  transcript,
  seconds,
  pcm,
});
const pick = (t: LocalTurn) => DEFAULT_RULES.map((r) => r(t)).find(Boolean);

test('the local rules pick a tool from the transcript, then from how long the person spoke', () => {
  assert.deepEqual(pick(turn('show me that image'))?.tool, {
    name: 'show_asset',
    args: { assetId: 'latest' },
  });
  assert.deepEqual(pick(turn('how is the wallet'))?.tool, { name: 'get_status', args: {} });
  assert.deepEqual(pick(turn('what are your plans'))?.tool, { name: 'list_intents', args: { limit: 5 } });
  assert.deepEqual(pick(turn('what did the critic say'))?.tool, { name: 'explain_last_verdict', args: {} });
  assert.equal(pick(turn(placeholderTranscript(0.8), 0.8)), undefined, 'short, no keyword: no tool');
  assert.deepEqual(pick(turn(placeholderTranscript(2.4), 2.4))?.tool, { name: 'get_status', args: {} });
  const g = greeting(turn('x', 1, Int16Array.from([1, 2, 3])));
  assert.equal(greeting(turn('x', 1, Int16Array.from([1, 2, 3]))), g, 'the same audio, the same greeting');
});

test('the reply after a tool says what the tool found, or why it failed', () => {
  assert.equal(
    afterTool('show_asset', { output: { id: 'a1', title: 'Solar balconies' } }),
    'Here it is: Solar balconies.',
  );
  assert.equal(afterTool('show_asset', { output: { id: 'a1' } }), 'Here it is: a1.');
  assert.equal(afterTool('get_status', { output: {} }), 'Here is how I am doing.');
  assert.equal(afterTool('explain_last_verdict', { output: { explanation: 'Passed.' } }), 'Passed.');
  assert.equal(
    afterTool('show_asset', { error: 'no asset is staged yet' }),
    'I could not do that: no asset is staged yet.',
  );
  assert.equal(placeholderTranscript(12.34), '(12.3 s of speech)');
});
