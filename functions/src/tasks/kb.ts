/**
 * KB search before a task: BM25 over past tasks' solutions, SCMS failure logs and memories. Task
 * solutions are indexed when a task completes; failure logs and memories belong to the sessions
 * system, so each search first indexes the ones written since the last sync (cursor by createdAt,
 * idempotent because index ids are derived from source ids).
 */
import type { Firestore } from '@google-cloud/firestore';
import { invalidInput } from '../shared/errors.js';
import { bm25Rank, tokenize } from './core/bm25.js';
import { indexKbDocumentInTransaction } from './kb-index.js';
import { kbCandidates, kbIndexRef, kbStatsRef, type KbSource } from './repo.js';

const SYNC_BATCH = 100;

/** A record of another system to index, as that system hands it over (oldest first). */
type ForeignDoc = { id: string; createdAt: Date };

/** The sessions system's failure logs and memories, read through its own functions. */
export interface KbForeignSources {
  failureLogsAfter(
    after: Date | undefined,
    limit: number,
  ): Promise<
    Array<
      ForeignDoc & {
        summary: string;
        whatBroke: string;
        whys: string[];
        rootCause: string;
        prevention: { text: string };
      }
    >
  >;
  memoriesAfter(
    after: Date | undefined,
    limit: number,
  ): Promise<Array<ForeignDoc & { title: string; kind: string; text: string }>>;
}

interface Foreign {
  /** The cursor's key in the stats document (the source collection's name, kept as it was). */
  cursor: string;
  source: KbSource;
  prefix: string;
  read(
    src: KbForeignSources,
    after: Date | undefined,
  ): Promise<Array<ForeignDoc & { title: string; text: string }>>;
}

const FOREIGN: Foreign[] = [
  {
    cursor: 'failureLogs',
    source: 'failure',
    prefix: 'failure',
    read: async (src, after) =>
      (await src.failureLogsAfter(after, SYNC_BATCH)).map((d) => ({
        id: d.id,
        createdAt: d.createdAt,
        title: d.summary ?? '',
        text: [d.whatBroke, ...(Array.isArray(d.whys) ? d.whys : []), d.rootCause, d.prevention?.text]
          .filter((x) => typeof x === 'string')
          .join('\n'),
      })),
  },
  {
    cursor: 'memories',
    source: 'memory',
    prefix: 'memory',
    read: async (src, after) =>
      (await src.memoriesAfter(after, SYNC_BATCH)).map((d) => ({
        id: d.id,
        createdAt: d.createdAt,
        title: d.title ?? '',
        text: `${d.kind ?? ''}\n${d.text ?? ''}`,
      })),
  },
];

/** What KB search needs: its index, and the sessions system's records to index. */
export interface KbDeps {
  db: Firestore;
  scms: KbForeignSources;
}

/** Indexes failure logs and memories written since the last sync. Returns how many were indexed. */
export async function syncKb(deps: KbDeps): Promise<number> {
  const { db } = deps;
  let total = 0;
  for (const f of FOREIGN) {
    for (;;) {
      const cursorAt = (await kbStatsRef(db).get()).data()?.cursors?.[f.cursor];
      const batch = await f.read(deps.scms, cursorAt);
      if (!batch.length) break;
      await db.runTransaction(async (tx) => {
        const stats = (await tx.get(kbStatsRef(db))).data();
        const existing = await tx.getAll(...batch.map((d) => kbIndexRef(db, `${f.prefix}~${d.id}`)));
        const s = { docs: stats?.docs ?? 0, totalLength: stats?.totalLength ?? 0 };
        batch.forEach((d, i) => {
          const at = d.createdAt instanceof Date ? d.createdAt : new Date(0);
          const reads = { docId: `${f.prefix}~${d.id}`, oldLength: existing[i]!.data()?.length, stats: s };
          indexKbDocumentInTransaction(db, tx, reads, {
            source: f.source,
            refId: d.id,
            title: d.title,
            text: d.text,
            at,
          });
        });
        tx.set(kbStatsRef(db), { cursors: { [f.cursor]: batch.at(-1)!.createdAt } }, { merge: true });
      });
      total += batch.length;
      if (batch.length < SYNC_BATCH) break;
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
  deps: KbDeps,
  input: { query: string; limit?: number; sources?: KbSource[] },
): Promise<{ query: string; terms: string[]; results: KbResult[] }> {
  const terms = [...new Set(tokenize(input.query))].slice(0, 30);
  if (!terms.length)
    throw invalidInput('query: no searchable words (stop words and punctuation are ignored)');
  await syncKb(deps);
  const [statsSnap, candidates] = await Promise.all([
    kbStatsRef(deps.db).get(),
    kbCandidates(deps.db, terms, 2000),
  ]);
  const stats = statsSnap.data();
  const docs = candidates.filter((d) => !input.sources || input.sources.includes(d.source));
  const n = stats?.docs ?? docs.length;
  const avg = n > 0 ? (stats?.totalLength ?? 0) / n : 1;
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
