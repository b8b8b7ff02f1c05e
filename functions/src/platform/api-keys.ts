/**
 * API keys for agents and CI. Only an HMAC of each key (with a server-side pepper) is stored, so a
 * database read does not reveal usable keys. Keys carry scopes; `admin` implies every scope.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import type { Caller, Scope } from './http/route.js';

export const API_KEYS = 'apiKeys';

export interface ApiKeyDoc {
  name: string;
  scopes: Scope[];
  createdAt: Date;
  disabled: boolean;
}

export const hashKey = (pepper: string, key: string) =>
  createHmac('sha256', pepper).update(key).digest('hex');

export async function createApiKey(
  db: Firestore,
  pepper: string,
  k: { name: string; scopes: Scope[]; key?: string },
  now: Date,
) {
  const key = k.key ?? `mo_${randomBytes(24).toString('base64url')}`;
  await db
    .collection(API_KEYS)
    .doc(hashKey(pepper, key))
    .set({ name: k.name, scopes: k.scopes, createdAt: now, disabled: false } satisfies ApiKeyDoc);
  return { key, name: k.name, scopes: k.scopes };
}

/** Looks a key up, with a short in-memory cache of hits so each request does not cost a read. */
export function createKeyResolver(db: Firestore, pepper: string, ttlMs = 30_000) {
  const cache = new Map<string, { caller: Caller; until: number }>();
  return async (key: string): Promise<Caller | undefined> => {
    const id = hashKey(pepper, key);
    const hit = cache.get(id);
    if (hit && hit.until > Date.now()) return hit.caller;
    const snap = await db.collection(API_KEYS).doc(id).get();
    const doc = snap.data() as ApiKeyDoc | undefined;
    if (!doc || doc.disabled) return undefined;
    const caller: Caller = { keyId: id.slice(0, 12), name: doc.name, scopes: doc.scopes };
    cache.set(id, { caller, until: Date.now() + ttlMs });
    return caller;
  };
}

export function hasScope(caller: Caller, scope: Scope): boolean {
  return (
    caller.scopes.includes('admin') ||
    caller.scopes.includes(scope) ||
    (scope === 'read' && caller.scopes.length > 0)
  );
}
