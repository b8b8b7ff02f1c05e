/**
 * Voice benchmark clients child: `n` WebSocket clients, each talking in turns like a person: about a
 * second of speech streamed in real time (100 ms chunks every 100 ms), `audio_end`, then waiting
 * for the muse's whole answer before speaking again. Measures end of speech (the `audio_end` sent)
 * to the first audio frame of the answer.
 *
 *   messages in:  talk {url, n, ms} -> talked {latencies: [sentAt, ms][], startedAt, turns, errors}
 */
import { WebSocket } from 'ws';
import { samplesToBytes } from '../functions/src/voice/core/pcm.js';
import { synthesize } from '../functions/src/voice/core/synth.js';

const send = (m: unknown) => process.send?.(m);
const SPEECH = samplesToBytes(synthesize('hello there muse', 16_000));
const CHUNK = 3200;

async function talker(
  url: string,
  until: number,
  latencies: Array<[number, number]>,
  counts: { turns: number; errors: string[] },
) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  let endedAt = 0;
  let waitingFirst = false;
  let turnDone: () => void = () => {};
  ws.on('message', (data) => {
    const text = String(data);
    if (waitingFirst && text.startsWith('{"type":"audio"')) {
      latencies.push([endedAt, performance.now() - endedAt]);
      waitingFirst = false;
    } else if (text.startsWith('{"type":"turn_complete"')) turnDone();
    else if (text.startsWith('{"type":"voice_error"')) counts.errors.push(text);
  });
  while (performance.now() < until) {
    for (let i = 0; i < SPEECH.length; i += CHUNK) {
      ws.send(SPEECH.subarray(i, i + CHUNK));
      await new Promise((r) => setTimeout(r, 100));
    }
    const done = new Promise<void>((r) => (turnDone = r));
    endedAt = performance.now();
    waitingFirst = true;
    ws.send('{"type":"audio_end"}');
    await done;
    counts.turns++;
    // A person takes a breath before speaking again.
    await new Promise((r) => setTimeout(r, 300 + Math.random() * 400));
  }
  ws.close();
}

process.on('message', (m: { cmd: string; url?: string; n?: number; ms?: number }) => {
  if (m.cmd === 'talk') {
    // [when the audio_end was sent (performance.now), ms to the first audio]
    const latencies: Array<[number, number]> = [];
    const counts = { turns: 0, errors: [] as string[] };
    const startedAt = performance.now();
    const until = startedAt + m.ms!;
    // Start staggered over a second, as people do not all start at the same instant.
    const all = Array.from({ length: m.n! }, (_, i) =>
      new Promise((r) => setTimeout(r, (i * 1000) / m.n!)).then(() =>
        talker(m.url!, until, latencies, counts),
      ),
    );
    void Promise.all(all).then(() =>
      send({ cmd: 'talked', latencies, startedAt, turns: counts.turns, errors: counts.errors }),
    );
  }
  if (m.cmd === 'exit') process.exit(0);
});
send({ cmd: 'up' });
