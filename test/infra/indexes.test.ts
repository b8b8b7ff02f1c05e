/**
 * Every composite query in functions/src has its index in firestore.indexes.json, and every
 * declared index serves some query. The Firestore emulator does not enforce indexes, so this is a
 * static check: scripts/lib/infra-queries.ts finds each query's collection and clauses (through
 * variables, branches and helpers) and infra-indexes.ts derives the index Firestore would demand.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { scanQueries, type ScannedQuery } from '../../scripts/lib/infra-queries.js';
import {
  describeQuery,
  indexFor,
  neededIndex,
  serves,
  type IndexSpec,
} from '../../scripts/lib/infra-indexes.js';

interface IndexFile {
  indexes: IndexSpec[];
  fieldOverrides: { collectionGroup: string; fieldPath: string; ttl?: boolean }[];
}

const file = join(import.meta.dirname, '..', '..', 'firestore.indexes.json');
const declared = JSON.parse(readFileSync(file, 'utf8')) as IndexFile;
let queries: ScannedQuery[];

before(() => {
  queries = scanQueries();
});

test('the scan finds the queries it must (a scanner that finds nothing would pass everything)', () => {
  assert.ok(queries.length > 20, `only ${queries.length} queries found in functions/src`);
  assert.ok(
    queries.some(
      (q) => q.collections.includes('pipelineRuns') && q.clauses.some((c) => c.kind === 'orderBy'),
    ),
    'the scan no longer sees the pipeline runs listing: scripts/lib/infra-queries.ts needs a look',
  );
});

test('every composite query has its index in firestore.indexes.json', () => {
  const problems: string[] = [];
  for (const q of queries) {
    const need = neededIndex(q.clauses);
    if (!need) continue;
    if (q.collections.length === 0 || q.unresolved) {
      problems.push(
        `${q.at}: ${describeQuery(q)} needs a composite index but its ${q.unresolved ?? 'collection'} is not a ` +
          "string constant the check can read; use a const (e.g. `export const TASKS = 'tasks'`)",
      );
      continue;
    }
    for (const c of q.collections) {
      if (declared.indexes.some((ix) => serves(ix, c, q.scope, need))) continue;
      problems.push(
        `${q.at}: ${describeQuery(q)} has no index; add to "indexes" in firestore.indexes.json:\n    ` +
          JSON.stringify(indexFor(c, q.scope, need)),
      );
    }
  }
  assert.deepEqual(
    [...new Set(problems)],
    [],
    `missing Firestore indexes:\n  ${[...new Set(problems)].join('\n  ')}`,
  );
});

test('every declared index serves a query the code runs', () => {
  const unused = declared.indexes.filter(
    (ix) =>
      !queries.some((q) => {
        const need = neededIndex(q.clauses);
        return need && q.collections.some((c) => serves(ix, c, q.scope, need));
      }),
  );
  assert.deepEqual(
    unused.map((ix) => JSON.stringify(ix)),
    [],
    'firestore.indexes.json declares indexes no query uses (each costs writes): remove them',
  );
});

test('TTL fields are on collections the code uses', () => {
  const used = new Set(queries.flatMap((q) => q.collections));
  for (const o of declared.fieldOverrides.filter((o) => o.ttl))
    assert.ok(
      used.has(o.collectionGroup),
      `TTL on ${o.collectionGroup}.${o.fieldPath}, a collection no code uses`,
    );
});
