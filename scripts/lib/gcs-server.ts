/**
 * A local Cloud Storage for `npm start` and the tests: these machines have no Google storage
 * emulator (the Firebase one needs Java 21), so this speaks the part of the JSON API the media
 * store uses, for the real @google-cloud/storage client pointed at it by `apiEndpoint`. Objects are
 * held in memory and, given a `dir`, kept there too (gcs-disk.ts) with the signing key, so a
 * restarted server serves what it stored before and the URLs it signed still open:
 *
 * - `POST /upload/storage/v1/b/{bucket}/o?uploadType=media|multipart` with `ifGenerationMatch`
 *   (0 = only if absent; a mismatch is 412 conditionNotMet), answering the object resource with
 *   its md5Hash and crc32c, which the client checks;
 * - `GET /storage/v1/b/{bucket}/o/{name}` (metadata) and `?alt=media` (bytes, with `x-goog-hash`);
 * - `GET /storage/v1/b/{bucket}/o?prefix=&delimiter=&maxResults=&pageToken=` (list);
 * - `GET /{bucket}/{name}?X-Goog-Signature=...` V4 signed URLs, checked for expiry and signature
 *   against the server's signing key (`credentials` hands its private half to the client, so URLs
 *   are signed locally with no cloud credentials).
 *
 * Resumable uploads are refused with 501: the media store uploads in one request (`resumable: false`).
 */
import { createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadObjects, loadSigningKey, saveObject, type StoredObject } from './gcs-disk.js';
import { checkSignedUrl, crc32cBase64, md5Base64, parseMultipart } from './gcs-wire.js';

export type { StoredObject };

export interface GcsServer {
  /** http://127.0.0.1:<port>: the client's `apiEndpoint` and the signed URLs' host. */
  url: string;
  port: number;
  bucket: string;
  /** Service-account credentials whose key the server verifies signatures with. */
  credentials: { client_email: string; private_key: string };
  /** Options for `new Storage(...)` that point the real client here. */
  storageOptions(): { apiEndpoint: string; projectId: string; credentials: GcsServer['credentials'] };
  /** The bucket's objects, by name (tests look inside). */
  objects: Map<string, StoredObject>;
  /** What was wrong in `dir` at start (objects left out, a key replaced), one sentence each. */
  problems: string[];
  stop(): Promise<void>;
}

export interface GcsServerOptions {
  bucket?: string;
  port?: number;
  host?: string;
  /** The clock signed URLs are checked against (tests move it past expiry). */
  now?: () => number;
  /** Keep objects and the signing key here, and load them on start (unset: memory only). */
  dir?: string;
}

const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason = 'invalid',
  ) {
    super(message);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(JSON.stringify(body));
}

function sendXmlError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/xml; charset=UTF-8' });
  res.end(
    `<?xml version='1.0' encoding='UTF-8'?><Error><Code>${code}</Code><Message>${message}</Message></Error>`,
  );
}

/** Object names Cloud Storage refuses. */
function checkName(name: string | null): string {
  if (!name) throw new HttpError(400, 'Required object name is missing', 'required');
  if (
    Buffer.byteLength(name) > 1024 ||
    /[\r\n]/.test(name) ||
    name === '.' ||
    name === '..' ||
    name.startsWith('.well-known/acme-challenge/')
  )
    throw new HttpError(400, `Invalid object name: ${JSON.stringify(name.slice(0, 100))}`);
  return name;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_UPLOAD_BYTES) {
        reject(new HttpError(413, 'upload too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts the server (127.0.0.1, a free port unless told). */
export async function startGcsServer(opts: GcsServerOptions = {}): Promise<GcsServer> {
  const bucket = opts.bucket ?? 'muse-media-local';
  const now = opts.now ?? Date.now;
  const { dir } = opts;
  const kept = dir ? loadObjects(dir) : { objects: [], problems: [] };
  const key = dir
    ? loadSigningKey(dir)
    : {
        privateKeyPem: generateKeyPairSync('rsa', { modulusLength: 2048 })
          .privateKey.export({ type: 'pkcs8', format: 'pem' })
          .toString(),
        problems: [],
      };
  const objects = new Map(kept.objects.map((o) => [o.name, o]));
  // Names being written to disk: a create-only write of the same name meanwhile is refused.
  const writing = new Set<string>();
  const publicKey = createPublicKey(key.privateKeyPem);
  const credentials = {
    client_email: 'muse-media-signer@local-project.iam.gserviceaccount.com',
    private_key: key.privateKeyPem,
  };
  // Generations only grow, also across restarts.
  let generation = kept.objects.reduce(
    (max, o) => (Number(o.generation) > max ? Number(o.generation) : max),
    Date.UTC(2030, 0, 1) * 1000,
  );

  const resource = (o: StoredObject) => ({
    kind: 'storage#object',
    id: `${bucket}/${o.name}/${o.generation}`,
    selfLink: `${url}/storage/v1/b/${bucket}/o/${encodeURIComponent(o.name)}`,
    mediaLink: `${url}/download/storage/v1/b/${bucket}/o/${encodeURIComponent(o.name)}?generation=${o.generation}&alt=media`,
    name: o.name,
    bucket,
    generation: o.generation,
    metageneration: '1',
    contentType: o.contentType,
    storageClass: 'STANDARD',
    size: String(o.bytes.length),
    md5Hash: md5Base64(o.bytes),
    crc32c: crc32cBase64(o.bytes),
    etag: md5Base64(Buffer.from(o.generation)),
    timeCreated: o.created,
    updated: o.created,
    ...(o.cacheControl ? { cacheControl: o.cacheControl } : {}),
    ...(o.metadata ? { metadata: o.metadata } : {}),
  });

  async function upload(req: IncomingMessage, res: ServerResponse, q: URLSearchParams): Promise<void> {
    const type = q.get('uploadType');
    if (type === 'resumable')
      throw new HttpError(501, 'resumable uploads are not served locally; upload with resumable: false');
    const body = await readBody(req);
    let meta: {
      name?: string;
      contentType?: string;
      metadata?: Record<string, string>;
      cacheControl?: string;
    } = {};
    let bytes = body;
    let contentType = req.headers['content-type'] ?? 'application/octet-stream';
    if (type === 'multipart') {
      const parts = parseMultipart(body, contentType);
      if (!parts || parts.length !== 2) throw new HttpError(400, 'malformed multipart/related body');
      try {
        meta = JSON.parse(parts[0]!.body.toString('utf8')) as typeof meta;
      } catch {
        throw new HttpError(400, 'the metadata part is not JSON', 'parseError');
      }
      bytes = parts[1]!.body;
      contentType = meta.contentType ?? (parts[1]!.type || 'application/octet-stream');
    } else if (type !== 'media') throw new HttpError(400, `unknown uploadType ${type ?? '(none)'}`);
    const name = checkName(q.get('name') ?? meta.name ?? null);
    const existing = objects.get(name);
    const want = q.get('ifGenerationMatch');
    if (want !== null && (writing.has(name) || want !== (existing?.generation ?? '0')))
      throw new HttpError(
        412,
        'At least one of the pre-conditions you specified did not hold.',
        'conditionNotMet',
      );
    const stored: StoredObject = {
      name,
      bytes: Buffer.from(bytes),
      contentType,
      generation: String(++generation),
      created: new Date(now()).toISOString(),
      ...(meta.metadata ? { metadata: meta.metadata } : {}),
      ...(meta.cacheControl ? { cacheControl: meta.cacheControl } : {}),
    };
    if (dir) {
      writing.add(name);
      try {
        await saveObject(dir, stored);
      } catch (err) {
        throw new HttpError(
          503,
          `the object could not be kept in ${dir}: ${err instanceof Error ? err.message : String(err)}`,
          'backendError',
        );
      } finally {
        writing.delete(name);
      }
    }
    objects.set(name, stored);
    sendJson(res, 200, resource(stored));
  }

  function sendBytes(res: ServerResponse, o: StoredObject): void {
    res.writeHead(200, {
      'content-type': o.contentType,
      'content-length': o.bytes.length,
      'x-goog-generation': o.generation,
      'x-goog-hash': `crc32c=${crc32cBase64(o.bytes)},md5=${md5Base64(o.bytes)}`,
      'x-goog-stored-content-encoding': 'identity',
      ...(o.cacheControl ? { 'cache-control': o.cacheControl } : {}),
    });
    res.end(o.bytes);
  }

  function list(res: ServerResponse, q: URLSearchParams): void {
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter');
    const max = Math.min(1000, Math.max(1, Number(q.get('maxResults') ?? 1000) || 1000));
    const after = q.get('pageToken') ? Buffer.from(q.get('pageToken')!, 'base64url').toString() : '';
    const names = [...objects.keys()].filter((n) => n.startsWith(prefix) && n > after).sort();
    const items: StoredObject[] = [];
    const prefixes = new Set<string>();
    let last = '';
    for (const n of names) {
      if (items.length + prefixes.size >= max) break;
      last = n;
      const rest = n.slice(prefix.length);
      const cut = delimiter ? rest.indexOf(delimiter) : -1;
      if (delimiter && cut >= 0) prefixes.add(prefix + rest.slice(0, cut + delimiter.length));
      else items.push(objects.get(n)!);
    }
    const more = names.length > 0 && last !== names[names.length - 1];
    sendJson(res, 200, {
      kind: 'storage#objects',
      ...(items.length ? { items: items.map(resource) } : {}),
      ...(prefixes.size ? { prefixes: [...prefixes] } : {}),
      ...(more ? { nextPageToken: Buffer.from(last).toString('base64url') } : {}),
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const u = new URL(req.url ?? '/', 'http://local');
    const q = u.searchParams;
    const parts = u.pathname.split('/').slice(1);
    const jsonApi = /^\/(?:download\/)?storage\/v1\/b\/([^/]+)\/o(?:\/(.+))?$/.exec(u.pathname);
    if (req.method === 'POST' && /^\/upload\/storage\/v1\/b\/([^/]+)\/o$/.test(u.pathname)) {
      if (parts[4] !== bucket)
        throw new HttpError(404, `The specified bucket does not exist: ${parts[4]}`, 'notFound');
      return upload(req, res, q);
    }
    if (req.method === 'GET' && jsonApi) {
      if (jsonApi[1] !== bucket)
        throw new HttpError(404, `The specified bucket does not exist: ${jsonApi[1]}`, 'notFound');
      if (!jsonApi[2]) return list(res, q);
      const name = checkName(decodeURIComponent(jsonApi[2]));
      const o = objects.get(name);
      if (!o) throw new HttpError(404, `No such object: ${bucket}/${name}`, 'notFound');
      return q.get('alt') === 'media' ? sendBytes(res, o) : sendJson(res, 200, resource(o));
    }
    if (req.method === 'GET' && parts[0] === bucket && q.has('X-Goog-Signature')) {
      const host = (req.headers.host ?? '').replace(/:\d+$/, '');
      const problem = checkSignedUrl(
        { method: 'GET', path: u.pathname, query: q, host },
        { clientEmail: credentials.client_email, publicKey },
        now(),
      );
      if (problem) return sendXmlError(res, problem.status, problem.code, problem.message);
      const o = objects.get(decodeURIComponent(parts.slice(1).join('/')));
      if (!o) return sendXmlError(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      return sendBytes(res, o);
    }
    if (req.method === 'GET' && parts[0] === bucket)
      return sendXmlError(
        res,
        403,
        'AccessDenied',
        'Anonymous access is not allowed: public access prevention is enforced.',
      );
    throw new HttpError(404, `no route for ${req.method} ${u.pathname}`, 'notFound');
  }

  const server = createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      const e = err instanceof HttpError ? err : new HttpError(500, String(err), 'backendError');
      if (res.headersSent) return void res.destroy();
      sendJson(res, e.status, {
        error: {
          code: e.status,
          message: e.message,
          errors: [{ message: e.message, domain: 'global', reason: e.reason }],
        },
      });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${opts.host && opts.host !== '0.0.0.0' ? opts.host : '127.0.0.1'}:${port}`;
  const projectId = `local-${randomUUID().slice(0, 8)}`;
  return {
    url,
    port,
    bucket,
    credentials,
    storageOptions: () => ({ apiEndpoint: url, projectId, credentials }),
    objects,
    problems: [...kept.problems, ...key.problems],
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
