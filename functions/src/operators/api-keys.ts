/**
 * API keys as operators manage them: create (the key is shown once), list and revoke, through the
 * API rather than only `npm run apikey`. A key is named by its id, the first 12 hex characters of
 * its HMAC (the same id the audit trail records as the actor), never by the key itself.
 */
import type { Firestore } from '@google-cloud/firestore';
import { auditInTransaction } from '../platform/audit.js';
import { API_KEYS, createApiKey, hashKey } from '../platform/api-keys.js';
import type { Scope } from '../platform/http/route.js';
import { conflict, invalidInput, notFound } from '../shared/errors.js';
import type { Actor } from '../shared/ports.js';
import { disableKeyTx, keysByIdPrefix, listKeyDocs, readKeyTx, type StoredApiKey } from './key-store.js';

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

function view(d: StoredApiKey): ApiKeyView {
  return {
    id: d.hash.slice(0, 12),
    name: d.name,
    scopes: d.scopes,
    createdAt: d.createdAt instanceof Date ? d.createdAt.toISOString() : '',
    disabled: d.disabled === true,
    ...(d.disabledAt ? { disabledAt: d.disabledAt.toISOString() } : {}),
    ...(d.disabledBy ? { disabledBy: d.disabledBy } : {}),
  };
}

export async function listApiKeys(db: Firestore): Promise<ApiKeyView[]> {
  return (await listKeyDocs(db, 1000))
    .map(view)
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
  const found = await keysByIdPrefix(db, input.id);
  if (!found.length) throw notFound(`no API key with id ${input.id}`);
  if (found.length > 1)
    throw conflict(`the id ${input.id} names more than one key; ask an admin to revoke by another`);
  const hash = found[0]!;
  return db.runTransaction(async (tx) => {
    const doc = await readKeyTx(db, tx, hash);
    if (doc.disabled) throw conflict(`API key ${input.id} (${doc.name}) is already revoked`);
    disableKeyTx(db, tx, hash, now, input.actor.id);
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
    return view({ ...doc, disabled: true, disabledAt: now, disabledBy: input.actor.id });
  });
}
