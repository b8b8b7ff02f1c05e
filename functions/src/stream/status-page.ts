/**
 * The status page served at /status: one small HTML document with inline JS and no framework. It
 * reads the token from its own URL (?token=), connects to /stream/muse-status on the same host,
 * shows the live status, open incidents and the event feed, and has a box to talk to the muse.
 * It reconnects by itself (backoff up to 10 s) and resumes from the last seq it saw. It is kept
 * as a TypeScript string so the build ships it with the server code.
 */
export const STATUS_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Muse status</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1rem auto; max-width: 60rem; padding: 0 1rem; color: #222; }
  h1 { font-size: 1.3rem; } h2 { font-size: 1rem; margin: 1rem 0 .3rem; }
  #conn { font-size: .85rem; padding: .1rem .5rem; border-radius: 1rem; background: #eee; }
  #conn[data-state=live] { background: #cfc; } #conn[data-state=down] { background: #fcc; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
  dt { font-weight: 600; } dd { margin: 0; }
  ul { margin: 0; padding-left: 1.2rem; } #feed { max-height: 20rem; overflow: auto; font-family: monospace; font-size: 12px; }
  #talk-log { max-height: 15rem; overflow: auto; border: 1px solid #ddd; padding: .3rem; white-space: pre-wrap; }
  .you { color: #555; } .muse { color: #036; } .tool { color: #640; font-family: monospace; font-size: 12px; }
  form { display: flex; gap: .5rem; margin-top: .3rem; } input { flex: 1; }
</style>
</head>
<body>
<h1>The muse, live <span id="conn" data-state="connecting">connecting</span></h1>
<dl>
  <dt>Loop</dt><dd id="loop">-</dd>
  <dt>Wallet</dt><dd id="wallet">-</dd>
  <dt>Breaker</dt><dd id="breaker">-</dd>
  <dt>Safe mode</dt><dd id="safe-mode">-</dd>
  <dt>Last tick</dt><dd id="last-tick">-</dd>
  <dt>Sources</dt><dd id="sources">-</dd>
  <dt>Seq</dt><dd id="seq">-</dd>
</dl>
<h2>Intents</h2><ul id="intents"></ul>
<h2>Runs</h2><ul id="runs"></ul>
<h2>Open incidents</h2><ul id="incidents"></ul>
<h2>Events</h2><ul id="feed"></ul>
<h2>Talk to the muse</h2>
<div id="talk-log"></div>
<form id="talk"><input id="say" maxlength="2000" placeholder="Say something (try: show me the latest image)" autocomplete="off"><button>Send</button></form>
<script>
(() => {
  const $ = (id) => document.getElementById(id);
  const token = new URLSearchParams(location.search).get('token') || '';
  const wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/stream/muse-status';
  let ws, lastSeq = null, retry = 0, said = 0;
  const show = (v) => v === undefined || v === null ? '-' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  const text = (id, v) => { $(id).textContent = show(v); };
  const list = (id, items, fmt) => {
    const ul = $(id); ul.replaceChildren();
    for (const it of items || []) { const li = document.createElement('li'); li.textContent = fmt(it); ul.append(li); }
  };
  function render(s) {
    s = s || {};
    text('loop', s.loop && typeof s.loop === 'object' ? (s.loop.state || s.loop.status || show(s.loop)) : s.loop);
    const w = s.wallet;
    text('wallet', w && typeof w === 'object' ? ['balance', 'reserved', 'burnRate'].filter((k) => k in w).map((k) => k + ' ' + show(w[k])).join(', ') || show(w) : w);
    const b = s.breaker;
    text('breaker', b && typeof b === 'object' ? (b.tripped || b.active ? 'TRIPPED' : 'armed') + (b.reason ? ' (' + b.reason + ')' : '') : 'armed');
    const m = s.safeMode;
    text('safe-mode', m && typeof m === 'object' ? (m.active ? 'ON' : 'off') + (m.consecutiveRejections !== undefined ? ', rejections ' + m.consecutiveRejections : '') : m);
    const t = s.lastTick;
    text('last-tick', t && typeof t === 'object' ? [t.at, t.status, t.reason].filter(Boolean).join(' - ') || show(t) : t);
    const src = Array.isArray(s.trendSources) ? s.trendSources.filter((h) => h.enabled) : [];
    const bad = src.filter((h) => h.ok === false);
    text('sources', src.length ? src.filter((h) => h.ok).length + ' of ' + src.length + ' ok' + (bad.length ? '; failing: ' + bad.map((h) => h.id + ' (' + h.lastError + ', ' + h.consecutiveFailures + 'x)').join(', ') : '') : '-');
    list('intents', s.intents, (i) => typeof i === 'object' ? [i.topic || i.title || i.id, i.status, i.vvs !== undefined ? 'VVS ' + i.vvs : ''].filter(Boolean).join(' - ') : show(i));
    list('runs', s.runs, (r) => typeof r === 'object' ? [r.runId || r.id, r.state || r.status].filter(Boolean).join(' - ') : show(r));
    list('incidents', s.openIncidents, (i) => [i.id, i.severity, i.status, i.summary].filter(Boolean).join(' - '));
  }
  function feed(e) {
    const li = document.createElement('li');
    li.textContent = (e.at || '') + ' ' + e.type + (e.runId ? ' [' + e.runId + ']' : '') + ' ' + JSON.stringify(e.data || {});
    $('feed').prepend(li);
    while ($('feed').children.length > 200) $('feed').lastChild.remove();
  }
  function log(cls, msg) {
    const div = document.createElement('div'); div.className = cls; div.textContent = msg;
    $('talk-log').append(div); $('talk-log').scrollTop = 1e9;
  }
  function state(s) { $('conn').dataset.state = s; $('conn').textContent = s; }
  function connect() {
    state(retry ? 'reconnecting' : 'connecting');
    ws = new WebSocket(wsUrl + '?token=' + encodeURIComponent(token) + (lastSeq !== null ? '&resume=' + lastSeq : ''));
    ws.onopen = () => { retry = 0; };
    ws.onmessage = (m) => {
      const f = JSON.parse(m.data);
      if (f.type === 'hello') { state('live'); lastSeq = f.seq; render(f.status); if (!f.resumed) { $('feed').replaceChildren(); (f.recent || []).forEach(feed); } }
      else if (f.type === 'status' || f.type === 'event') {
        if (lastSeq !== null && f.seq <= lastSeq) return; // already seen
        lastSeq = f.seq;
        if (f.type === 'status') render(f.status); else feed(f.event);
      } else if (f.type === 'reply') log('muse', 'muse: ' + f.text);
      else if (f.type === 'tool_result') log('tool', f.tool + (f.ok ? ': ' + JSON.stringify(f.result, null, 1) : ' failed: ' + f.error));
      else if (f.type === 'error') log('tool', 'error: ' + f.message);
      text('seq', lastSeq);
    };
    ws.onclose = (e) => {
      state('down');
      if (e.code === 1008 && e.reason === 'rate limit exceeded') log('tool', 'closed: ' + e.reason);
      // 1012 (service restart) means a deploy: come back at once; otherwise back off.
      const delay = e.code === 1012 ? 100 : Math.min(10000, 250 * 2 ** retry++);
      setTimeout(connect, delay);
    };
  }
  $('talk').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const t = $('say').value.trim();
    if (!t || !ws || ws.readyState !== 1) return;
    ws.send(JSON.stringify({ type: 'say', text: t, id: 'm' + ++said }));
    log('you', 'you: ' + t); $('say').value = '';
  });
  connect();
})();
</script>
</body>
</html>
`;
