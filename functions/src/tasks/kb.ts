/**
 * KB search before a task: BM25 over past tasks' solutions, SCMS failure logs and memories. Task
 * solutions are indexed when a task completes; failure logs and memories belong to the sessions
 * system, so each search first indexes the ones written since the last sync (cursor by createdAt,
 * idempotent because index ids are derived from source ids).
 */
import type { Firestore } from '@google-cloud/firestore';
import { invalidInput } from '../shared/errors.js';
import { bm25Rank, tokenize } from './core/bm25.js';
import {
  KB_INDEX,
  indexKbDocumentInTransaction,
  kbStatsRef,
  type KbIndexDoc,
  type KbSource,
} from './kb-index.js';
import { revive } from './store.js';

export const FAILURE_LOGS = 'failureLogs';
export const MEMORIES = 'memories';
const SYNC_BATCH = 100;

interface Foreign {
  collection: string;
  source: KbSource;
  prefix: string;
  render(d: Record<string, unknown>): { title: string; text: string };
}

const FOREIGN: Foreign[] = [
  {
    collection: FAILURE_LOGS,
    source: 'failure',
    prefix: 'failure',
    render: (d) => ({
      title: String(d.summary ?? ''),
      text: [
        d.whatBroke,
        ...(Array.isArray(d.whys) ? d.whys : []),
        d.rootCause,
        (d.prevention as { text?: string } | undefined)?.text,
      ]
        .filter((x) => typeof x === 'string')
        .join('\n'),
    }),
  },
  {
    collection: MEMORIES,
    source: 'memory',
    prefix: 'memory',
    render: (d) => ({
      title: String(d.title ?? ''),
      text: `${String(d.kind ?? '')}\n${String(d.text ?? '')}`,
    }),
  },
];

/** Indexes failure logs and memories written since the last sync. Returns how many were indexed. */
export async function syncKb(db: Firestore): Promise<number> {
  let total = 0;
  for (const f of FOREIGN) {
    for (;;) {
      const cursorAt = (await kbStatsRef(db).get()).get(`cursors.${f.collection}`) as
        FirebaseFirestore.Timestamp | undefined;
      let q = db.collection(f.collection).orderBy('createdAt').limit(SYNC_BATCH);
      if (cursorAt) q = q.where('createdAt', '>', cursorAt);
      const snap = await q.get();
      if (snap.empty) break;
      await db.runTransaction(async (tx) => {
        const stats = await tx.get(kbStatsRef(db));
        const existing = await tx.getAll(
          ...snap.docs.map((d) => db.collection(KB_INDEX).doc(`${f.prefix}~${d.id}`)),
        );
        const s = {
          docs: (stats.get('docs') as number) ?? 0,
          totalLength: (stats.get('totalLength') as number) ?? 0,
        };
        snap.docs.forEach((d, i) => {
          const data = revive<Record<string, unknown>>(d.data());
          const { title, text } = f.render(data);
          const at = data.createdAt instanceof Date ? data.createdAt : new Date(0);
          const reads = {
            docId: `${f.prefix}~${d.id}`,
            oldLength: existing[i]!.get('length') as number | undefined,
            stats: s,
          };
          indexKbDocumentInTransaction(db, tx, reads, { source: f.source, refId: d.id, title, text, at });
        });
        tx.set(
          kbStatsRef(db),
          { cursors: { [f.collection]: snap.docs.at(-1)!.get('createdAt') } },
          { merge: true },
        );
      });
      total += snap.size;
      if (snap.size < SYNC_BATCH) break;
    }
  }
  return total;
}

export interface KbResult {
  source: KbSource;
  refId: string;
  title: string;
  snippet: string;
  score: number;
  /** Why it matched: the query terms it contains, strongest first. */
  why: string[];
}

/** Ranked KB search: top results with the terms that made each match. */
export async function kbSearch(
  deps: { db: Firestore },
  input: { query: string; limit?: number; sources?: KbSource[] },
): Promise<{ query: string; terms: string[]; results: KbResult[] }> {
  const terms = [...new Set(tokenize(input.query))].slice(0, 30);
  if (!terms.length)
    throw invalidInput('query: no searchable words (stop words and punctuation are ignored)');
  await syncKb(deps.db);
  const [stats, snap] = await Promise.all([
    kbStatsRef(deps.db).get(),
    deps.db.collection(KB_INDEX).where('terms', 'array-contains-any', terms).limit(2000).get(),
  ]);
  const docs = snap.docs
    .map((d) => d.data() as KbIndexDoc)
    .filter((d) => !input.sources || input.sources.includes(d.source));
  const n = (stats.get('docs') as number) ?? docs.length;
  const avg = n > 0 ? ((stats.get('totalLength') as number) ?? 0) / n : 1;
  const ranked = bm25Rank(
    terms.join(' '),
    docs.map((d) => ({ id: d.id, tf: d.tf, length: d.length })),
    n,
    avg,
    {
      limit: Math.min(input.limit ?? 5, 20),
    },
  );
  const byId = new Map(docs.map((d) => [d.id, d]));
  return {
    query: input.query,
    terms,
    results: ranked.map((r) => {
      const d = byId.get(r.id)!;
      return {
        source: d.source,
        refId: d.refId,
        title: d.title,
        snippet: d.snippet,
        score: Math.round(r.score * 1000) / 1000,
        why: r.matched,
      };
    }),
  };
}
