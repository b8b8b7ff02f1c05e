/**
 * API keys for agents and CI. Only an HMAC of each key (with a server-side pepper) is stored, so a
 * database read does not reveal usable keys. Keys carry scopes; `admin` implies every scope.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import { typedCollection } from './firestore/typed.js';
import type { Caller, Scope } from './http/route.js';

/** Exported for the operators' key listing (operators/api-keys.ts) and the local stack's seeding. */
export const API_KEYS = 'apiKeys';

export interface ApiKeyDoc {
  name: string;
  scopes: Scope[];
  createdAt: Date;
  disabled: boolean;
  disabledAt?: Date;
}

/** The keys, read and written as `ApiKeyDoc` (by HMAC id). */
export const apiKeys = (db: Firestore) => typedCollection<ApiKeyDoc>(db, API_KEYS);

export const hashKey = (pepper: string, key: string) =>
  createHmac('sha256', pepper).update(key).digest('hex');

export async function createApiKey(
  db: Firestore,
  pepper: string,
  k: { name: string; scopes: Scope[]; key?: string },
  now: Date,
) {
  const key = k.key ?? `mo_${randomBytes(24).toString('base64url')}`;
  await apiKeys(db)
    .doc(hashKey(pepper, key))
    .set({ name: k.name, scopes: k.scopes, createdAt: now, disabled: false });
  return { key, name: k.name, scopes: k.scopes };
}

/** Disables every key with this name (keys are stored only as HMACs, so a name is how a person finds one). */
export async function disableApiKeys(db: Firestore, name: string, now: Date): Promise<number> {
  const snap = await apiKeys(db).where('name', '==', name).get();
  await Promise.all(snap.docs.map((d) => d.ref.update({ disabled: true, disabledAt: now })));
  return snap.size;
}

/**
 * Looks a key up on every request: one document read by id (a few milliseconds), so disabling a
 * key takes effect on the very next request on every instance. A cache would save that read but
 * let a revoked key keep working for its lifetime on each warm instance, which is what revocation
 * must not allow.
 */
export function createKeyResolver(db: Firestore, pepper: string) {
  return async (key: string): Promise<Caller | undefined> => {
    if (key.length === 0 || key.length > 200) return undefined;
    const id = hashKey(pepper, key);
    const doc = (await apiKeys(db).doc(id).get()).data();
    if (!doc || doc.disabled) return undefined;
    return { keyId: id.slice(0, 12), name: doc.name, scopes: doc.scopes };
  };
}

export function hasScope(caller: Caller, scope: Scope): boolean {
  return (
    caller.scopes.includes('admin') ||
    caller.scopes.includes(scope) ||
    (scope === 'read' && caller.scopes.length > 0)
  );
}
