/**
 * API keys as operators manage them: create (the key is shown once), list and revoke, through the
 * API rather than only `npm run apikey`. A key is named by its id, the first 12 hex characters of
 * its HMAC (the same id the audit trail records as the actor), never by the key itself.
 */
import { FieldPath, type Firestore } from '@google-cloud/firestore';
import { auditInTransaction } from '../platform/audit.js';
import { API_KEYS, createApiKey, hashKey, type ApiKeyDoc } from '../platform/api-keys.js';
import type { Scope } from '../platform/http/route.js';
import { conflict, invalidInput, notFound } from '../shared/errors.js';
import type { Actor } from '../shared/ports.js';

export interface ApiKeyView {
  id: string;
  name: string;
  scopes: Scope[];
  createdAt: string;
  disabled: boolean;
  disabledAt?: string;
  disabledBy?: string;
}

const KEY_ID = /^[0-9a-f]{12}$/;

const toIso = (v: unknown) =>
  v instanceof Date ? v.toISOString() : (v as { toDate?: () => Date } | undefined)?.toDate?.().toISOString();

function view(hash: string, d: ApiKeyDoc & { disabledAt?: unknown; disabledBy?: string }): ApiKeyView {
  return {
    id: hash.slice(0, 12),
    name: d.name,
    scopes: d.scopes,
    createdAt: toIso(d.createdAt) ?? '',
    disabled: d.disabled === true,
    ...(d.disabledAt ? { disabledAt: toIso(d.disabledAt) } : {}),
    ...(d.disabledBy ? { disabledBy: d.disabledBy } : {}),
  };
}

export async function listApiKeys(db: Firestore): Promise<ApiKeyView[]> {
  const snap = await db.collection(API_KEYS).limit(1000).get();
  return snap.docs
    .map((d) => view(d.id, d.data() as ApiKeyDoc))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

export async function issueApiKey(
  db: Firestore,
  pepper: string,
  input: { name: string; scopes: Scope[]; actor: Actor; rationale: string },
  now: Date,
): Promise<{ key: string; id: string; name: string; scopes: Scope[] }> {
  const made = await createApiKey(db, pepper, { name: input.name, scopes: input.scopes }, now);
  const id = hashKey(pepper, made.key).slice(0, 12);
  await db.runTransaction(async (tx) => {
    auditInTransaction(
      db,
      tx,
      {
        actor: input.actor,
        action: 'apikey.create',
        target: `${API_KEYS}/${id}`,
        outcome: 'ok',
        rationale: input.rationale,
        via: 'api',
        details: { name: input.name, scopes: input.scopes },
      },
      now,
    );
  });
  return { ...made, id };
}

/** Disables a key by its id; takes effect on the key's next request. Revoking twice is refused. */
export async function revokeApiKey(
  db: Firestore,
  input: { id: string; actor: Actor; rationale: string },
  now: Date,
): Promise<ApiKeyView> {
  if (!KEY_ID.test(input.id))
    throw invalidInput('a key id is 12 lower-case hex characters (see GET /v1/api-keys)');
  const col = db.collection(API_KEYS);
  const found = await col
    .where(FieldPath.documentId(), '>=', input.id)
    .where(FieldPath.documentId(), '<', `${input.id}g`)
    .limit(2)
    .get();
  if (found.empty) throw notFound(`no API key with id ${input.id}`);
  if (found.size > 1)
    throw conflict(`the id ${input.id} names more than one key; ask an admin to revoke by another`);
  const ref = found.docs[0]!.ref;
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    const doc = snap.data() as ApiKeyDoc;
    if (doc.disabled) throw conflict(`API key ${input.id} (${doc.name}) is already revoked`);
    tx.update(ref, { disabled: true, disabledAt: now, disabledBy: input.actor.id });
    auditInTransaction(
      db,
      tx,
      {
        actor: input.actor,
        action: 'apikey.revoke',
        target: `${API_KEYS}/${input.id}`,
        outcome: 'ok',
        rationale: input.rationale,
        via: 'api',
        details: { name: doc.name },
      },
      now,
    );
    return view(snap.id, { ...doc, disabled: true, disabledAt: now, disabledBy: input.actor.id });
  });
}
