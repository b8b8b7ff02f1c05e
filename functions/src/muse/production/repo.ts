/**
 * Production's documents: the staged assets (`stagedAssets/{runId}`, created once by the publish
 * step and never changed) and the identity Bible (`muse/bible`, versioned, seeded with the
 * default on first read). The Bible's warm-start cache is in bible-store.ts.
 */
import { FieldPath, type Firestore, type Transaction } from '@google-cloud/firestore';
import { typedCollection } from '../../platform/firestore/typed.js';
import type { Actor } from '../../shared/ports.js';
import type { StagedAsset } from './core/staged-asset.js';

const STAGED_ASSETS = 'stagedAssets';
const MUSE = 'muse';
const BIBLE = 'bible';

/** Where the Bible lives, as the audit log names it. */
export const BIBLE_PATH = `${MUSE}/${BIBLE}`;

const assets = (db: Firestore) => typedCollection<StagedAsset>(db, STAGED_ASSETS, 'id');
const bibleRef = (db: Firestore) => db.collection(MUSE).doc(BIBLE);

export async function findAsset(db: Firestore, id: string): Promise<StagedAsset | undefined> {
  return (await assets(db).doc(id).get()).data();
}

/** The newest staged assets first, after `before` when given. */
export async function assetsPage(db: Firestore, limit: number, before?: Date): Promise<StagedAsset[]> {
  let q = assets(db).orderBy('createdAt', 'desc').limit(limit);
  if (before) q = q.startAfter(before);
  return (await q.get()).docs.map((d) => d.data());
}

/** Whether the asset is staged (a read: call before any write). */
export async function assetExistsInTx(db: Firestore, tx: Transaction, id: string): Promise<boolean> {
  return (await tx.get(assets(db).doc(id))).exists;
}

export function createAssetInTx(db: Firestore, tx: Transaction, asset: StagedAsset): void {
  tx.create(assets(db).doc(asset.id), asset);
}

// --- the Bible (validated by its reader: a person edits it) ---

/** The stored Bible, or `seed` written and returned when there is none yet. */
export async function readOrSeedBible(db: Firestore, seed: object, at: Date): Promise<unknown> {
  const ref = bibleRef(db);
  return db.runTransaction(async (tx) => {
    const snap = await tx.get(ref);
    if (snap.exists) return snap.data();
    tx.create(ref, { ...seed, updatedAt: at, updatedBy: { kind: 'system', id: 'seed' } });
    return seed;
  });
}

/** The stored version alone, read with a projection so only one small field travels. */
export async function storedBibleVersion(db: Firestore): Promise<number | undefined> {
  const q = await db
    .collection(MUSE)
    .where(FieldPath.documentId(), '==', bibleRef(db))
    .select('version')
    .get();
  const v: unknown = q.docs[0]?.get('version');
  return typeof v === 'number' ? v : undefined;
}

export async function readBibleInTx(db: Firestore, tx: Transaction): Promise<unknown> {
  return (await tx.get(bibleRef(db))).data();
}

export function writeBibleInTx(db: Firestore, tx: Transaction, bible: object, by: Actor, at: Date): void {
  tx.set(bibleRef(db), { ...bible, updatedAt: at, updatedBy: by });
}
