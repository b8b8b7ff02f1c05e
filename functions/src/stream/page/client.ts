/**
 * The status page's script (runs in the browser; kept as a string so the build ships it with the
 * server). It connects to /stream/muse-status with the token from its own URL, reconnects by
 * itself (at once after a 1012, else backing off up to 10 s) and resumes from the last seq it saw,
 * and renders every frame as something to read: the status as facts, events as the timeline's
 * sentences (`event.text`, core/timeline.ts), the gallery and gates frames as cards, the wallet
 * frame as a uPlot chart, talk replies as text and tool results as cards. Text only ever goes in
 * through textContent, never as HTML. `window.musePage` lets a later voice module use the socket.
 */
export const PAGE_SCRIPT = String.raw`
(() => {
  const $ = (id) => document.getElementById(id);
  const token = new URLSearchParams(location.search).get('token') || '';
  const wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/stream/muse-status';
  let ws, lastSeq = null, retry = 0, said = 0, status = {}, chart = null, series = null;
  const listeners = [];
  const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined && text !== null) e.textContent = String(text); return e; };
  const money = (n, cur) => typeof n === 'number' ? String(Math.round(n * 100) / 100) + (cur ? ' ' + cur : '') : '-';
  const pct = (d) => typeof d !== 'number' ? '' : Number((d < 1 ? d * 100 : d).toFixed(1)) + ' %';
  const hhmm = (iso) => { const d = new Date(iso); return isNaN(d) ? '' : d.toTimeString().slice(0, 5); };
  const words = (t) => String(t || 'event').replace(/[._]+/g, ' ');
  const set = (id, v) => { $(id).textContent = v === undefined || v === null || v === '' ? '-' : String(v); };

  // --- status ---
  function loopWords(s) {
    const l = s.loop;
    if (isObj(l)) return { state: l.state || l.status || '-', reason: l.reason || '' };
    return { state: l || '-', reason: '' };
  }
  function nowDoing(s) {
    const l = loopWords(s);
    if (isObj(s.breaker) && s.breaker.tripped) return 'paused: the breaker tripped' + (s.breaker.reason ? ' (' + s.breaker.reason + ')' : '');
    if (l.state === 'paused') return 'paused' + (l.reason ? ': ' + l.reason : '');
    const busy = (s.runs || []).filter((r) => isObj(r) && (r.state === 'running' || r.state === 'queued'));
    if (busy.length) return 'working on ' + busy.map((r) => "'" + r.topic + "' (" + r.step + ')').join(', ');
    const t = s.lastTick;
    if (isObj(t) && t.status) return 'waiting for the next trend scan (last: ' + t.status + (t.intents !== undefined ? ', ' + t.intents + ' new intents' : '') + ')';
    return 'waiting';
  }
  function render(s) {
    status = isObj(s) ? s : {};
    s = status;
    const l = loopWords(s);
    set('loop', l.state); $('loop-reason').textContent = l.reason;
    $('now').textContent = nowDoing(s);
    const w = isObj(s.wallet) ? s.wallet : {};
    set('wallet-balance', money(w.balance, w.currency));
    set('wallet-available', money(w.available, w.currency));
    set('wallet-burn', typeof w.burnRatePerHour === 'number' ? money(w.burnRatePerHour, w.currency) + ' / h' : '-');
    const b = s.breaker;
    set('breaker', isObj(b) ? (b.tripped || b.active ? 'TRIPPED' : 'armed') + (b.reason ? ' (' + b.reason + ')' : '') : 'armed');
    $('breaker').className = isObj(b) && (b.tripped || b.active) ? 'bad' : 'good';
    const m = s.safeMode;
    set('safe-mode', isObj(m) ? (m.active ? 'ON' : 'off') + (m.consecutiveRejections !== undefined ? ', rejections ' + m.consecutiveRejections : '') : m);
    const t = s.lastTick;
    set('last-tick', isObj(t) ? [t.at ? hhmm(t.at) : '', t.status, t.reason].filter(Boolean).join(' - ') : t);
    const src = Array.isArray(s.trendSources) ? s.trendSources.filter((h) => isObj(h) && h.enabled) : [];
    const bad = src.filter((h) => h.ok === false);
    set('sources', src.length ? src.filter((h) => h.ok).length + ' of ' + src.length + ' ok' + (bad.length ? '; failing: ' + bad.map((h) => h.id + ' (' + h.lastError + ', ' + h.consecutiveFailures + 'x)').join(', ') : '') : '-');
    const v = s.lastVerdict;
    set('verdict', isObj(v) && typeof v.drift === 'number' ? (v.pass === false ? 'off voice' : 'on voice') + ', drift ' + pct(v.drift) : '-');
    list('intents', s.intents, intentItem, 'No intents yet.');
    list('runs', (s.runs || []).filter(isObj), (r) => [el('span', '', "'" + (r.topic || r.runId) + "'"), el('span', 'chip', r.step), el('span', 'chip', r.state)], 'Nothing in production.');
    list('incidents', s.openIncidents, (i) => [el('span', 'chip sev-' + (i.severity || ''), i.severity || 'incident'), el('span', '', i.summary || i.title || i.id), el('span', 'chip', (i.status || 'open') + (i.level ? ', level ' + i.level : ''))], 'No open incidents.');
    if (chart && series) drawChart(series);
  }
  function list(id, items, fmt, none) {
    const ul = $(id); ul.replaceChildren();
    const arr = Array.isArray(items) ? items.filter(isObj) : [];
    if (!arr.length) { ul.append(el('li', 'empty', none)); return; }
    for (const it of arr) { const li = el('li'); li.append(...fmt(it)); ul.append(li); }
  }
  function intentItem(i) {
    const parts = [el('span', '', i.topic || i.title || i.id), el('span', 'chip', i.status || 'new')];
    if (typeof i.vvs === 'number') parts.push(el('span', 'vvs', 'VVS ' + Number(i.vvs.toFixed(2))));
    return parts;
  }

  // --- the timeline ---
  function timeline(e) {
    if (!isObj(e)) return;
    const li = el('li');
    const t = el('time', '', hhmm(e.at)); t.dateTime = e.at || '';
    li.append(t, el('span', '', e.text || words(e.type)));
    li.dataset.type = e.type || '';
    $('timeline').prepend(li);
    while ($('timeline').children.length > 200) $('timeline').lastChild.remove();
  }

  // --- the gallery and the cards ---
  function assetCard(a) {
    const card = el('article', 'asset');
    const media = Array.isArray(a.media) ? a.media.filter((m) => isObj(m) && m.url) : [];
    const anim = media.find((m) => m.kind === 'animatic' || m.kind === 'video');
    const frames = media.filter((m) => m.kind === 'frame');
    if (anim && /^video\//.test(anim.contentType || '')) {
      const v = el('video', 'pic'); v.src = anim.url; v.muted = true; v.loop = true; v.autoplay = true; v.playsInline = true; v.controls = true;
      if (frames[0]) v.poster = frames[0].url;
      card.append(v);
    } else if (anim || frames[0]) {
      const img = el('img', 'pic'); img.src = (anim || frames[0]).url; img.alt = a.title || a.topic || 'staged asset'; img.loading = 'lazy';
      card.append(img);
    } else {
      const shots = el('ol', 'pic shots');
      for (const s of (a.shots || []).slice(0, 6)) shots.append(el('li', '', s.description));
      if (!shots.children.length) shots.append(el('li', '', a.topic || 'no shots'));
      card.append(shots);
    }
    if (frames.length > 1) {
      const strip = el('div', 'strip');
      for (const f of frames.slice(0, 8)) { const i = el('img'); i.src = f.url; i.alt = 'shot ' + (f.shot ?? ''); i.loading = 'lazy'; strip.append(i); }
      card.append(strip);
    }
    const body = el('div', 'body');
    body.append(el('div', 'title', a.title || a.topic || a.id));
    if (a.hook) body.append(el('div', 'hook', a.hook));
    const meta = [a.topic ? "'" + a.topic + "'" : '', typeof a.drift === 'number' ? 'drift ' + pct(a.drift) : '', typeof a.cost === 'number' ? money(a.cost, a.currency) : '', a.createdAt ? hhmm(a.createdAt) : ''].filter(Boolean).join(' · ');
    body.append(el('div', 'meta', meta));
    card.append(body);
    card.dataset.asset = a.id || '';
    return card;
  }
  /** A staged asset as the toolbox returns it (the stored document) as a card's fields. */
  function assetFromDoc(d) {
    const n = isObj(d.narrative) ? d.narrative : {};
    const v = isObj(d.verdict) ? d.verdict : {};
    const c = isObj(d.cost) ? d.cost : {};
    const shots = isObj(d.visual) && Array.isArray(d.visual.shots) ? d.visual.shots : [];
    return { id: d.id, topic: d.topic, title: n.title, hook: n.hook, drift: v.drift, cost: c.actual, currency: c.currency, createdAt: d.createdAt, shots: shots, media: d.media };
  }
  function gallery(assets) {
    const g = $('gallery'); g.replaceChildren();
    if (!Array.isArray(assets) || !assets.length) { g.append(el('p', 'empty', 'Nothing staged yet.')); return; }
    for (const a of assets) if (isObj(a)) g.append(assetCard(a));
  }
  function gates(items) {
    list('gates', items, (g) => [el('span', '', g.workflow + ': ' + g.stepId), el('span', 'chip', (g.edges || []).join(' / ')), el('span', 'meta', g.runId)], 'No gates waiting.');
  }

  // --- the wallet chart (uPlot, served with the page) ---
  function drawChart(s) {
    series = s;
    const box = $('chart');
    if (typeof uPlot !== 'function') { box.textContent = 'Chart unavailable.'; return; }
    const width = Math.max(240, box.clientWidth || 300);
    const data = [s.t, s.balance.map((b) => b === null && typeof status.wallet?.balance === 'number' ? status.wallet.balance : b), s.burnPerHour];
    if (chart) { chart.setData(data); chart.setSize({ width, height: 200 }); return; }
    box.replaceChildren();
    const cur = (isObj(status.wallet) && status.wallet.currency) || '';
    chart = new uPlot({
      width, height: 200,
      legend: { show: true },
      scales: { x: { time: true }, burn: { range: (u, min, max) => [0, Math.max(max, 0.01) * 1.2] } },
      axes: [{}, { label: 'balance' + (cur ? ' (' + cur + ')' : ''), size: 60 }, { scale: 'burn', side: 1, label: 'burn / h', grid: { show: false }, size: 50 }],
      series: [{}, { label: 'balance', stroke: '#3451d1', width: 2, fill: 'rgba(52,81,209,.08)' },
        { label: 'burn / h', scale: 'burn', stroke: '#b3261e', fill: 'rgba(179,38,30,.25)', paths: uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.9, 8] }) : undefined, points: { show: false } }],
    }, data, box);
  }
  addEventListener('resize', () => { if (chart) chart.setSize({ width: Math.max(240, $('chart').clientWidth), height: 200 }); });

  // --- talk ---
  function say(cls, text) {
    const div = el('div', 'msg ' + cls, text);
    $('talk-log').append(div); $('talk-log').scrollTop = 1e9;
    return div;
  }
  function facts(pairs) {
    const dl = el('dl', 'facts');
    for (const [k, v] of pairs) if (v !== undefined && v !== null && v !== '') dl.append(el('dt', '', k), el('dd', '', v));
    return dl;
  }
  function toolCard(f) {
    const card = el('div', 'card tool');
    card.dataset.tool = f.tool;
    const title = { show_asset: 'Staged asset', get_status: 'Status', list_intents: 'Intents', explain_last_verdict: "The critic's last verdict" }[f.tool] || words(f.tool);
    card.append(el('h3', '', title));
    const r = f.result;
    if (!f.ok) card.append(el('p', 'bad', f.error || 'failed'));
    else if (f.tool === 'show_asset' && isObj(r)) card.append(assetCard(assetFromDoc(r)));
    else if (f.tool === 'get_status' && isObj(r)) {
      const w = isObj(r.wallet) ? r.wallet : {};
      card.append(facts([
        ['Doing', nowDoing(r)],
        ['Wallet', money(w.balance, w.currency) + (typeof w.burnRatePerHour === 'number' ? ', burning ' + money(w.burnRatePerHour) + ' / h' : '')],
        ['Breaker', isObj(r.breaker) && r.breaker.tripped ? 'TRIPPED' : 'armed'],
        ['Safe mode', isObj(r.safeMode) && r.safeMode.active ? 'ON' : 'off'],
        ['Open incidents', Array.isArray(r.openIncidents) ? String(r.openIncidents.length) : '0'],
      ]));
    } else if (f.tool === 'list_intents' && isObj(r)) {
      const ul = el('ul', 'plain');
      for (const i of (r.intents || []).filter(isObj)) { const li = el('li'); li.append(...intentItem(i)); ul.append(li); }
      if (!ul.children.length) ul.append(el('li', 'empty', 'No intents yet.'));
      card.append(ul);
    } else if (f.tool === 'explain_last_verdict' && isObj(r)) card.append(el('p', '', r.explanation || 'No verdict yet.'));
    else if (isObj(r)) card.append(facts(Object.entries(r).filter(([, v]) => typeof v !== 'object').slice(0, 8).map(([k, v]) => [words(k), String(v)])));
    else card.append(el('p', '', String(r)));
    $('talk-log').append(card); $('talk-log').scrollTop = 1e9;
  }

  // --- the socket ---
  let wasLive = false;
  /** connecting (first time), live, down (closed: offline), reconnecting: the banner shows from the first drop until live again. */
  function state(s) {
    if (s === 'live') wasLive = true;
    $('conn').dataset.state = s; $('conn').textContent = s === 'down' ? 'offline' : s;
    $('offline').hidden = s === 'live' || (s === 'connecting' && !wasLive);
  }
  function connect() {
    state(wasLive || retry ? 'reconnecting' : 'connecting');
    ws = new WebSocket(wsUrl + '?token=' + encodeURIComponent(token) + (lastSeq !== null ? '&resume=' + lastSeq : ''));
    ws.onopen = () => { retry = 0; };
    ws.onmessage = (m) => {
      let f; try { f = JSON.parse(m.data); } catch { return; }
      for (const fn of listeners) try { fn(f); } catch {}
      if (f.type === 'hello') {
        state('live'); lastSeq = f.seq; render(f.status);
        if (!f.resumed) { $('timeline').replaceChildren(); (f.recent || []).forEach(timeline); }
      } else if (f.type === 'status' || f.type === 'event') {
        if (lastSeq !== null && f.seq <= lastSeq) return; // already seen
        lastSeq = f.seq;
        if (f.type === 'status') render(f.status); else timeline(f.event);
      } else if (f.type === 'gallery') gallery(f.assets);
      else if (f.type === 'gates') gates(f.gates);
      else if (f.type === 'wallet' && isObj(f.series)) drawChart(f.series);
      else if (f.type === 'reply') say('muse', f.text);
      else if (f.type === 'tool_result') toolCard(f);
      else if (f.type === 'error') say('note', f.message);
      $('seq').textContent = lastSeq === null ? '-' : String(lastSeq);
    };
    ws.onclose = (e) => {
      state('down');
      if (e.code === 1008 && e.reason === 'rate limit exceeded') say('note', 'closed: ' + e.reason);
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
    say('you', t); $('say').value = '';
  });
  // The network dropped: say so now rather than when the socket finally times out; back: retry at once.
  addEventListener('offline', () => state('down'));
  addEventListener('online', () => { if (ws && ws.readyState !== 1) { retry = 0; try { ws.close(); } catch {} } else if (ws) state('live'); });
  window.musePage = { socket: () => ws, onFrame: (fn) => listeners.push(fn), say };
  connect();
})();
`;
