/**
 * The status page's voice (runs in the browser; a string shipped with the server, like client.ts).
 * It talks over the page's own socket through `window.musePage` (README, "Voice (protocol
 * additions)"): the microphone button captures mono audio, resamples it to 16 kHz 16-bit PCM in a
 * ScriptProcessor (no worklet module to load, so nothing beyond the page's own inline script and
 * its CSP), and sends it as ~100 ms binary chunks; releasing the button (or pressing it again)
 * sends `audio_end`, the hang-up button `voice_stop`. The muse's `audio` frames (24 kHz PCM) are
 * queued back to back on an AudioContext clock so they play without gaps; `interrupted`, pressing
 * the button, or speaking over the muse stops everything queued. Transcripts replace their line in
 * the talk box until `final`; refusals are said in plain words. `musePage.voiceStats()` reports
 * what was sent and played, for tests and for curious people.
 */
export const VOICE_SCRIPT = String.raw`
(() => {
  const page = window.musePage;
  const $ = (id) => document.getElementById(id);
  const AC = window.AudioContext || window.webkitAudioContext;
  const md = navigator.mediaDevices;
  if (!page || !AC || !md || typeof md.getUserMedia !== 'function') return; // no voice here: the button stays hidden
  const IN_RATE = 16000, OUT_RATE = 24000, CHUNK = 1600; // 100 ms at 16 kHz
  const SPEAKING_RMS = 0.03; // above this while the muse talks, the person is speaking over it
  const stats = { sentChunks: 0, sentBytes: 0, audioEnds: 0, receivedChunks: 0, scheduledSeconds: 0, playedChunks: 0, interruptions: 0, started: 0, errors: [] };
  let ctx = null, mic = null, source = null, proc = null, sink = null;
  let capturing = false, session = false, pressedAt = 0, heldByPointer = false;
  let pending = new Int16Array(CHUNK), filled = 0, pos = 0, carry = [];
  let queue = new Set(), playhead = 0, loudChunks = 0, thinking = false;
  const line = { user: null, muse: null };
  const btn = $('mic'), hang = $('hangup'), vstate = $('voice-state');
  btn.hidden = false;

  const context = () => {
    if (!ctx) { try { ctx = new AC({ sampleRate: OUT_RATE }); } catch { ctx = new AC(); } }
    if (ctx.state === 'suspended') void ctx.resume();
    return ctx;
  };
  const playing = () => queue.size > 0;
  function show() {
    const s = capturing ? 'listening' : playing() ? 'the muse is talking' : thinking ? 'the muse is thinking' : session ? 'on the line' : '';
    vstate.textContent = s; vstate.dataset.state = s ? s.split(' ').pop() : 'idle'; vstate.hidden = !s;
    btn.textContent = capturing ? 'Stop' : 'Talk'; btn.setAttribute('aria-pressed', String(capturing));
    btn.classList.toggle('live', capturing);
    hang.hidden = !session && !capturing;
  }

  // --- sending: resample to 16 kHz, 16-bit little-endian, ~100 ms a chunk ---
  function send(data) {
    const ws = page.socket();
    if (!ws || ws.readyState !== 1) return false;
    ws.send(data); return true;
  }
  function flush() {
    if (!filled) return;
    const buf = new ArrayBuffer(filled * 2), dv = new DataView(buf);
    for (let i = 0; i < filled; i++) dv.setInt16(i * 2, pending[i], true);
    if (send(buf)) { stats.sentChunks++; stats.sentBytes += buf.byteLength; }
    filled = 0;
  }
  function push(sample) {
    const v = Math.max(-1, Math.min(1, sample));
    pending[filled++] = v < 0 ? Math.round(v * 0x8000) : Math.round(v * 0x7fff);
    if (filled === CHUNK) flush();
  }
  /** Input at the context's rate to 16 kHz: each output sample averages the input it covers (a box low-pass), then interpolates. */
  function resample(input, rate) {
    const step = rate / IN_RATE;
    const all = carry.length ? Float32Array.from([...carry, ...input]) : input;
    let p = pos;
    const half = Math.max(0, Math.floor(step / 2));
    while (p + half + 1 < all.length) {
      const i = Math.floor(p), f = p - i;
      let v = all[i] * (1 - f) + all[i + 1] * f;
      if (half) { let sum = 0; for (let k = -half; k <= half; k++) sum += all[Math.max(0, i + k)]; v = sum / (2 * half + 1); }
      push(v);
      p += step;
    }
    const keep = Math.max(0, Math.floor(p) - half - 1);
    carry = Array.from(all.subarray(keep));
    pos = p - keep;
  }
  function heard(input) {
    let sum = 0; for (let i = 0; i < input.length; i++) sum += input[i] * input[i];
    const rms = Math.sqrt(sum / input.length);
    // Speaking over the muse: stop its voice here at once (the server will say interrupted too).
    loudChunks = rms > SPEAKING_RMS ? loudChunks + 1 : 0;
    if (loudChunks >= 2 && playing()) stopPlayback();
  }

  async function start() {
    if (capturing) return;
    const c = context();
    stopPlayback(); // pressing to talk is speaking over the muse
    try {
      mic = await md.getUserMedia({ audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true, autoGainControl: true } });
    } catch (e) {
      page.say('note', 'The microphone is not available: ' + ((e && e.message) || 'permission denied') + '.');
      return;
    }
    source = c.createMediaStreamSource(mic);
    proc = c.createScriptProcessor(2048, 1, 1);
    sink = c.createGain(); sink.gain.value = 0; // the processor must reach the destination to run; silently
    proc.onaudioprocess = (ev) => {
      if (!capturing) return;
      const input = ev.inputBuffer.getChannelData(0);
      heard(input);
      resample(input, ev.inputBuffer.sampleRate);
    };
    source.connect(proc); proc.connect(sink); sink.connect(c.destination);
    capturing = true; thinking = false; filled = 0; pos = 0; carry = [];
    show();
  }
  function release() {
    if (!capturing) return;
    capturing = false;
    flush();
    try { source && source.disconnect(); proc && proc.disconnect(); sink && sink.disconnect(); } catch {}
    if (mic) mic.getTracks().forEach((t) => t.stop());
    mic = source = proc = sink = null;
    if (stats.sentBytes && send(JSON.stringify({ type: 'audio_end' }))) { stats.audioEnds++; thinking = true; }
    show();
  }
  function hangUp() {
    release();
    stopPlayback();
    if (session) send(JSON.stringify({ type: 'voice_stop' }));
    session = false; thinking = false;
    show();
  }

  // --- playing: 24 kHz PCM queued back to back on the context's clock ---
  function play(b64) {
    const c = context();
    const bin = atob(b64), n = bin.length >> 1;
    if (!n) return;
    const buf = c.createBuffer(1, n, OUT_RATE), ch = buf.getChannelData(0);
    for (let i = 0; i < n; i++) { let v = bin.charCodeAt(2 * i) | (bin.charCodeAt(2 * i + 1) << 8); if (v >= 0x8000) v -= 0x10000; ch[i] = v / 0x8000; }
    const node = c.createBufferSource(); node.buffer = buf; node.connect(c.destination);
    playhead = Math.max(playhead, c.currentTime + 0.05);
    node.start(playhead); playhead += buf.duration;
    stats.scheduledSeconds += buf.duration;
    queue.add(node);
    node.onended = () => { if (queue.delete(node)) { stats.playedChunks++; show(); } };
    thinking = false;
    show();
  }
  function stopPlayback() {
    if (!queue.size) return;
    stats.interruptions++;
    const nodes = [...queue]; queue = new Set();
    for (const n of nodes) try { n.stop(); } catch {}
    playhead = 0;
    show();
  }

  // --- what the server says ---
  const REFUSED = {
    breaker_open: "The muse can't talk right now: its spending breaker is tripped, so new costs are paused.",
    not_funded: "The muse can't talk right now: its wallet can't cover a conversation.",
    busy: 'The muse is talking with too many people right now. Try again in a minute.',
    model_unavailable: "The muse's voice could not be reached. Try again in a moment.",
    model_closed: "The muse's voice hung up.",
    rate_limited: 'Your microphone sent audio faster than the muse can take; some of it was dropped.',
    chunk_too_large: 'A piece of your audio was too large and was dropped.',
    bad_audio: 'A piece of your audio was not understood and was dropped.',
    invalid_frame: 'The page sent something the muse did not understand.',
    tool_failed: 'The muse tried to look something up and it failed.',
  };
  const ENDED = {
    stopped: 'Call ended.',
    session_limit: 'Call ended: conversations last at most a few minutes. Press Talk to start again.',
    idle: 'Call ended after a minute of silence.',
    model_closed: "Call ended: the muse's voice hung up.",
    disconnected: 'Call ended: the connection dropped.',
    shutdown: 'Call ended: the server is restarting.',
  };
  function transcript(f) {
    const role = f.role === 'user' ? 'user' : 'muse';
    if (!line[role]) { line[role] = page.say(role === 'user' ? 'you voice' : 'muse voice', f.text); line[role].dataset.role = role; }
    else line[role].textContent = f.text;
    line[role].dataset.final = String(!!f.final);
    if (f.final) line[role] = null;
  }
  page.onFrame((f) => {
    if (!f || typeof f !== 'object') return;
    if (f.type === 'voice_started') { session = true; stats.started++; show(); }
    else if (f.type === 'audio' && typeof f.data === 'string') { stats.receivedChunks++; play(f.data); }
    else if (f.type === 'transcript' && typeof f.text === 'string') transcript(f);
    else if (f.type === 'interrupted') { stopPlayback(); line.muse = null; }
    else if (f.type === 'turn_complete') { thinking = false; line.muse = null; show(); }
    else if (f.type === 'voice_ended') {
      session = false; thinking = false; line.user = line.muse = null;
      if (f.reason !== 'stopped') page.say('note', ENDED[f.reason] || 'Call ended.');
      release(); show();
    } else if (f.type === 'voice_error') {
      stats.errors.push(f.code);
      const fatal = f.code === 'breaker_open' || f.code === 'not_funded' || f.code === 'busy' || f.code === 'model_unavailable';
      page.say('note voice-error', REFUSED[f.code] || 'Voice trouble: ' + (f.message || f.code) + '.').dataset.code = f.code || '';
      if (fatal) { release(); session = false; thinking = false; show(); }
    } else if (f.type === 'hello' && !f.resumed) { session = false; show(); } // a new connection has no session
  });

  // Press and hold to talk, release to stop; a quick press leaves it on until pressed again.
  btn.addEventListener('pointerdown', (e) => {
    e.preventDefault();
    if (capturing) { heldByPointer = false; release(); return; }
    pressedAt = performance.now(); heldByPointer = true; void start();
  });
  const up = () => { if (heldByPointer && capturing && performance.now() - pressedAt > 400) release(); heldByPointer = false; };
  btn.addEventListener('pointerup', up); btn.addEventListener('pointerleave', up);
  btn.addEventListener('click', (e) => { if (e.detail === 0) void (capturing ? release() : start()); }); // keyboard
  hang.addEventListener('click', hangUp);
  addEventListener('pagehide', hangUp);
  page.voiceStats = () => ({ ...stats, errors: [...stats.errors], capturing, session, playing: playing(), contextTime: ctx ? ctx.currentTime : 0, contextRate: ctx ? ctx.sampleRate : 0, state: vstate.textContent });
  show();
})();
`;
