/**
 * Talking to the muse from the status page, in real headless Chromium with a fake microphone that
 * plays a WAV made here from the synthesiser (speech, then silence). The page is served by the
 * product's stream server wired as deployed (`streamServerDepsOf`: the local live model, the CFO
 * wallet on the Firestore emulator). The page captures, resamples and sends the audio; the server
 * starts (and reserves) a session; the local model answers in audio and calls `get_status`; the
 * page plays the answer, shows both transcripts and the tool's card. With the breaker tripped the
 * page says so in words. The mid-conversation screenshot lands in docs/.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { loadConfig } from '../../functions/src/config.js';
import type { Container } from '../../functions/src/platform/container.js';
import { createStreamServer, type StreamServer } from '../../functions/src/stream/server.js';
import { synthesize } from '../../functions/src/voice/core/synth.js';
import { createApp } from '../../functions/src/wiring/app.js';
import { museOf } from '../../functions/src/wiring/muse.js';
import { streamServerDepsOf } from '../../functions/src/wiring/stream.js';
import { launchBrowser } from '../helpers/browser.js';
import { requireEmulator, uniqueProjectId } from '../helpers/firestore.js';
import { SECRET, token } from './helpers.js';

const DOCS = join(import.meta.dirname, '..', '..', 'docs');
const WAIT = { timeout: 60_000 };
const admin = { kind: 'user' as const, id: 'U-fin' };
const dir = mkdtempSync(join(tmpdir(), 'muse-voice-page-'));
let app: Container;
let server: StreamServer;
let http: Server;
let browser: BrowserContext;
let pageUrl: string;

interface VoiceStats {
  sentChunks: number;
  sentBytes: number;
  audioEnds: number;
  receivedChunks: number;
  scheduledSeconds: number;
  playedChunks: number;
  started: number;
  errors: string[];
  contextTime: number;
  state: string;
}

/** 16-bit mono PCM as a WAV file (the format Chromium's fake capture device reads). */
function wav(samples: Int16Array, rate: number): Buffer {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0);
  h.writeUInt32LE(36 + data.length, 4);
  h.write('WAVEfmt ', 8);
  h.writeUInt32LE(16, 16);
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(rate, 24);
  h.writeUInt32LE(rate * 2, 28);
  h.writeUInt16LE(2, 32);
  h.writeUInt16LE(16, 34);
  h.write('data', 36);
  h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

before(async () => {
  app = await createApp(
    loadConfig({
      GOOGLE_CLOUD_PROJECT: uniqueProjectId('voice-page'),
      MUSE_ENV: 'test',
      LOG_LEVEL: 'error',
      FIRESTORE_EMULATOR_HOST: requireEmulator('FIRESTORE_EMULATOR_HOST'),
      STREAM_TOKEN_SECRET: SECRET,
    }),
  );
  await museOf(app).wallet.credit({ key: 'seed-voice-page', amount: 20, actor: admin });
  await app.db
    .collection('muse')
    .doc('status')
    .set(
      {
        loop: { state: 'running' },
        intents: [{ id: 'i1', topic: 'micro dramas', status: 'producing', vvs: 0.82 }],
        runs: [],
      },
      { merge: true },
    );
  server = createStreamServer(streamServerDepsOf(app));
  await server.start();
  http = createServer((req, res) => void (server.handleHttp(req, res) || res.writeHead(404).end()));
  http.on('upgrade', (req, socket, head) => server.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  pageUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}/status?token=${await token()}`;

  // Over 1.5 s of speech (so the local model, with no keyword to go on, asks for the status), then
  // long enough a silence that the answer is heard before the fake device loops the file.
  const said = synthesize('hello muse, how are you doing today and what is new', 16_000);
  const samples = new Int16Array(said.length + 16_000 * 10);
  samples.set(said, 8_000);
  assert.ok(said.length / 16_000 >= 1.5, `speech lasts ${said.length / 16_000} s`);
  const file = join(dir, 'speech.wav');
  writeFileSync(file, wav(samples, 16_000));
  browser = await launchBrowser(join(dir, 'profile'), [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${file}`,
    '--autoplay-policy=no-user-gesture-required',
  ]);
});
after(async () => {
  await browser?.close();
  await server?.close();
  http?.closeAllConnections();
  await new Promise<void>((r) => (http ? http.close(() => r()) : r()));
  await app?.db.terminate();
  rmSync(dir, { recursive: true, force: true });
});

const stats = (page: Page) =>
  page.evaluate(() =>
    (window as unknown as { musePage: { voiceStats(): VoiceStats } }).musePage.voiceStats(),
  );

async function openPage(width: number): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewportSize({ width, height: 900 });
  await page.goto(pageUrl);
  await page.waitForSelector('#conn[data-state=live]', WAIT);
  await page.waitForSelector('#mic:not([hidden])', WAIT);
  return page;
}

const voiceEntries = async () =>
  (await museOf(app).wallet.ledger({ limit: 100 })).entries.filter((e) => e.key.startsWith('voice-'));

test('the page sends the microphone, plays the answer, and shows both transcripts and a tool card', async () => {
  const page = await openPage(1280);
  assert.equal(await page.textContent('#mic'), 'Talk');
  await page.click('#mic');
  await page.waitForSelector('#voice-state[data-state=listening]', WAIT);
  // The person's words come back as their transcript once the server heard the utterance end.
  await page.waitForSelector('.msg.you.voice[data-final=true]', WAIT);
  await page.click('#mic'); // released: audio_end
  await page.waitForSelector('.msg.muse.voice[data-final=true]', WAIT);
  await page.waitForSelector('#talk-log .card.tool[data-tool=get_status]', WAIT);
  await page.waitForFunction(
    () =>
      (window as unknown as { musePage: { voiceStats(): VoiceStats } }).musePage.voiceStats().receivedChunks >
      0,
    undefined,
    WAIT,
  );
  await page.screenshot({ path: join(DOCS, 'status-page-voice.png') });

  const s = await stats(page);
  assert.ok(s.sentChunks > 10, `the page sent ${s.sentChunks} chunks of audio`);
  assert.equal(s.sentBytes % 2, 0, 'whole 16-bit samples');
  assert.ok(s.sentBytes >= 1.5 * 32_000, `at least the 1.5 s of speech went out (${s.sentBytes} bytes)`);
  assert.equal(s.started, 1, 'the server started one voice session');
  assert.ok(s.scheduledSeconds > 0.5, `the answer was queued for playback (${s.scheduledSeconds} s)`);
  assert.deepEqual(s.errors, []);

  // The answer plays: the context's clock runs and queued pieces finish playing.
  await page.waitForFunction(
    () =>
      (window as unknown as { musePage: { voiceStats(): VoiceStats } }).musePage.voiceStats().playedChunks >
      0,
    undefined,
    WAIT,
  );
  assert.ok((await stats(page)).contextTime > 0, 'the audio clock advanced');

  const user = await page.textContent('.msg.you.voice');
  assert.match(user ?? '', /s of speech/, 'the person’s transcript');
  const muse = await page.textContent('.msg.muse.voice[data-final=true]');
  assert.ok((muse ?? '').trim().length > 5, `the muse's transcript: ${muse}`);
  const card = await page.textContent('.card.tool[data-tool=get_status]');
  assert.match(card ?? '', /Wallet/);
  assert.doesNotMatch(card ?? '', /[{}"]/, 'the card is words, not JSON');

  // Server side: a session was started and reserved in the CFO wallet.
  const reserved = (await voiceEntries()).filter((e) => e.type === 'reserve');
  assert.equal(reserved.length, 1, 'one voice session reserved');

  // Hanging up ends the session: the wallet releases it.
  await page.click('#hangup');
  let entries = await voiceEntries();
  for (let i = 0; i < 200 && !entries.some((e) => e.key.endsWith('~release')); i++) {
    await new Promise((r) => setTimeout(r, 100));
    entries = await voiceEntries();
  }
  assert.ok(
    entries.some((e) => e.key.endsWith('~release')),
    'the session was settled after hanging up',
  );
  await page.waitForSelector('#hangup[hidden]', { ...WAIT, state: 'attached' });
  await page.close();
});

test('while the breaker holds, the page says why the muse cannot talk', async () => {
  await museOf(app).wallet.trip({ reason: 'test trip', actor: admin });
  const page = await openPage(390);
  await page.click('#mic');
  const note = await page.waitForSelector('.msg.voice-error[data-code=breaker_open]', WAIT);
  assert.match((await note.textContent()) ?? '', /breaker is tripped/);
  await page.waitForSelector('#voice-state[hidden]', { ...WAIT, state: 'attached' });
  assert.equal(await page.textContent('#mic'), 'Talk', 'the microphone was let go');
  await page.close();
});
