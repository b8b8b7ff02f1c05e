/**
 * The status page served at /status, for the people who watch the muse: what it is doing now in
 * plain words, its latest pieces as a gallery, a timeline of what happened, the wallet over the
 * last 24 h as a chart, its intents with their VVS, the gates and incidents waiting on people
 * (read-only), and a box to talk to it, by text or by voice (page/voice.ts). On a phone the sections stack in the order people look
 * for them (the `order` of each); from 900 px they sit in two columns. One HTML document, no framework; its stylesheet and
 * script live beside it (page/), uPlot comes from the stream server itself (page/assets.ts). It is
 * kept as TypeScript strings so the build ships it with the server code.
 */
import { PAGE_ASSETS } from './page/assets.js';
import { PAGE_SCRIPT } from './page/client.js';
import { PAGE_CSS } from './page/style.js';
import { VOICE_SCRIPT } from './page/voice.js';

/** Only this origin's scripts and styles (plus the page's own inline ones); pictures from the media store's signed URLs. */
export const STATUS_PAGE_CSP =
  "default-src 'none'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; " +
  "connect-src 'self' ws: wss:; img-src 'self' data: https: http:; media-src https: http:";

export const STATUS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>The muse, live</title>
<link rel="stylesheet" href="${PAGE_ASSETS.uplotCss}">
<script src="${PAGE_ASSETS.uplotJs}"></script>
<style>${PAGE_CSS}</style>
</head>
<body>
<header>
  <h1>The muse, live</h1>
  <span id="conn" data-state="connecting">connecting</span>
  <p id="now">connecting to the muse...</p>
</header>
<div id="offline" role="status" hidden>Offline: reconnecting. What you see may be out of date.</div>
<main>
  <div class="col">
    <section aria-labelledby="h-gallery" style="order: 1"><h2 id="h-gallery">Latest pieces</h2><div id="gallery"><p class="empty">Nothing staged yet.</p></div></section>
    <section aria-labelledby="h-timeline" style="order: 2"><h2 id="h-timeline">What the muse is doing</h2><ol id="timeline"></ol></section>
    <section aria-labelledby="h-intents" style="order: 5"><h2 id="h-intents">Intents</h2><ul id="intents" class="plain"></ul></section>
    <section aria-labelledby="h-runs" style="order: 6"><h2 id="h-runs">In production</h2><ul id="runs" class="plain"></ul></section>
    <section aria-labelledby="h-loop" style="order: 9"><h2 id="h-loop">Loop</h2>
      <dl class="facts">
        <dt>Loop</dt><dd><span id="loop">-</span> <span id="loop-reason" class="warn"></span></dd>
        <dt>Breaker</dt><dd id="breaker">-</dd>
        <dt>Safe mode</dt><dd id="safe-mode">-</dd>
        <dt>Critic</dt><dd id="verdict">-</dd>
        <dt>Last scan</dt><dd id="last-tick">-</dd>
        <dt>Sources</dt><dd id="sources">-</dd>
        <dt>Seq</dt><dd id="seq">-</dd>
      </dl>
    </section>
  </div>
  <div class="col">
    <section aria-labelledby="h-wallet" style="order: 3"><h2 id="h-wallet">Wallet, last 24 h</h2>
      <div class="figures">
        <div class="figure"><b id="wallet-balance">-</b><span>balance</span></div>
        <div class="figure"><b id="wallet-available">-</b><span>available</span></div>
        <div class="figure"><b id="wallet-burn">-</b><span>burn rate</span></div>
      </div>
      <div id="chart"></div>
    </section>
    <section aria-labelledby="h-talk" style="order: 4"><h2 id="h-talk">Talk to the muse</h2>
      <div id="talk-log" aria-live="polite"></div>
      <form id="talk"><input id="say" maxlength="2000" placeholder="Try: show me the latest piece" autocomplete="off" aria-label="Say something"><button type="submit">Send</button><button id="mic" type="button" hidden aria-label="Talk by voice" aria-pressed="false">Talk</button><button id="hangup" type="button" hidden aria-label="Hang up">Hang up</button></form>
      <p id="voice-state" role="status" data-state="idle" hidden></p>
    </section>
    <section aria-labelledby="h-gates" style="order: 7"><h2 id="h-gates">Gates waiting for people</h2><ul id="gates" class="plain"><li class="empty">No gates waiting.</li></ul></section>
    <section aria-labelledby="h-incidents" style="order: 8"><h2 id="h-incidents">Open incidents</h2><ul id="incidents" class="plain"></ul></section>
  </div>
</main>
<script>${PAGE_SCRIPT}</script>
<script>${VOICE_SCRIPT}</script>
</body>
</html>
`;
