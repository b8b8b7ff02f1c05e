/**
 * The status page as people see it, in real headless Chromium at phone width (390 px) and desktop
 * width (1280 px): the gallery with its frames (served through the `signedUrl` port from a local
 * media server), the timeline in plain words, the wallet chart drawn by uPlot (served by the
 * stream server itself), intents with their VVS, gates and incidents, and a talk reply rendered
 * as text plus a card. Each check reads the page's elements; the screenshots land in docs/.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { BrowserContext, Page } from 'playwright-core';
import { recordEventNow } from '../../functions/src/engine/events.js';
import { systemActor } from '../../functions/src/shared/ports.js';
import { launchBrowser } from '../helpers/browser.js';
import { testFirestore } from '../helpers/firestore.js';
import { startStream, token, type RunningStream } from './helpers.js';

const DOCS = join(import.meta.dirname, '..', '..', 'docs');
const db = testFirestore();
const profile = mkdtempSync(join(tmpdir(), 'muse-chromium-'));
const signed: string[] = [];
let s: RunningStream;
let media: Server;
let browser: BrowserContext;
let page: Page;
let pageUrl: string;

/** A frame as the media store would hold it: a 9:16 picture with the shot's words on it. */
function framePng(shot: number, hue: number): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="360" height="640">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="hsl(${hue},60%,35%)"/><stop offset="1" stop-color="hsl(${hue + 60},70%,20%)"/>
    </linearGradient></defs>
    <rect width="360" height="640" fill="url(#g)"/>
    <circle cx="180" cy="260" r="90" fill="hsl(${hue + 30},80%,70%)" opacity=".55"/>
    <text x="24" y="600" font-family="sans-serif" font-size="28" fill="#fff">shot ${shot}</text>
  </svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

async function startMedia(): Promise<number> {
  const frames = new Map<string, Buffer>();
  for (const [i, hue] of [200, 320, 20].entries())
    frames.set(`md/frame-${i + 1}.png`, await framePng(i + 1, hue));
  frames.set('np/frame-1.png', await framePng(1, 140));
  media = createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/media\//, ''));
    const body = frames.get(name);
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': body.length }).end(body);
  });
  await new Promise<void>((r) => media.listen(0, '127.0.0.1', r));
  return (media.address() as AddressInfo).port;
}

const micros = (units: number) => Math.round(units * 1e6);

async function seed(): Promise<void> {
  const now = Date.now();
  const ago = (ms: number) => new Date(now - ms);
  await db
    .collection('muse')
    .doc('status')
    .set({
      loop: { state: 'running' },
      wallet: { balance: 41.3, reserved: 1.2, available: 40.1, currency: 'USD', burnRatePerHour: 0.9 },
      breaker: { tripped: false },
      safeMode: { active: false, consecutiveRejections: 0 },
      lastTick: {
        id: 't1',
        at: ago(600_000),
        status: 'completed',
        sourcesOk: 4,
        sourcesFailed: 0,
        candidates: 12,
        intents: 2,
        durationMs: 900,
      },
      intents: [
        { id: 'i1', topic: 'micro dramas', status: 'producing', vvs: 0.82 },
        { id: 'i2', topic: 'cozy mysteries', status: 'new', vvs: 0.67 },
      ],
      runs: [
        {
          runId: 'R-md',
          intentId: 'i1',
          topic: 'micro dramas',
          step: 'critic',
          state: 'running',
          mode: 'free',
          updatedAt: ago(1000),
        },
      ],
      lastVerdict: { runId: 'R-md', drift: 0.004, pass: true, notes: '', at: ago(1000) },
      trendSources: [
        { id: 'reddit-aivideo', kind: 'reddit', enabled: true, ok: true, consecutiveFailures: 0 },
      ],
    });
  await db.collection('incidents').doc('inc-1').set({
    status: 'open',
    severity: 'high',
    level: 1,
    summary: 'Trend source "gone" answers 404',
  });
  const asset = (id: string, topic: string, title: string, hook: string, at: Date, mediaList: unknown[]) =>
    db
      .collection('stagedAssets')
      .doc(id)
      .set({
        id,
        runId: `run-${id}`,
        intentId: 'i1',
        topic,
        mode: 'free',
        narrative: { title, hook, body: 'body', cta: 'Follow for part two.' },
        visual: {
          prompt: 'p',
          style: 's',
          aspectRatio: '9:16',
          shots: [
            { description: 'A phone lights up on a dark nightstand', durationSec: 2 },
            { description: 'She reads the message twice', durationSec: 3 },
            { description: 'The door handle turns', durationSec: 2 },
          ],
        },
        motion: {},
        verdict: { drift: 0.004, pass: true, threshold: 0.02, critic: 'local', notes: '' },
        cost: {
          currency: 'USD',
          estimated: 0.15,
          actual: 0.12,
          model: 'local',
          inputTokens: 1,
          outputTokens: 1,
        },
        bibleVersion: 1,
        createdAt: at,
        media: mediaList,
      });
  await asset(
    'a-md',
    'micro dramas',
    'Two Minutes to Midnight',
    'She had one call left, and she used it on a stranger.',
    ago(60_000),
    [
      { kind: 'frame', name: 'md/frame-1.png', contentType: 'image/png', shot: 1 },
      { kind: 'frame', name: 'md/frame-2.png', contentType: 'image/png', shot: 2 },
      { kind: 'frame', name: 'md/frame-3.png', contentType: 'image/png', shot: 3 },
    ],
  );
  await asset(
    'a-np',
    'night markets',
    'The Lantern Stall',
    'Every lantern here was lit by someone who left.',
    ago(3_600_000),
    [{ kind: 'frame', name: 'np/frame-1.png', contentType: 'image/png', shot: 1 }],
  );
  await asset(
    'a-old',
    'lo-fi study',
    'Rain on the Window',
    'Study with me until the rain stops.',
    ago(7_200_000),
    [],
  );
  // The ledger over the last day: a top-up, then a debit now and then.
  let balance = 10;
  let seq = 0;
  const entry = (at: Date, type: 'credit' | 'debit', amount: number) => {
    balance += type === 'credit' ? amount : -amount;
    seq += 1;
    return db
      .collection('ledger')
      .doc(`k${seq}`)
      .set({
        key: `k${seq}`,
        type,
        amount: micros(amount),
        seq,
        at,
        balanceAfter: micros(balance),
        reservedAfter: 0,
      });
  };
  await entry(ago(22 * 3_600_000), 'credit', 50);
  for (let h = 20; h >= 1; h -= 1)
    await entry(ago(h * 3_600_000 + 120_000), 'debit', 0.2 + ((h * 7) % 5) * 0.1);
  await db
    .collection('runs')
    .doc('R-demo')
    .set({
      id: 'R-demo',
      workflow: 'demo',
      status: 'awaiting_human',
      createdAt: ago(300_000),
      steps: { review: { status: 'gate' } },
      gates: { review: { stepId: 'review', edges: ['approve', 'reject'] } },
    });
  const muse = systemActor('muse');
  await recordEventNow(db, {
    type: 'muse.tick.completed',
    actor: muse,
    at: ago(50_000),
    data: { sourcesOk: 4, sourcesFailed: 0, candidates: 12, intents: 2 },
  });
  const step = (stepId: string, edge: string | null) =>
    db.runTransaction(async (tx) => {
      const id = `R-md~${stepId}`;
      tx.create(db.collection('events').doc(id), {
        id,
        runId: 'R-md',
        seq: 1,
        type: 'step.succeeded',
        at: new Date(),
        actor: muse,
        data: { stepId, attempt: 1, edge },
        committedAt: new Date(),
      });
    });
  await step('narrative', null);
  await step('critic', 'pass');
}

before(async () => {
  const port = await startMedia();
  await seed();
  s = await startStream(db, {
    signedUrl: async (name) => {
      signed.push(name);
      return `http://127.0.0.1:${port}/media/${encodeURIComponent(name)}?sig=test`;
    },
  });
  browser = await launchBrowser(profile);
  page = browser.pages()[0] ?? (await browser.newPage());
  pageUrl = `http://127.0.0.1:${s.port}/status?token=${encodeURIComponent(await token())}`;
});
after(async () => {
  await browser?.close();
  await s?.stop();
  await new Promise<void>((r) => (media ? media.close(() => r()) : r()));
  await db.terminate();
  rmSync(profile, { recursive: true, force: true });
});

/** Opens the page at `width` and waits until every part has arrived. */
async function open(width: number, height: number): Promise<void> {
  await page.setViewportSize({ width, height });
  await page.goto(pageUrl);
  await page.waitForSelector('#conn[data-state=live]', { timeout: 10_000 });
  await page.locator('#gallery .asset').nth(2).waitFor({ timeout: 10_000 });
  await page.locator('#chart .uplot canvas').first().waitFor({ timeout: 10_000 });
  await page.locator('#gates li', { hasText: 'demo: review' }).waitFor({ timeout: 10_000 });
  // Every frame picture has loaded (naturalWidth > 0), so the screenshot shows them.
  await page.waitForFunction(
    () =>
      Array.from(document.querySelectorAll('#gallery img')).every(
        (i) => (i as HTMLImageElement).naturalWidth > 0,
      ),
    undefined,
    { timeout: 10_000 },
  );
}

test('the stream server serves uPlot from node_modules with its content type and a long cache', async () => {
  const html = await (await fetch(`http://127.0.0.1:${s.port}/status`)).text();
  const js = /src="(\/status\/assets\/uplot-[\d.]+\.min\.js)"/.exec(html)?.[1];
  const css = /href="(\/status\/assets\/uplot-[\d.]+\.min\.css)"/.exec(html)?.[1];
  assert.ok(js && css, 'the page names both assets');
  const r = await fetch(`http://127.0.0.1:${s.port}${js}`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal(r.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.match(await r.text(), /uPlot/);
  const c = await fetch(`http://127.0.0.1:${s.port}${css}`);
  assert.equal(c.headers.get('content-type'), 'text/css; charset=utf-8');
  assert.match(await c.text(), /\.uplot/);
  assert.equal((await fetch(`http://127.0.0.1:${s.port}/status/assets/../../package.json`)).status, 404);
  assert.equal((await fetch(`http://127.0.0.1:${s.port}/status/assets/nope.js`)).status, 404);
  const post = await fetch(`http://127.0.0.1:${s.port}${js}`, { method: 'POST' });
  assert.equal(post.status, 405);
});

for (const [name, width, height] of [
  ['desktop', 1280, 1100],
  ['phone', 390, 844],
] as const) {
  test(`at ${name} width (${width} px) the page shows the gallery, timeline, chart, plans and a rendered talk reply`, async () => {
    await open(width, height);
    // The gallery: newest first, title and hook beside the frames the media store signed.
    const titles = await page.locator('#gallery .asset .title').allTextContents();
    assert.deepEqual(titles, ['Two Minutes to Midnight', 'The Lantern Stall', 'Rain on the Window']);
    assert.match(
      (await page.locator('#gallery .asset').first().textContent()) ?? '',
      /She had one call left/,
    );
    const src = (await page.locator('#gallery .asset').first().locator('img.pic').getAttribute('src')) ?? '';
    assert.match(src, /^http:\/\/127\.0\.0\.1:\d+\/media\/md%2Fframe-1\.png\?sig=test$/);
    assert.equal(await page.locator('#gallery .asset').first().locator('.strip img').count(), 3);
    assert.ok(signed.includes('md/frame-2.png'));
    // An asset without media shows its shots in words.
    assert.match(
      (await page.locator('#gallery .asset').nth(2).locator('.shots').textContent()) ?? '',
      /A phone lights up/,
    );
    // The timeline, in plain words and no JSON.
    const timeline = (await page.locator('#timeline').textContent()) ?? '';
    assert.match(timeline, /scanned 4 sources: 12 candidates, 2 new intents/);
    assert.match(timeline, /narrative for 'micro dramas' written/);
    assert.match(timeline, /critic: on voice, drift 0\.4 %/);
    assert.doesNotMatch(timeline, /[{}"]/);
    assert.match((await page.textContent('#now')) ?? '', /working on 'micro dramas' \(critic\)/);
    // The wallet: figures and a chart with both series.
    assert.equal(await page.textContent('#wallet-balance'), '41.3 USD');
    assert.equal(await page.textContent('#wallet-burn'), '0.9 USD / h');
    assert.ok(await page.locator('#chart .uplot canvas').first().isVisible());
    assert.match((await page.locator('#chart .u-legend').textContent()) ?? '', /balance[\s\S]*burn \/ h/);
    // Intents with their VVS, gates and incidents.
    assert.deepEqual(await page.locator('#intents .vvs').allTextContents(), ['VVS 0.82', 'VVS 0.67']);
    assert.match((await page.textContent('#gates')) ?? '', /demo: review\s*approve \/ reject/);
    assert.match((await page.textContent('#incidents')) ?? '', /high\s*Trend source "gone" answers 404/);
    // Talk: the reply as text, the tool result as a card with the asset's picture.
    await page.fill('#say', 'show me the latest piece');
    await page.click('#talk button[type=submit]');
    const card = page.locator('#talk-log .card[data-tool=show_asset]').last();
    await card.waitFor({ timeout: 5000 });
    assert.ok(((await page.locator('#talk-log .msg.muse').last().textContent()) ?? '').length > 0);
    assert.equal(await card.locator('.title').textContent(), 'Two Minutes to Midnight');
    assert.ok(await card.locator('img.pic').isVisible());
    assert.doesNotMatch((await page.textContent('#talk-log')) ?? '', /[{}]|"id"/);
    await page.fill('#say', 'how is your wallet?');
    await page.click('#talk button[type=submit]');
    const status = page.locator('#talk-log .card[data-tool=get_status]').last();
    await status.waitFor({ timeout: 5000 });
    assert.match((await status.textContent()) ?? '', /Wallet41\.3 USD, burning 0\.9 \/ h/);
    await page.waitForFunction(
      () =>
        Array.from(document.querySelectorAll('#talk-log img')).every(
          (i) => (i as HTMLImageElement).naturalWidth > 0,
        ),
      undefined,
      { timeout: 10_000 },
    );
    // Nothing is wider than the screen (no sideways scrolling at phone width).
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(DOCS, `status-page-${name}.png`), fullPage: true });
  });
}

test('it shows when it is offline, and comes back', async () => {
  const port = s.port;
  assert.equal(await page.isVisible('#offline'), false);
  await s.stop();
  // Until it is live again the banner shows, whether the socket is closed or reconnecting.
  await page.waitForFunction(
    () =>
      document.getElementById('conn')!.textContent === 'offline' &&
      !document.getElementById('offline')!.hidden,
    undefined,
    { timeout: 5000 },
  );
  s = await startStream(db, { port });
  await page.waitForSelector('#conn[data-state=live]', { timeout: 10_000 });
  assert.equal(await page.isVisible('#offline'), false);
  // The browser loses the network: the page says so at once, and is live again when it returns.
  await browser.setOffline(true);
  await page.waitForSelector('#conn[data-state=down]', { timeout: 5000 });
  assert.equal(await page.isVisible('#offline'), true);
  await browser.setOffline(false);
  await page.waitForSelector('#conn[data-state=live]', { timeout: 15_000 });
  assert.equal(await page.isVisible('#offline'), false);
});
