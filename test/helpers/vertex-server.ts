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
 * from the cache queue (default: a cache named `.../cachedContents/cache-{n}`). Anything else is 404.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  /** `generateContent`, `streamGenerateContent`, `cachedContents.create`, or `unknown`. */
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
  /** Forgets recorded requests and unused replies (call it between tests). */
  reset(): void;
  stop(): Promise<void>;
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

/** google-auth-library options that authenticate with a fixed API key and never touch the network. */
export function vertexTestAuth(projectId: string): { apiKey: string; projectId: string } {
  return { apiKey: 'test-api-key', projectId };
}

const MODEL_PATH = /^\/[^/]+\/projects\/[^/]+\/locations\/[^/]+\/publishers\/google\/models\/([^/:]+):(\w+)$/;
const CACHE_PATH = /^\/[^/]+\/(projects\/[^/]+\/locations\/[^/]+)\/cachedContents$/;

/** Starts the server on 127.0.0.1, port 0. */
export async function startVertexServer(): Promise<VertexServer> {
  const requests: RecordedRequest[] = [];
  const generateQueue: ScriptedReply[] = [];
  const cacheQueue: ScriptedReply[] = [];
  let caches = 0;

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
      const rpc = model
        ? (model[2] ?? 'unknown')
        : cache && req.method === 'POST'
          ? 'cachedContents.create'
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
      if (model) reply = generateQueue.shift() ?? textReply('ok');
      else if (rpc === 'cachedContents.create')
        reply = cacheQueue.shift() ?? cacheCreated(cache?.[1] ?? '', ++caches, body);
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
    reset: () => {
      requests.length = 0;
      generateQueue.length = 0;
      cacheQueue.length = 0;
      caches = 0;
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
