/**
 * API key documents as operators list and revoke them. The collection is the platform's (its
 * `API_KEYS`, written by platform/api-keys.ts); these are the reads and the revoke the platform does
 * not offer yet, typed through `typedCollection` and named only by the platform's export.
 */
import { FieldPath, type Firestore, type Transaction } from '@google-cloud/firestore';
import { API_KEYS, type ApiKeyDoc } from '../platform/api-keys.js';
import { typedCollection } from '../platform/firestore/typed.js';

export interface StoredApiKey extends ApiKeyDoc {
  /** The HMAC of the key: the document's id. */
  hash: string;
  disabledAt?: Date;
  disabledBy?: string;
}

const keys = (db: Firestore) => typedCollection<StoredApiKey>(db, API_KEYS, 'hash');

export async function listKeyDocs(db: Firestore, limit: number): Promise<StoredApiKey[]> {
  return (await keys(db).limit(limit).get()).docs.map((d) => ({ ...d.data(), hash: d.id }));
}

/** The keys whose HMAC starts with `prefix` (at most 2: enough to tell one from many). */
export async function keysByIdPrefix(db: Firestore, prefix: string): Promise<string[]> {
  const found = await keys(db)
    .where(FieldPath.documentId(), '>=', prefix)
    .where(FieldPath.documentId(), '<', `${prefix}g`)
    .limit(2)
    .get();
  return found.docs.map((d) => d.id);
}

export async function readKeyTx(db: Firestore, tx: Transaction, hash: string): Promise<StoredApiKey> {
  const snap = await tx.get(keys(db).doc(hash));
  return { ...snap.data()!, hash: snap.id };
}

export function disableKeyTx(db: Firestore, tx: Transaction, hash: string, at: Date, by: string): void {
  tx.update(keys(db).doc(hash), { disabled: true, disabledAt: at, disabledBy: by });
}
