/**
 * The live stream server: `/stream/muse-status` on any node http server (`noServer: true`), the
 * status page at `/status` and its static assets under `/status/assets/` (page/assets.ts). Mount it
 * by forwarding the server's `upgrade` event to `handleUpgrade` and offering each request to
 * `handleHttp` first; call `start()` before listening.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ModelPort } from '../model/port.js';
import type { Logger } from '../platform/log.js';
import type { Clock } from '../shared/ports.js';
import { CLOSE, errorFrame, parseClientFrame } from './core/frames.js';
import { createRetentionBuffer } from './core/retention.js';
import { seqAtMillis } from './core/seq.js';
import { judgeBuffered, type SlowConsumerState } from './core/slow-consumer.js';
import { createTokenBucket, type TokenBucket } from './core/token-bucket.js';
import { createHub, type HubConn } from './hub.js';
import { DEFAULT_LIMITS, type StreamLimits } from './limits.js';
import { STATUS_PAGE_PATH, STREAM_PATH } from './links.js';
import type { MuseReads, StreamFeeds } from './ports.js';
import { createFirestoreSource, type ChangeSource } from './source.js';
import { describeEvent, timelineContext } from './core/timeline.js';
import type { SignedUrl } from './asset-view.js';
import { createPageFeed } from './page-feed.js';
import { servePageAsset } from './page/assets.js';
import { STATUS_PAGE_CSP, STATUS_PAGE_HTML } from './status-page.js';
import { createTalk } from './talk.js';
import { verifyStreamToken } from './token.js';
import { routeVoiceMessage } from '../voice/socket.js';
import type { VoiceConnection, VoiceSessions } from '../voice/sessions.js';
import { createToolbox } from './toolbox.js';

export interface StreamServerDeps {
  /** The changes to fan out (Firestore listeners through wiring/stream.ts). */
  feeds: StreamFeeds;
  /** The muse's reads the live toolbox offers. */
  muse: MuseReads;
  model: ModelPort;
  clock: Clock;
  log: Logger;
  tokenSecret: string;
  limits?: Partial<StreamLimits>;
  /** Where changes come from; the `feeds` unless given (the benchmark drives its own). */
  source?: ChangeSource;
  /**
   * Signs a staged asset's media name for reading (the media store's port); without it only media
   * that already carry a `url` show pictures.
   */
  signedUrl?: SignedUrl;
  /**
   * Voice sessions (functions/src/voice/): audio frames on the same socket go to a live model.
   * Without it, audio frames are answered like any other unknown frame.
   */
  voice?: VoiceSessions;
}

export interface StreamServer {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Serves the status page; false when the request is not for this server. */
  handleHttp(req: IncomingMessage, res: ServerResponse): boolean;
  /** Opens the Firestore listeners; resolves once the initial state is loaded. */
  start(): Promise<void>;
  /** Closes every client with `code` (1012: reconnect) and stops the listeners. */
  close(code?: number): Promise<void>;
  /** Live numbers, for logs, tests and the benchmark. */
  stats(): {
    connections: number;
    head: number;
    retained: number;
    closedSlow: number;
    closedRateLimited: number;
  };
}

interface Conn extends HubConn {
  ws: WebSocket;
  socket: Socket;
  alive: boolean;
  talking: boolean;
  slow: SlowConsumerState;
  bucket: TokenBucket;
  voice?: VoiceConnection;
}

function reject(socket: Duplex, status: number, text: string, headers: Record<string, string> = {}): void {
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const body = `${text}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`,
  );
}

export function createStreamServer(deps: StreamServerDeps): StreamServer {
  const limits: StreamLimits = { ...DEFAULT_LIMITS, ...deps.limits };
  const { clock, log } = deps;
  const nowMs = () => clock.now().getTime();
  const startedAt = nowMs();
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxPayloadBytes,
    perMessageDeflate: false, // frames are pre-built and written as they are (hub.ts)
    clientTracking: false, // the hub keeps the set
  });
  const retention = createRetentionBuffer({
    maxItems: limits.retentionItems,
    maxAgeMs: limits.retentionMs,
    // The backfill starts at (start - retention); allow a minute of writer clock skew on `at`.
    coveredFrom: seqAtMillis(startedAt - limits.retentionMs + 60_000),
  });
  const counters = { closedSlow: 0, closedRateLimited: 0 };
  const source =
    deps.source ?? createFirestoreSource({ feeds: deps.feeds, clock, log, retentionMs: limits.retentionMs });
  const talk = createTalk({
    model: deps.model,
    toolbox: createToolbox(deps.muse, { signedUrl: deps.signedUrl }),
    log,
  });
  /** The status as last seen: the timeline's words name a run by its production's topic. */
  let latestStatus: Record<string, unknown> = {};
  const timers: NodeJS.Timeout[] = [];
  let accepting = false;

  function closeSlow(c: Conn, why: string): void {
    if (c.closing) return;
    c.closing = true;
    counters.closedSlow++;
    log.warn('stream client too slow; closing', { why, buffered: c.socket.writableLength });
    c.ws.close(CLOSE.slowConsumer.code, CLOSE.slowConsumer.reason);
    // The close frame waits behind the backlog a slow client is not reading: do not wait for it.
    setTimeout(() => c.ws.terminate(), limits.closeGraceMs).unref();
  }

  const hub = createHub<Conn>({
    retention,
    retentionSeconds: Math.round(limits.retentionMs / 1000),
    hardBufferedBytes: limits.hardBufferedBytes,
    nowMs,
    log,
    onOverCap: (c) => closeSlow(c, 'over_hard_cap'),
    describe: (event) => describeEvent(event, timelineContext(latestStatus)),
  });
  const page = createPageFeed({
    muse: deps.muse,
    signedUrl: deps.signedUrl,
    clock,
    log,
    broadcast: (text) => hub.sendAll(text),
  });

  function onFrame(c: Conn, data: Buffer, isBinary: boolean): void {
    if (c.closing) return;
    // Voice first: audio arrives ~10 times a second and is bounded by bytes per second in the voice
    // session, not by the frame bucket below.
    if (c.voice && routeVoiceMessage(c.voice, data, isBinary, (text) => hub.send(c, text))) return;
    if (!c.bucket.take(nowMs())) {
      c.closing = true;
      counters.closedRateLimited++;
      c.ws.close(CLOSE.rateLimited.code, CLOSE.rateLimited.reason);
      return;
    }
    if (isBinary) return hub.send(c, errorFrame('invalid_frame', 'send JSON text frames'));
    const parsed = parseClientFrame(data.toString('utf8'));
    if (!parsed.ok) return hub.send(c, errorFrame(parsed.code, parsed.message));
    const frame = parsed.frame;
    if (frame.type === 'resume') {
      hub.hello(c, frame.seq);
      return;
    }
    if (c.talking) return hub.send(c, errorFrame('busy', 'the muse is still answering your last message'));
    c.talking = true;
    talk(frame, (text) => hub.send(c, text))
      .catch((err: unknown) => log.error('stream talk failed', { err }))
      .finally(() => {
        c.talking = false;
      });
  }

  function onConnection(ws: WebSocket, socket: Socket, resumeSeq: number | undefined): void {
    const c: Conn = {
      ws,
      socket,
      floor: 0,
      closing: false,
      alive: true,
      talking: false,
      slow: { overSince: undefined },
      bucket: createTokenBucket({ burst: limits.frameBurst, perSecond: limits.framesPerSecond }, nowMs()),
    };
    if (deps.voice) c.voice = deps.voice.connect((text) => hub.send(c, text));
    hub.conns.add(c);
    ws.on('close', () => {
      hub.conns.delete(c);
      void c.voice?.close(); // the session ends and is settled
    });
    ws.on('error', (err) => log.debug('stream socket error', { err: err.message }));
    ws.on('pong', () => (c.alive = true));
    ws.on('message', (data, isBinary) => onFrame(c, data as Buffer, isBinary));
    hub.hello(c, resumeSeq);
    for (const f of page.frames()) hub.send(c, f);
  }

  function sweepPings(): void {
    for (const c of hub.conns) {
      if (!c.alive) {
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }

  function sweepSlow(): void {
    const now = nowMs();
    const rule = {
      softBytes: limits.softBufferedBytes,
      hardBytes: limits.hardBufferedBytes,
      windowMs: limits.slowWindowMs,
    };
    for (const c of hub.conns) {
      if (c.closing) continue;
      const verdict = judgeBuffered(c.slow, c.socket.writableLength, now, rule);
      if (verdict !== 'ok') closeSlow(c, verdict);
    }
  }

  /** Upgrades a request whose token checked out, unless the server is closing or full. */
  function admit(req: IncomingMessage, socket: Duplex, head: Buffer, url: URL): void {
    if (!accepting) return reject(socket, 503, 'Service Unavailable', { 'Retry-After': '1' });
    if (hub.conns.size >= limits.maxConnections)
      return reject(socket, 503, 'Service Unavailable', { 'Retry-After': '5' });
    const raw = url.searchParams.get('resume');
    const resumeSeq = raw !== null && /^\d{1,16}$/.test(raw) ? Number(raw) : undefined;
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, socket as Socket, resumeSeq));
  }

  return {
    handleUpgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== STREAM_PATH) return reject(socket, 404, 'Not Found');
      // Node drops its own error listener from an upgraded socket; hold one while the token is checked.
      const onError = () => socket.destroy();
      socket.on('error', onError);
      void verifyStreamToken(deps.tokenSecret, url.searchParams.get('token'), clock.now())
        .then((token) => {
          socket.off('error', onError);
          if (socket.destroyed) return;
          if (!token.ok)
            return reject(socket, 401, 'Unauthorized', {
              'WWW-Authenticate': `Bearer error="${token.reason}"`,
            });
          admit(req, socket, head, url);
        })
        .catch(() => socket.destroy());
    },

    handleHttp(req, res) {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (servePageAsset(req, res, url.pathname)) return true;
      if (url.pathname !== STATUS_PAGE_PATH && url.pathname !== `${STATUS_PAGE_PATH}/`) return false;
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return true;
      }
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        'Cache-Control': 'no-store',
        'Referrer-Policy': 'no-referrer', // the URL carries a token
        'Content-Security-Policy': STATUS_PAGE_CSP,
      });
      res.end(req.method === 'HEAD' ? undefined : STATUS_PAGE_HTML);
      return true;
    },

    async start() {
      const initial = await source.start({
        status: (s) => {
          latestStatus = s;
          hub.status(s);
          page.status(s);
        },
        events: (e) => {
          hub.events(e);
          page.events(e);
        },
      });
      latestStatus = initial.status;
      hub.init(initial.status, initial.events);
      page.status(initial.status);
      // The page's reads never hold up the stream: a client that connects first gets them when ready.
      void page.refresh();
      timers.push(setInterval(sweepPings, limits.pingIntervalMs), setInterval(sweepSlow, limits.slowCheckMs));
      for (const t of timers) t.unref();
      accepting = true;
      log.info('stream started', { head: hub.head, retained: retention.size });
    },

    async close(code = CLOSE.serviceRestart.code) {
      accepting = false;
      await deps.voice?.shutdown(); // settles every voice session before the clients go
      source.stop();
      page.stop();
      for (const t of timers.splice(0)) clearInterval(t);
      const reason = code === CLOSE.serviceRestart.code ? CLOSE.serviceRestart.reason : 'closing';
      for (const c of hub.conns) {
        c.closing = true;
        c.ws.close(code, reason);
      }
      const deadline = Date.now() + limits.shutdownGraceMs; // real time: the clock may be a test clock
      while (hub.conns.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const c of hub.conns) c.ws.terminate();
      hub.conns.clear();
      await new Promise<void>((r) => wss.close(() => r()));
    },

    stats: () => ({ connections: hub.conns.size, head: hub.head, retained: retention.size, ...counters }),
  };
}
