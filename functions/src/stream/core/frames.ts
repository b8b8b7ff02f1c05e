/**
 * The wire protocol of `/stream/muse-status` (SPEC.md, "User-facing contracts"). Client frames are
 * validated with zod; server frames are built here so their shape lives in one place.
 *
 * Server -> client:
 *   {"type":"hello","seq":N,"status":{...},"resumed":bool,"retentionSeconds":S,"recent"?:[event...]}
 *   {"type":"status","seq":N,"status":{...}}
 *   {"type":"event","seq":N,"event":{id,runId,seq,type,at,actor,data}}
 *   {"type":"reply","replyTo":id|null,"text":"..."}
 *   {"type":"tool_result","replyTo":id|null,"tool":"...","args":{...},"ok":bool,"result"|"error":...}
 *   {"type":"error","code":"...","message":"..."}
 *   {"type":"gallery","assets":[card...]}        (after every hello, and when an asset is staged)
 *   {"type":"gates","gates":[{runId,workflow,stepId,edges}]}  (after every hello, and when one opens or is decided)
 *   {"type":"wallet","series":{from,to,bucketSeconds,t,balance,burnPerHour}}  (the last 24 h)
 * An event frame's `event.text` is the event in plain words (core/timeline.ts).
 * Client -> server:
 *   {"type":"say","text":"...","id"?:"..."}
 *   {"type":"resume","seq":N}
 */
import { z } from 'zod';

export const MAX_SAY_CHARS = 2000;

const sayFrame = z.object({
  type: z.literal('say'),
  text: z
    .string()
    .trim()
    .min(1, 'text is empty')
    .max(MAX_SAY_CHARS, `text is over ${MAX_SAY_CHARS} characters`),
  id: z.string().max(64).optional(),
});

const resumeFrame = z.object({
  type: z.literal('resume'),
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});

export const clientFrameSchema = z.discriminatedUnion('type', [sayFrame, resumeFrame]);
export type ClientFrame = z.infer<typeof clientFrameSchema>;
export type SayFrame = z.infer<typeof sayFrame>;

/** Error codes sent in `error` frames. */
export type StreamErrorCode = 'malformed' | 'invalid_frame' | 'busy' | 'talk_failed';

export type ParsedFrame =
  { ok: true; frame: ClientFrame } | { ok: false; code: StreamErrorCode; message: string };

/** Parses one text frame from a client. Never throws: bad input becomes an `error` frame. */
export function parseClientFrame(text: string): ParsedFrame {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, code: 'malformed', message: 'frame is not JSON' };
  }
  const parsed = clientFrameSchema.safeParse(json);
  if (!parsed.success) {
    const message = parsed.error.issues
      .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
      .join('; ');
    return { ok: false, code: 'invalid_frame', message };
  }
  return { ok: true, frame: parsed.data };
}

/*
 * Server frames are spliced from JSON serialised once: the hub serialises a status or an event
 * once and writes the same frame to every client, so the builders take that JSON text as it is.
 * The `...Frame` forms serialise a value first, for callers that hold one.
 */

/** The first frame; `recentJson` (events, oldest first) only on a fresh snapshot, not a resume. */
export const helloFrameJson = (h: {
  seq: number;
  resumed: boolean;
  retentionSeconds: number;
  statusJson: string;
  recentJson?: readonly string[];
}) =>
  `{"type":"hello","seq":${h.seq},"resumed":${h.resumed},"retentionSeconds":${h.retentionSeconds},"status":${h.statusJson}` +
  `${h.recentJson ? `,"recent":[${h.recentJson.join(',')}]` : ''}}`;

export const statusFrameJson = (seq: number, statusJson: string) =>
  `{"type":"status","seq":${seq},"status":${statusJson}}`;

export const eventFrameJson = (seq: number, eventJson: string) =>
  `{"type":"event","seq":${seq},"event":${eventJson}}`;

export const helloFrame = (
  seq: number,
  status: unknown,
  resumed: boolean,
  retentionSeconds: number,
  recent?: readonly unknown[],
) =>
  helloFrameJson({
    seq,
    resumed,
    retentionSeconds,
    statusJson: JSON.stringify(status),
    ...(recent ? { recentJson: recent.map((e) => JSON.stringify(e)) } : {}),
  });

export const statusFrame = (seq: number, status: unknown) => statusFrameJson(seq, JSON.stringify(status));

export const eventFrame = (seq: number, event: unknown) => eventFrameJson(seq, JSON.stringify(event));

export const replyFrame = (replyTo: string | undefined, text: string) =>
  JSON.stringify({ type: 'reply', replyTo: replyTo ?? null, text });

export const toolResultFrame = (
  replyTo: string | undefined,
  tool: string,
  args: Record<string, unknown>,
  outcome: { ok: true; result: unknown } | { ok: false; error: string },
) => JSON.stringify({ type: 'tool_result', replyTo: replyTo ?? null, tool, args, ...outcome });

/** The latest staged assets as cards (stream/asset-view.ts), newest first. Unnumbered, like a reply. */
export const galleryFrame = (assets: readonly unknown[]) => JSON.stringify({ type: 'gallery', assets });

/** The gates waiting for a person (read-only on the page). Unnumbered: a fresh one replaces the last. */
export const gatesFrame = (gates: readonly unknown[]) => JSON.stringify({ type: 'gates', gates });

/** The wallet over the last 24 h (core/wallet-series.ts). Unnumbered: a fresh one replaces the last. */
export const walletFrame = (series: unknown) => JSON.stringify({ type: 'wallet', series });

export const errorFrame = (code: StreamErrorCode, message: string) =>
  JSON.stringify({ type: 'error', code, message });

/** Close codes (RFC 6455 section 7.4.1) and the reasons sent with them. */
export const CLOSE = {
  /** Deploy or shutdown: reconnect (and resume) right away. */
  serviceRestart: { code: 1012, reason: 'service restart' },
  /** Too many frames, or a frame too large to be a client frame. */
  rateLimited: { code: 1008, reason: 'rate limit exceeded' },
  /** The client does not read what it is sent. */
  slowConsumer: { code: 1008, reason: 'slow consumer' },
  /** The instance is at its connection cap (sent only if a socket slipped past the upgrade check). */
  overCapacity: { code: 1013, reason: 'try again later' },
} as const;
