/**
 * The KB index: one document per searchable item (a task's solution, an SCMS failure log, a
 * memory) holding its term frequencies, plus a stats document (count and total length) for BM25.
 * Index writes happen in the transaction of the change they index, reads first.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { termFrequencies, tokenize } from './core/bm25.js';
import { kbIndexRef, kbStatsRef, type KbIndexDoc, type KbSource } from './repo.js';

export type { KbIndexDoc, KbSource };

export interface KbReads {
  docId: string;
  oldLength: number | undefined;
  stats: { docs: number; totalLength: number };
}

/** The reads an index write needs; call before any write in the transaction. */
export async function kbIndexReads(db: Firestore, tx: Transaction, docId: string): Promise<KbReads> {
  const [doc, stats] = await Promise.all([tx.get(kbIndexRef(db, docId)), tx.get(kbStatsRef(db))]);
  return {
    docId,
    oldLength: doc.data()?.length,
    stats: { docs: stats.data()?.docs ?? 0, totalLength: stats.data()?.totalLength ?? 0 },
  };
}

/** Writes (or rewrites) an index entry and keeps the stats in step. Mutates `reads.stats` for batching. */
export function indexKbDocumentInTransaction(
  db: Firestore,
  tx: Transaction,
  reads: KbReads,
  item: { source: KbSource; refId: string; title: string; text: string; at: Date },
): void {
  const tokens = tokenize(`${item.title}\n${item.text}`);
  const tf = termFrequencies(tokens);
  const doc: KbIndexDoc = {
    id: reads.docId,
    source: item.source,
    refId: item.refId,
    title: item.title.slice(0, 300),
    snippet: item.text.replace(/\s+/g, ' ').trim().slice(0, 280),
    tf,
    terms: Object.keys(tf),
    length: tokens.length,
    at: item.at,
  };
  tx.set(kbIndexRef(db, reads.docId), doc);
  if (reads.oldLength === undefined) reads.stats.docs += 1;
  reads.stats.totalLength += tokens.length - (reads.oldLength ?? 0);
  tx.set(kbStatsRef(db), reads.stats, { merge: true });
}
