/**
 * The media store on Cloud Storage through @google-cloud/storage. Every write carries
 * `ifGenerationMatch: 0` (create only): Cloud Storage refuses it with 412 when the name exists, so
 * nothing is ever replaced, and the client library may retry the upload safely. A 412 is then
 * checked: the same bytes (the MD5 Cloud Storage computed matches ours) are a success, anything
 * else a conflict. Uploads go in one request (`resumable: false`): media here are kilobytes to a
 * few megabytes.
 *
 * Signed URLs are V4, signed by the client library: with a private key in `credentials` (locally,
 * the key the local server generated) it signs in process; on Cloud Functions, with no key, it
 * calls IAM `signBlob` as the function's service account (which needs
 * `roles/iam.serviceAccountTokenCreator` on itself: see infra/media.tf).
 *
 * The SDK is imported on first use, so an instance that never touches media pays nothing for it.
 */
import { createHash } from 'node:crypto';
import type { Storage, StorageOptions } from '@google-cloud/storage';
import { isMediaType, objectName, parseObjectName, pathProblem } from './core/names.js';
import { MediaError, type MediaRef, type MediaStore, type MediaType } from './port.js';

export interface GcsMediaStoreOptions {
  bucket: string;
  /** Folder every object sits under, e.g. `media`. */
  prefix?: string;
  /** Client options (locally: `apiEndpoint` and `credentials` from the local server). */
  storage?: StorageOptions;
  /** Default signed-URL lifetime in seconds. Default 900 (15 minutes). */
  signedUrlTtlSeconds?: number;
  /** For tests: the clock signed URLs start from. */
  now?: () => number;
}

const SEVEN_DAYS = 7 * 24 * 3600;

/** The HTTP status of whatever the client library threw, if any. */
function statusOf(err: unknown): number | undefined {
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** A MediaError for a storage failure: 404 is not-found, 429/5xx and network failures unavailable. */
function toMediaError(err: unknown, what: string): MediaError {
  if (err instanceof MediaError) return err;
  const status = statusOf(err);
  const message = `${what}: ${(err as Error | undefined)?.message ?? String(err)}`;
  if (status === 404) return new MediaError('not-found', message);
  if (status === undefined || status === 408 || status === 429 || status >= 500)
    return new MediaError('unavailable', message);
  // Other 4xx (403 permission, 400 refused): a defect or a misconfiguration, not worth retrying.
  return new MediaError('refused', message);
}

/** Creates the store. Synchronous: the SDK loads on the first call. */
export function createGcsMediaStore(opts: GcsMediaStoreOptions): MediaStore {
  const prefix = opts.prefix ?? 'media';
  const prefixProblem = pathProblem(prefix, 'prefix');
  if (prefixProblem) throw new Error(`createGcsMediaStore: ${prefixProblem}`);
  const ttlDefault = opts.signedUrlTtlSeconds ?? 900;
  const now = opts.now ?? Date.now;
  let client: Promise<Storage> | undefined;
  const bucket = async () =>
    (
      await (client ??= import('@google-cloud/storage').then(
        ({ Storage }) => new Storage(opts.storage ?? {}),
      ))
    ).bucket(opts.bucket);

  function checkedName(name: string): { sha256: string; type: MediaType } {
    const parsed = parseObjectName(prefix, name);
    if (!parsed.ok)
      throw new MediaError('bad-name', `bad media name "${name.slice(0, 120)}": ${parsed.problem}`);
    return parsed.value;
  }

  function refOf(name: string, meta: { size?: unknown }): MediaRef {
    const { sha256, type } = checkedName(name);
    return { name, sha256, contentType: type, size: Number(meta.size ?? 0) };
  }

  return {
    async put(bytes, contentType, o = {}) {
      if (!isMediaType(contentType))
        throw new MediaError('bad-type', `unsupported media type "${contentType}"`);
      const folder = o.folder ?? 'drafts';
      const folderProblem = pathProblem(folder, 'folder');
      if (folderProblem) throw new MediaError('bad-name', folderProblem);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const name = objectName(prefix, folder, sha256, contentType);
      const ref: MediaRef = { name, sha256, contentType, size: bytes.length };
      const file = (await bucket()).file(name);
      try {
        await file.save(Buffer.from(bytes), {
          resumable: false,
          contentType,
          metadata: { cacheControl: 'private, max-age=31536000, immutable', metadata: { sha256 } },
          preconditionOpts: { ifGenerationMatch: 0 },
        });
        return { ...ref, created: true };
      } catch (err) {
        if (statusOf(err) !== 412) throw toMediaError(err, `writing ${name}`);
      }
      // The name exists. Same bytes: done. Different bytes under our hash's name: never overwrite.
      const [meta] = await file.getMetadata().catch((err: unknown) => {
        throw toMediaError(err, `checking ${name}`);
      });
      const md5 = createHash('md5').update(bytes).digest('base64');
      if (meta.md5Hash !== md5)
        throw new MediaError('conflict', `${name} already holds other bytes; it is never overwritten`);
      return { ...ref, created: false };
    },

    async get(name) {
      const { sha256, type } = checkedName(name);
      // One request: the name already says the hash and the type.
      const [bytes] = await (
        await bucket()
      )
        .file(name)
        .download()
        .catch((err: unknown) => {
          throw toMediaError(err, `reading ${name}`);
        });
      return { ref: { name, sha256, contentType: type, size: bytes.length }, bytes: new Uint8Array(bytes) };
    },

    async list(folder = '') {
      const folderProblem = pathProblem(folder, 'folder');
      if (folderProblem) throw new MediaError('bad-name', folderProblem);
      const under = [prefix, folder].filter(Boolean).join('/');
      const [files] = await (
        await bucket()
      )
        .getFiles({ prefix: under ? `${under}/` : '', autoPaginate: true })
        .catch((err: unknown) => {
          throw toMediaError(err, `listing ${under}`);
        });
      // Objects not named by this store (written by hand) are left out rather than failing the list.
      return files.filter((f) => parseObjectName(prefix, f.name).ok).map((f) => refOf(f.name, f.metadata));
    },

    async signedUrl(name, o = {}) {
      checkedName(name);
      const ttl = o.ttlSeconds ?? ttlDefault;
      if (!Number.isInteger(ttl) || ttl < 1 || ttl > SEVEN_DAYS)
        throw new MediaError('bad-name', `a signed URL lives 1 s to 7 days, not ${ttl} s`);
      const expiresAt = new Date(now() + ttl * 1000);
      const [url] = await (
        await bucket()
      )
        .file(name)
        .getSignedUrl({ version: 'v4', action: 'read', expires: expiresAt, accessibleAt: new Date(now()) })
        .catch((err: unknown) => {
          throw toMediaError(err, `signing ${name}`);
        });
      return { url, expiresAt };
    },
  };
}
