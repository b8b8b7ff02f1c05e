/**
 * A local HTTP server speaking Vertex AI's generateContent JSON wire format, for testing code that
 * uses the real @google/genai SDK (`vertexai: true`, `httpOptions.baseUrl: server.url`). It is
 * scriptable: queue responses (a 429, then a 200), and every request is recorded with its parsed
 * body so a test can check what the SDK actually sent.
 *
 *   const vertex = await startVertexServer();
 *   vertex.enqueue(errorReply(429), textReply('hello'));
 *   const ai = new GoogleGenAI({ vertexai: true, project: 'p', location: 'us-central1',
 *     googleAuthOptions: vertexTestAuth('p'), httpOptions: { baseUrl: vertex.url } });
 *   ...
 *   await vertex.stop();
 *
 * Routes: `POST /{version}/projects/{p}/locations/{l}/publishers/google/models/{m}:generateContent`
 * answers from the generate queue (default: `textReply('ok')`); `POST .../cachedContents` answers
 * from the cache queue (default: a cache named `.../cachedContents/cache-{n}`, which the server then
 * holds); `GET` and `DELETE .../cachedContents/{id}` read and delete a held cache (404 when unknown,
 * deleted or expired with `expireCache`), and a generateContent naming a deleted or expired cache
 * answers 404 NOT_FOUND as Vertex does. A default answer to a call on a held cache reports the
 * cache's tokens in `usageMetadata.cachedContentTokenCount` (four characters a token, as the local
 * model counts).
 * Media, as Vertex speaks them to the SDK: `POST .../models/{m}:predict` (Imagen: `instances[0].prompt`,
 * `parameters.sampleCount`...) answers from the image queue (default: `sampleCount` tiny PNGs as
 * `predictions[].bytesBase64Encoded`); `POST .../models/{m}:predictLongRunning` (Veo) starts the next
 * scripted video job (default: done after one poll, with a small clip) and answers `{ name:
 * .../models/{m}/operations/{id} }`; `POST .../models/{m}:fetchPredictOperation` with `{ operationName }`
 * answers `{ name, done: false }` until the job's polls are used up, then its outcome (`response.videos`
 * or `error`), or from the poll queue first when a fault is scripted there. Anything else is 404.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import assert from 'node:assert/strict';
import { ModelError } from '../../functions/src/model/port.js';

export interface RecordedRequest {
  method: string;
  path: string;
  /** `generateContent`, `streamGenerateContent`, `predict`, `predictLongRunning`, `fetchPredictOperation`, `cachedContents.create` (`.get`, `.delete`), or `unknown`. */
  rpc: string;
  /** The model id in the path, e.g. `gemini-2.5-flash`, for model calls. */
  model?: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (or the raw string when it is not JSON). */
  body: any;
}

export interface ScriptedReply {
  status?: number;
  /** An object is sent as JSON; a string is sent as is (to test garbage bodies). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering (to test timeouts). */
  delayMs?: number;
  /** Drop the connection without answering (to test network failures). */
  drop?: boolean;
}

export interface VertexServer {
  /** Base URL for `httpOptions.baseUrl`, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Model calls only (generateContent), in order. */
  readonly generateRequests: RecordedRequest[];
  enqueue(...replies: ScriptedReply[]): void;
  enqueueCache(...replies: ScriptedReply[]): void;
  /** The caches the server holds now (created by default and not deleted or expired), by name. */
  readonly caches: ReadonlyMap<string, HeldCache>;
  /** Vertex's side of an expiry: the cache is gone from now on (get, delete and use answer 404). */
  expireCache(name: string): void;
  /** Replies to Imagen's `:predict`, in order. */
  enqueueImages(...replies: ScriptedReply[]): void;
  /** What the next `:predictLongRunning` calls do: a scripted reply (an error), or a job to run. */
  enqueueVideo(...items: Array<VideoJob | ScriptedReply>): void;
  /** Replies to `:fetchPredictOperation` taken before the job is consulted (to script faults). */
  enqueuePoll(...replies: ScriptedReply[]): void;
  /** Imagen calls, Veo starts and Veo polls, in order. */
  readonly imageRequests: RecordedRequest[];
  readonly videoRequests: RecordedRequest[];
  readonly pollRequests: RecordedRequest[];
  /** Forgets recorded requests and unused replies (call it between tests). */
  reset(): void;
  stop(): Promise<void>;
}

export interface HeldCache {
  name: string;
  systemInstruction: string;
  tokens: number;
  expireTime: string;
}

interface Usage {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount?: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
}

function candidateReply(parts: unknown[], usage: Usage, finishReason = 'STOP'): ScriptedReply {
  return {
    body: {
      candidates: [{ content: { role: 'model', parts }, finishReason, index: 0 }],
      usageMetadata: { totalTokenCount: usage.promptTokenCount + usage.candidatesTokenCount, ...usage },
      modelVersion: 'gemini-2.5-flash-001',
      responseId: 'resp-1',
    },
  };
}

const DEFAULT_USAGE: Usage = { promptTokenCount: 12, candidatesTokenCount: 5 };

/** A 200 with one text part. */
export function textReply(text: string, usage: Usage = DEFAULT_USAGE, finishReason = 'STOP'): ScriptedReply {
  return candidateReply([{ text }], usage, finishReason);
}

/** A 200 whose text part is `value` serialised, as Gemini answers under a responseSchema. */
export function jsonReply(value: unknown, usage: Usage = DEFAULT_USAGE): ScriptedReply {
  return textReply(JSON.stringify(value), usage);
}

/** A 200 with an image part, as a Gemini image model answers (responseModalities IMAGE). */
export function inlineImageReply(bytes: Uint8Array, mimeType = 'image/png'): ScriptedReply {
  return candidateReply([{ inlineData: { mimeType, data: Buffer.from(bytes).toString('base64') } }], {
    promptTokenCount: 20,
    candidatesTokenCount: 1290,
  });
}

/** A 200 with a functionCall part (and an optional text part before it). */
export function functionCallReply(
  name: string,
  args: Record<string, unknown>,
  text?: string,
  usage: Usage = DEFAULT_USAGE,
): ScriptedReply {
  return candidateReply([...(text ? [{ text }] : []), { functionCall: { name, args } }], usage);
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  408: 'DEADLINE_EXCEEDED',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** An error in Google's JSON error format: `{ error: { code, message, status } }`. */
export function errorReply(status: number, message = `scripted ${status}`): ScriptedReply {
  return { status, body: { error: { code: status, message, status: STATUS_NAMES[status] ?? 'UNKNOWN' } } };
}

/** The smallest valid PNG (1x1, transparent): what the Imagen stand-in returns unless told otherwise. */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** Imagen's answer: one prediction per image (bytes or, when filtered, the reason). */
export function imagesReply(images: Array<Uint8Array | { filtered: string }>): ScriptedReply {
  return {
    body: {
      predictions: images.map((img) =>
        'filtered' in img
          ? { raiFilteredReason: img.filtered }
          : { bytesBase64Encoded: Buffer.from(img).toString('base64'), mimeType: 'image/png' },
      ),
    },
  };
}

/** A scripted Veo job: how many polls answer "not done", then how it ends. */
export interface VideoJob {
  pollsUntilDone?: number;
  outcome: { videos: Uint8Array[] } | { error: { code: number; message: string } } | { filtered: string[] };
}

/** The bytes of the default clip (not a playable MP4: the adapter only carries bytes). */
export const TINY_CLIP = Buffer.from('\u0000\u0000\u0000\u0018ftypmp42 local clip');

/** google-auth-library options that authenticate with a fixed API key and never touch the network. */
export function vertexTestAuth(projectId: string): { apiKey: string; projectId: string } {
  return { apiKey: 'test-api-key', projectId };
}

const MODEL_PATH = /^\/[^/]+\/projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/models\/([^/:]+):(\w+)$/;
const OPERATION_NAME =
  /^(projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/models\/[^/]+)\/operations\/([\w-]+)$/;
const CACHE_PATH = /^\/[^/]+\/(projects\/[^/]+\/locations\/[^/]+)\/cachedContents$/;
const CACHE_ITEM = /^\/[^/]+\/(projects\/[^/]+\/locations\/[^/]+\/cachedContents\/[\w-]+)$/;

/** Starts the server on 127.0.0.1, port 0. */
export async function startVertexServer(): Promise<VertexServer> {
  const requests: RecordedRequest[] = [];
  const generateQueue: ScriptedReply[] = [];
  const cacheQueue: ScriptedReply[] = [];
  const imageQueue: ScriptedReply[] = [];
  const videoQueue: Array<VideoJob | ScriptedReply> = [];
  const pollQueue: ScriptedReply[] = [];
  const jobs = new Map<string, { job: VideoJob; polls: number }>();
  let caches = 0;
  let operations = 0;
  const held = new Map<string, HeldCache>();
  /** Names created here and since deleted or expired: using one is a 404. */
  const gone = new Set<string>();

  function createCache(parent: string, body: unknown): ScriptedReply {
    const reply = cacheCreated(parent, ++caches, body);
    const b = body as { systemInstruction?: { parts?: Array<{ text?: string }> } } | undefined;
    const text = (b?.systemInstruction?.parts ?? []).map((p) => p.text ?? '').join('');
    const r = reply.body as { name: string; expireTime: string };
    held.set(r.name, {
      name: r.name,
      systemInstruction: text,
      tokens: Math.ceil(text.length / 4),
      expireTime: r.expireTime,
    });
    return reply;
  }

  function cacheItem(method: string | undefined, name: string): ScriptedReply {
    const h = held.get(name);
    if (!h) return errorReply(404, `CachedContent not found (or expired): ${name}`);
    if (method === 'DELETE') {
      held.delete(name);
      gone.add(name);
      return { body: {} };
    }
    return { body: { name: h.name, expireTime: h.expireTime, usageMetadata: { totalTokenCount: h.tokens } } };
  }

  function generate(body: unknown): ScriptedReply {
    const name = (body as { cachedContent?: unknown } | undefined)?.cachedContent;
    if (typeof name === 'string' && gone.has(name)) {
      generateQueue.shift(); // the scripted answer was for this call
      return errorReply(404, `CachedContent not found (or expired): ${name}`);
    }
    const scripted = generateQueue.shift();
    if (scripted) return scripted;
    const h = typeof name === 'string' ? held.get(name) : undefined;
    return h
      ? textReply('ok', {
          promptTokenCount: h.tokens + 12,
          candidatesTokenCount: 5,
          cachedContentTokenCount: h.tokens,
        })
      : textReply('ok');
  }

  function startVideo(path: string): ScriptedReply {
    const next = videoQueue.shift() ?? { pollsUntilDone: 1, outcome: { videos: [TINY_CLIP] } };
    if (!('outcome' in next)) return next;
    const resource = path.replace(/^\/[^/]+\//, '').replace(/:predictLongRunning$/, '');
    const name = `${resource}/operations/op-${++operations}`;
    jobs.set(name, { job: next, polls: 0 });
    return { body: { name } };
  }

  function pollVideo(path: string, body: unknown): ScriptedReply {
    const scripted = pollQueue.shift();
    if (scripted) return scripted;
    const name = String((body as { operationName?: unknown } | undefined)?.operationName ?? '');
    const held = jobs.get(name);
    const owner = OPERATION_NAME.exec(name)?.[1];
    if (!held || !path.endsWith(`${owner}:fetchPredictOperation`))
      return errorReply(404, `no operation ${name || '(none)'}`);
    held.polls++;
    if (held.polls < (held.job.pollsUntilDone ?? 1)) return { body: { name, done: false } };
    const o = held.job.outcome;
    if ('error' in o) return { body: { name, done: true, error: o.error } };
    const response =
      'filtered' in o
        ? { raiMediaFilteredCount: o.filtered.length, raiMediaFilteredReasons: o.filtered, videos: [] }
        : {
            '@type': 'type.googleapis.com/cloud.ai.large_models.vision.GenerateVideoResponse',
            videos: o.videos.map((v) => ({
              bytesBase64Encoded: Buffer.from(v).toString('base64'),
              mimeType: 'video/mp4',
            })),
          };
    return { body: { name, done: true, response } };
  }

  function defaultImages(body: unknown): ScriptedReply {
    const n = Number(
      (body as { parameters?: { sampleCount?: unknown } } | undefined)?.parameters?.sampleCount ?? 1,
    );
    return imagesReply(
      Array.from({ length: Number.isInteger(n) && n > 0 && n <= 8 ? n : 1 }, () => TINY_PNG),
    );
  }

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown = raw;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        // keep the raw string: a test may want to see a malformed body
      }
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const model = MODEL_PATH.exec(path);
      const cache = CACHE_PATH.exec(path);
      const item = CACHE_ITEM.exec(path);
      const rpc = model
        ? (model[2] ?? 'unknown')
        : cache && req.method === 'POST'
          ? 'cachedContents.create'
          : item && (req.method === 'GET' || req.method === 'DELETE')
            ? `cachedContents.${req.method.toLowerCase()}`
            : 'unknown';
      requests.push({
        method: req.method ?? 'GET',
        path,
        rpc,
        model: model?.[1],
        headers: req.headers,
        body,
      });

      let reply: ScriptedReply;
      if (rpc === 'predict') reply = imageQueue.shift() ?? defaultImages(body);
      else if (rpc === 'predictLongRunning') reply = startVideo(path);
      else if (rpc === 'fetchPredictOperation') reply = pollVideo(path, body);
      else if (model) reply = generate(body);
      else if (rpc === 'cachedContents.create')
        reply = cacheQueue.shift() ?? createCache(cache?.[1] ?? '', body);
      else if (item && rpc !== 'unknown') reply = cacheItem(req.method, item[1] ?? '');
      else reply = errorReply(404, `no route for ${req.method} ${path}`);
      send(res, reply);
    });
  });

  function send(res: ServerResponse, reply: ScriptedReply): void {
    if (reply.drop) {
      res.socket?.destroy();
      return;
    }
    const write = () => {
      if (res.destroyed) return;
      const payload = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body ?? {});
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(payload);
    };
    if (reply.delayMs) setTimeout(write, reply.delayMs).unref();
    else write();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    get generateRequests() {
      return requests.filter((r) => r.rpc === 'generateContent');
    },
    enqueue: (...replies) => void generateQueue.push(...replies),
    enqueueCache: (...replies) => void cacheQueue.push(...replies),
    caches: held,
    expireCache: (name) => {
      held.delete(name);
      gone.add(name);
    },
    enqueueImages: (...replies) => void imageQueue.push(...replies),
    enqueueVideo: (...items) => void videoQueue.push(...items),
    enqueuePoll: (...replies) => void pollQueue.push(...replies),
    get imageRequests() {
      return requests.filter((r) => r.rpc === 'predict');
    },
    get videoRequests() {
      return requests.filter((r) => r.rpc === 'predictLongRunning');
    },
    get pollRequests() {
      return requests.filter((r) => r.rpc === 'fetchPredictOperation');
    },
    reset: () => {
      requests.length = 0;
      generateQueue.length = 0;
      cacheQueue.length = 0;
      imageQueue.length = 0;
      videoQueue.length = 0;
      pollQueue.length = 0;
      jobs.clear();
      caches = 0;
      held.clear();
      gone.clear();
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

function cacheCreated(parent: string, n: number, body: unknown): ScriptedReply {
  const ttl = /^(\d+)s$/.exec(String((body as { ttl?: unknown } | undefined)?.ttl ?? ''));
  // A fixed epoch keeps replies deterministic; tests that care about expiry pass their own clock.
  const expire = new Date(Date.UTC(2030, 0, 1) + Number(ttl?.[1] ?? 3600) * 1000).toISOString();
  return {
    body: {
      name: `${parent}/cachedContents/cache-${n}`,
      model: (body as { model?: unknown } | undefined)?.model,
      createTime: new Date(Date.UTC(2030, 0, 1)).toISOString(),
      expireTime: expire,
      usageMetadata: { totalTokenCount: 4096 },
    },
  };
}

/** The ModelError a model call fails with; fails the test when it succeeds or throws anything else. */
export async function rejectsWithModelError(p: Promise<unknown>): Promise<ModelError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ModelError, `expected a ModelError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the call to fail');
}
