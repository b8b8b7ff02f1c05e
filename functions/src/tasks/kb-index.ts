/**
 * The KB index: one document per searchable item (a task's solution, an SCMS failure log, a
 * memory) holding its term frequencies, plus a stats document (count and total length) for BM25.
 * Index writes happen in the transaction of the change they index, reads first.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { termFrequencies, tokenize } from './core/bm25.js';

export const KB_INDEX = 'kbIndex';
export const KB_STATS = 'kbStats';

export type KbSource = 'task' | 'failure' | 'memory';

export interface KbIndexDoc {
  id: string;
  source: KbSource;
  refId: string;
  title: string;
  snippet: string;
  tf: Record<string, number>;
  /** The distinct terms, for `array-contains-any` candidate lookup. */
  terms: string[];
  length: number;
  at: Date;
}

export interface KbReads {
  docId: string;
  oldLength: number | undefined;
  stats: { docs: number; totalLength: number };
}

const statsRef = (db: Firestore) => db.collection(KB_STATS).doc('global');

/** The reads an index write needs; call before any write in the transaction. */
export async function kbIndexReads(db: Firestore, tx: Transaction, docId: string): Promise<KbReads> {
  const [doc, stats] = await Promise.all([tx.get(db.collection(KB_INDEX).doc(docId)), tx.get(statsRef(db))]);
  return {
    docId,
    oldLength: doc.exists ? (doc.get('length') as number) : undefined,
    stats: {
      docs: (stats.get('docs') as number) ?? 0,
      totalLength: (stats.get('totalLength') as number) ?? 0,
    },
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
  tx.set(db.collection(KB_INDEX).doc(reads.docId), doc);
  if (reads.oldLength === undefined) reads.stats.docs += 1;
  reads.stats.totalLength += tokens.length - (reads.oldLength ?? 0);
  tx.set(statsRef(db), reads.stats, { merge: true });
}

export const kbStatsRef = statsRef;
