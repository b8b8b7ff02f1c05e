/**
 * How media objects are named: `{prefix}/{folder}/{sha256}.{ext}`, the hash of the bytes, so a name
 * says what the object holds and two writers of the same bytes agree on it. Pure: the adapter and
 * the routes validate every name here before it reaches storage or a signed URL.
 */

/** The media types the store holds, with the extension each is named by. */
export const MEDIA_TYPES = {
  'image/png': 'png',
  'image/webp': 'webp',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'video/mp4': 'mp4',
} as const;
export type MediaType = keyof typeof MEDIA_TYPES;

const SEGMENT = /^[a-z0-9][a-z0-9-]{0,62}$/;
const HASH = /^[0-9a-f]{64}$/;

export function isMediaType(type: string): type is MediaType {
  return Object.hasOwn(MEDIA_TYPES, type);
}

/** Why a prefix or folder (slash-separated lower-case segments) is unusable, or undefined. */
export function pathProblem(path: string, what: string): string | undefined {
  if (path === '') return undefined;
  const segments = path.split('/');
  if (segments.length > 6) return `${what} has more than 6 segments`;
  const bad = segments.find((s) => !SEGMENT.test(s));
  return bad === undefined
    ? undefined
    : `${what} segment "${bad.slice(0, 40)}" must be lower-case letters, digits and dashes`;
}

/** The object name for bytes of `type` with this hash. */
export function objectName(prefix: string, folder: string, sha256: string, type: MediaType): string {
  return [prefix, folder, `${sha256}.${MEDIA_TYPES[type]}`].filter(Boolean).join('/');
}

export interface ParsedName {
  folder: string;
  sha256: string;
  type: MediaType;
}

/**
 * Reads a name back, or says why it is not one of this store's: it must sit under `prefix`, in
 * well-formed folders, and end in a sha256 and a known extension.
 */
export function parseObjectName(
  prefix: string,
  name: string,
): { ok: true; value: ParsedName } | { ok: false; problem: string } {
  if (name.length > 512) return { ok: false, problem: 'name longer than 512 characters' };
  const head = prefix ? `${prefix}/` : '';
  if (!name.startsWith(head)) return { ok: false, problem: `name is not under "${prefix}/"` };
  const rest = name.slice(head.length).split('/');
  const file = rest.pop() ?? '';
  const folder = rest.join('/');
  const folderProblem = pathProblem(folder, 'folder');
  if (folderProblem) return { ok: false, problem: folderProblem };
  const dot = file.lastIndexOf('.');
  const sha256 = file.slice(0, dot);
  const ext = file.slice(dot + 1);
  const type = (Object.keys(MEDIA_TYPES) as MediaType[]).find((t) => MEDIA_TYPES[t] === ext);
  if (dot < 0 || !HASH.test(sha256) || !type)
    return { ok: false, problem: 'name must end in a sha256 (64 hex digits) and a media extension' };
  return { ok: true, value: { folder, sha256, type } };
}
