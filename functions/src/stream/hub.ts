/**
 * The fan-out hub of one instance: it numbers changes (core/seq.ts), frames each change ONCE and
 * writes the same bytes to every socket, keeps the resume buffer, and answers `hello`s. Writing a
 * pre-built frame straight to the socket skips a JSON.stringify and a frame build per client; the
 * socket is the one handed to the upgrade, and ws writes whole frames synchronously (no
 * permessage-deflate here), so our frames and ws's control frames never interleave.
 */
import type { Logger } from '../platform/log.js';
import { encodeTextFrame as encodeBytes } from './core/ws-frame.js';
import { eventFrameJson, helloFrameJson, statusFrameJson } from './core/frames.js';
import type { RetentionBuffer } from './core/retention.js';
import type { FeedEvent } from './source.js';

/** A frame as a Buffer view (no copy), so socket.write does not wrap it again for every client. */
const encodeTextFrame = (text: string): Buffer => {
  const bytes = encodeBytes(text);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};

/** How many recent events a fresh hello carries (oldest first). */
export const RECENT_EVENTS = 20;

/** What the hub needs of a connection. */
export interface HubConn {
  socket: { write(chunk: Uint8Array): boolean; readonly writableLength: number; readonly writable: boolean };
  /** Frames with a seq at or below this were already sent (or are older than the client's view). */
  floor: number;
  /** Set once the connection is being closed: nothing more is written. */
  closing: boolean;
}

export interface Hub<C extends HubConn> {
  readonly conns: Set<C>;
  readonly head: number;
  /** Loads the state found at startup (not broadcast: no one is connected yet). */
  init(status: Record<string, unknown>, events: FeedEvent[]): void;
  status(status: Record<string, unknown>): void;
  events(events: FeedEvent[]): void;
  /** Sends a hello: resumed from `resumeSeq` when the buffer covers it, else a fresh snapshot. */
  hello(conn: C, resumeSeq: number | undefined): { resumed: boolean; replayed: number };
  /** Sends one per-connection text frame (reply, error). */
  send(conn: C, text: string): void;
  /** Sends an unnumbered frame (the page's gallery, gates, wallet) to everyone, framed once. */
  sendAll(text: string): void;
}

export function createHub<C extends HubConn>(deps: {
  retention: RetentionBuffer;
  retentionSeconds: number;
  hardBufferedBytes: number;
  nowMs: () => number;
  log: Logger;
  /** Called for a connection whose buffer is over the hard cap at fan-out time. */
  onOverCap(conn: C): void;
  /** The event in plain words, added to it once as `text` when it is framed (core/timeline.ts). */
  describe?: (event: Record<string, unknown>) => string;
}): Hub<C> {
  const conns = new Set<C>();
  const { retention, log } = deps;
  let head = 0;
  let statusJson = '{}';

  function broadcast(frame: Uint8Array, seq: number): void {
    for (const c of conns) {
      if (c.closing || seq <= c.floor) continue;
      // bufferedAmount is checked before every write: a client over the cap gets nothing more.
      if (c.socket.writableLength > deps.hardBufferedBytes) {
        deps.onOverCap(c);
        continue;
      }
      c.socket.write(frame);
    }
  }

  /** The last few events as JSON, so a fresh hello shows what just happened (the page's feed). */
  const recent: string[] = [];

  function retain(e: FeedEvent): Uint8Array {
    let seq = e.seq;
    if (seq <= head) {
      // Two commits stamped with the same time (the emulator stamps milliseconds), or a status bump
      // landed on this position: keep seq increasing; this one event's seq may then differ from
      // another instance's (see README).
      log.warn('stream event seq clamped', { id: e.id, seq, head });
      seq = head + 1;
    }
    head = seq;
    const eventJson = JSON.stringify(deps.describe ? { ...e.event, text: deps.describe(e.event) } : e.event);
    recent.push(eventJson);
    if (recent.length > RECENT_EVENTS) recent.shift();
    const frame = encodeTextFrame(eventFrameJson(seq, eventJson));
    retention.push({ seq, id: e.id, atMs: e.atMs, frame });
    return frame;
  }

  const write = (conn: C, text: string) => {
    if (!conn.closing && conn.socket.writable) conn.socket.write(encodeTextFrame(text));
  };

  return {
    conns,
    get head() {
      return head;
    },
    init(status, events) {
      statusJson = JSON.stringify(status);
      for (const e of events) if (!retention.has(e.id)) retain(e);
    },
    status(status) {
      statusJson = JSON.stringify(status);
      head += 1;
      broadcast(encodeTextFrame(statusFrameJson(head, statusJson)), head);
    },
    events(events) {
      for (const e of events) {
        if (retention.has(e.id)) continue;
        const frame = retain(e);
        broadcast(frame, head);
      }
    },
    hello(conn, resumeSeq) {
      const now = deps.nowMs();
      retention.trim(now);
      const replay = resumeSeq === undefined ? undefined : retention.replay(resumeSeq, now);
      const resumed = replay?.ok === true;
      const seq = resumed ? resumeSeq! : head;
      write(
        conn,
        helloFrameJson({
          seq,
          resumed,
          retentionSeconds: deps.retentionSeconds,
          statusJson,
          // A resumed client gets what it missed as event frames instead.
          ...(resumed ? {} : { recentJson: recent }),
        }),
      );
      conn.floor = seq;
      let replayed = 0;
      if (replay?.ok) {
        for (const f of replay.frames) {
          if (conn.closing) break;
          conn.socket.write(f.frame);
          conn.floor = f.seq;
          replayed++;
        }
      }
      return { resumed, replayed };
    },
    send: write,
    sendAll(text) {
      const frame = encodeTextFrame(text);
      for (const c of conns) {
        if (c.closing || !c.socket.writable) continue;
        if (c.socket.writableLength > deps.hardBufferedBytes) {
          deps.onOverCap(c);
          continue;
        }
        c.socket.write(frame);
      }
    },
  };
}
