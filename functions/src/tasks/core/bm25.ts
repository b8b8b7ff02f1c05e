/**
 * BM25 ranking for KB search. Documents are tokenized once when indexed (term frequencies are kept
 * in Firestore); a query scores the candidate documents that share a term with it. Pure.
 */

const STOP = new Set(
  'a an and are as at be but by for from has have in into is it its of on or that the this to was were will with not no'.split(
    ' ',
  ),
);

/** Lowercase word tokens, stop words dropped, a light plural/suffix strip so "timeouts" finds "timeout". */
export function tokenize(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9]+/g) ?? []).filter((t) => t.length > 1 && !STOP.has(t)).map(stem);
}

function stem(t: string): string {
  if (t.length > 4 && t.endsWith('ies')) return `${t.slice(0, -3)}y`;
  if (t.length > 4 && t.endsWith('ing')) return t.slice(0, -3);
  if (t.length > 4 && t.endsWith('ed')) return t.slice(0, -2);
  if (t.length > 3 && t.endsWith('s') && !t.endsWith('ss')) return t.slice(0, -1);
  return t;
}

export function termFrequencies(tokens: string[]): Record<string, number> {
  const tf: Record<string, number> = {};
  for (const t of tokens) tf[t] = (tf[t] ?? 0) + 1;
  return tf;
}

export interface IndexedDoc {
  id: string;
  tf: Record<string, number>;
  length: number;
}

export interface Ranked {
  id: string;
  score: number;
  /** Query terms the document contains, strongest contribution first. */
  matched: string[];
}

/**
 * Scores `candidates` against `query` with BM25 (k1 1.2, b 0.75). `totalDocs` and `avgLength` come
 * from the whole index; the candidates must be every indexed document containing a query term, so
 * document frequencies counted over them are exact.
 */
export function bm25Rank(
  query: string,
  candidates: IndexedDoc[],
  totalDocs: number,
  avgLength: number,
  opts: { k1?: number; b?: number; limit?: number } = {},
): Ranked[] {
  const k1 = opts.k1 ?? 1.2;
  const b = opts.b ?? 0.75;
  const terms = [...new Set(tokenize(query))];
  const n = Math.max(totalDocs, candidates.length);
  const avg = avgLength > 0 ? avgLength : 1;
  const df = new Map(terms.map((t) => [t, candidates.filter((c) => (c.tf[t] ?? 0) > 0).length]));
  const ranked = candidates.map((c) => {
    const parts: Array<[string, number]> = [];
    for (const t of terms) {
      const f = c.tf[t] ?? 0;
      if (!f) continue;
      const d = df.get(t)!;
      const idf = Math.log(1 + (n - d + 0.5) / (d + 0.5));
      parts.push([t, (idf * f * (k1 + 1)) / (f + k1 * (1 - b + (b * c.length) / avg))]);
    }
    parts.sort((x, y) => y[1] - x[1]);
    return { id: c.id, score: parts.reduce((s, [, v]) => s + v, 0), matched: parts.map(([t]) => t) };
  });
  return ranked
    .filter((r) => r.score > 0)
    .sort((x, y) => y.score - x.score || x.id.localeCompare(y.id))
    .slice(0, opts.limit ?? 5);
}
