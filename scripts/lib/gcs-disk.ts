/**
 * Where the local Cloud Storage server keeps its bucket between runs (`startGcsServer({ dir })`):
 * `npm start` keeps its Firestore data across restarts, so the assets it names must keep their
 * frames, and the links it printed must keep opening.
 *
 * - `signing-key.pem`: the key signed URLs are signed and checked with, kept so a URL signed before
 *   a restart still verifies after it;
 * - `objects/<sha256 of the name>.bin` (the bytes) and `.json` (name, generation, md5Hash,
 *   contentType, size, created, metadata, cacheControl). Names are hashed because object names may
 *   hold any character and be 1024 bytes long. The bytes are written first and the JSON last, each
 *   to a temporary file renamed into place: an object exists once its JSON does, so a crash
 *   mid-write leaves no half object.
 *
 * Loading checks every object against its JSON (size and MD5). One that does not match, or a JSON
 * that does not parse, is left out and reported (never served, never a crash); an unreadable
 * signing key is set aside and replaced, and reported.
 */
import { createHash, createPrivateKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { md5Base64 } from './gcs-wire.js';

export interface StoredObject {
  name: string;
  bytes: Buffer;
  contentType: string;
  generation: string;
  metadata?: Record<string, string>;
  cacheControl?: string;
  created: string;
}

const ObjectFile = z.strictObject({
  name: z.string().min(1).max(1024),
  generation: z.string().regex(/^[1-9]\d{0,18}$/),
  md5Hash: z.string().regex(/^[A-Za-z0-9+/]{22}==$/),
  contentType: z.string().min(1),
  size: z.number().int().min(0),
  created: z.iso.datetime(),
  metadata: z.record(z.string(), z.string()).optional(),
  cacheControl: z.string().optional(),
});

const fileOf = (name: string) => createHash('sha256').update(name).digest('hex');
const objectsDir = (dir: string) => join(dir, 'objects');

function openDir(dir: string): void {
  try {
    mkdirSync(objectsDir(dir), { recursive: true });
  } catch (err) {
    throw new Error(
      `the local Cloud Storage directory ${dir} cannot be used: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** The signing key kept in `dir` (made on first use); a broken one is set aside and replaced. */
export function loadSigningKey(dir: string): { privateKeyPem: string; problems: string[] } {
  openDir(dir);
  const file = join(dir, 'signing-key.pem');
  const problems: string[] = [];
  let pem: string | undefined;
  try {
    pem = readFileSync(file, 'utf8');
    createPrivateKey(pem);
    return { privateKeyPem: pem, problems };
  } catch (err) {
    if (pem !== undefined) {
      const aside = `${file}.unreadable-${Date.now()}`;
      renameSync(file, aside);
      problems.push(
        `${file} is not a private key (${err instanceof Error ? err.message : String(err)}); it was moved to ${aside} and a new key made: links signed before no longer open`,
      );
    } else if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const made = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  writeFileSync(file, made, { mode: 0o600 });
  return { privateKeyPem: made, problems };
}

/** Every object kept in `dir`, checked against its JSON; the ones that fail are named in `problems`. */
export function loadObjects(dir: string): { objects: StoredObject[]; problems: string[] } {
  openDir(dir);
  const at = objectsDir(dir);
  const objects: StoredObject[] = [];
  const problems: string[] = [];
  for (const entry of readdirSync(at)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const path = join(at, entry);
    const problem = (why: string) => problems.push(`${path}: ${why}; the object is left out`);
    let meta: z.infer<typeof ObjectFile>;
    try {
      const parsed = ObjectFile.safeParse(JSON.parse(readFileSync(path, 'utf8')));
      if (!parsed.success) {
        problem(
          `not an object's metadata (${parsed.error.issues.map((i) => `${i.path.join('.') || 'file'}: ${i.message}`).join('; ')})`,
        );
        continue;
      }
      meta = parsed.data;
    } catch (err) {
      problem(`unreadable JSON (${err instanceof Error ? err.message : String(err)})`);
      continue;
    }
    if (`${fileOf(meta.name)}.json` !== entry) {
      problem(`it names ${JSON.stringify(meta.name)}, which is kept under another file`);
      continue;
    }
    const binPath = path.replace(/\.json$/, '.bin');
    let bytes: Buffer;
    try {
      bytes = readFileSync(binPath);
    } catch (err) {
      problem(`its bytes cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      continue;
    }
    if (bytes.length !== meta.size) {
      problem(`its bytes are ${bytes.length} long, the metadata says ${meta.size}`);
      continue;
    }
    if (md5Base64(bytes) !== meta.md5Hash) {
      problem(`its bytes do not match the metadata's MD5 ${meta.md5Hash}`);
      continue;
    }
    objects.push({
      name: meta.name,
      bytes,
      contentType: meta.contentType,
      generation: meta.generation,
      created: meta.created,
      ...(meta.metadata ? { metadata: meta.metadata } : {}),
      ...(meta.cacheControl ? { cacheControl: meta.cacheControl } : {}),
    });
  }
  return { objects, problems };
}

async function writeAtomically(path: string, data: string | Buffer): Promise<void> {
  const tmp = `${path}.tmp-${randomUUID()}`;
  await writeFile(tmp, data);
  await rename(tmp, path);
}

/** Keeps an object in `dir`: the bytes, then the JSON that makes it exist. */
export async function saveObject(dir: string, o: StoredObject): Promise<void> {
  const base = join(objectsDir(dir), fileOf(o.name));
  await writeAtomically(`${base}.bin`, o.bytes);
  const meta: z.infer<typeof ObjectFile> = {
    name: o.name,
    generation: o.generation,
    md5Hash: md5Base64(o.bytes),
    contentType: o.contentType,
    size: o.bytes.length,
    created: o.created,
    ...(o.metadata ? { metadata: o.metadata } : {}),
    ...(o.cacheControl ? { cacheControl: o.cacheControl } : {}),
  };
  await writeAtomically(`${base}.json`, `${JSON.stringify(meta, null, 2)}\n`);
}

/** The objects file a name is kept under (tests damage it on purpose). */
export const objectFiles = (dir: string, name: string) => {
  const base = join(objectsDir(dir), fileOf(name));
  return { bin: `${base}.bin`, json: `${base}.json` };
};
