/**
 * Which composite index a scanned query needs, by Firestore's rules: a query on one field, or with
 * only equality filters (merged from single-field indexes), needs none; otherwise it needs an index
 * with the equality fields first (any order) and then the sort fields in query order: the explicit
 * orderBy fields, then any inequality field not already sorted on. A trailing `__name__` is implied.
 */
import type { Clause, ScannedQuery } from './infra-queries.js';

export interface IndexField {
  fieldPath: string;
  order?: 'ASCENDING' | 'DESCENDING';
  arrayConfig?: 'CONTAINS';
}

export interface IndexSpec {
  collectionGroup: string;
  queryScope: 'COLLECTION' | 'COLLECTION_GROUP';
  fields: IndexField[];
}

export interface Needed {
  /** Equality fields: first in the index, in any order. */
  equality: IndexField[];
  /** Sort fields: after the equality ones, in this order and direction. */
  sort: IndexField[];
}

const EQUALITY = new Set(['==', 'in']);
const ARRAY = new Set(['array-contains', 'array-contains-any']);

/** The composite index a query needs, or undefined when single-field indexes serve it. */
export function neededIndex(clauses: readonly Clause[]): Needed | undefined {
  const cs = clauses.filter((c) => c.field !== '__name__');
  const fields = new Set(cs.map((c) => c.field));
  if (fields.size <= 1) return undefined;
  const wheres = cs.filter((c) => c.kind === 'where');
  const orders = cs.filter((c) => c.kind === 'orderBy');
  const inequalities = wheres.filter((c) => !EQUALITY.has(c.op) && !ARRAY.has(c.op));
  if (orders.length === 0 && inequalities.length === 0) return undefined;
  const sort: IndexField[] = [];
  for (const o of orders)
    if (!sort.some((s) => s.fieldPath === o.field))
      sort.push({ fieldPath: o.field, order: o.op === 'desc' ? 'DESCENDING' : 'ASCENDING' });
  for (const i of inequalities)
    if (!sort.some((s) => s.fieldPath === i.field)) sort.push({ fieldPath: i.field, order: 'ASCENDING' });
  const equality: IndexField[] = [];
  for (const w of wheres) {
    if (sort.some((s) => s.fieldPath === w.field) || equality.some((e) => e.fieldPath === w.field)) continue;
    if (EQUALITY.has(w.op)) equality.push({ fieldPath: w.field, order: 'ASCENDING' });
    if (ARRAY.has(w.op)) equality.push({ fieldPath: w.field, arrayConfig: 'CONTAINS' });
  }
  if (equality.length === 0 && sort.length <= 1) return undefined;
  return { equality, sort };
}

const sameField = (a: IndexField, b: IndexField, strictOrder: boolean) =>
  a.fieldPath === b.fieldPath &&
  (a.arrayConfig ?? '') === (b.arrayConfig ?? '') &&
  (!strictOrder || (a.order ?? '') === (b.order ?? ''));

/** True when `index` serves a query needing `need` on `collection` in `scope`. */
export function serves(index: IndexSpec, collection: string, scope: string, need: Needed): boolean {
  if (index.collectionGroup !== collection || index.queryScope !== scope) return false;
  const fields = index.fields.filter(
    (f, i) => !(f.fieldPath === '__name__' && i === index.fields.length - 1),
  );
  if (fields.length !== need.equality.length + need.sort.length) return false;
  const head = fields.slice(0, need.equality.length);
  const tail = fields.slice(need.equality.length);
  // Equality fields match in any order; their direction does not matter to Firestore.
  const eqOk = need.equality.every((e) => head.some((h) => sameField(h, e, false)));
  return eqOk && need.sort.every((s, i) => sameField(tail[i]!, s, true));
}

/** The index to declare for a need, as it goes in firestore.indexes.json. */
export function indexFor(collection: string, scope: IndexSpec['queryScope'], need: Needed): IndexSpec {
  return { collectionGroup: collection, queryScope: scope, fields: [...need.equality, ...need.sort] };
}

export const describeQuery = (q: ScannedQuery) =>
  `${q.collections.join('|') || '?'}: ` +
  q.clauses
    .map((c) => (c.kind === 'where' ? `where(${c.field} ${c.op})` : `orderBy(${c.field} ${c.op})`))
    .join('.');
