/**
 * firestore.rules on the Firestore emulator: every collection the code uses is closed to anonymous
 * and signed-in clients (the server SDK, which bypasses rules, is the only reader and writer), and
 * the append-only collections refuse updates and deletes even to a client claiming admin.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import {
  assertFails,
  initializeTestEnvironment,
  type RulesTestEnvironment,
} from '@firebase/rules-unit-testing';
import { collection, deleteDoc, doc, getDoc, getDocs, setDoc, updateDoc } from 'firebase/firestore';
import { RULES_FILE } from '../../scripts/lib/emulators.js';
import { scanQueries } from '../../scripts/lib/infra-queries.js';
import { requireEmulator, uniqueProjectId } from '../helpers/firestore.js';

/** The file infra/rules.tf deploys and the local emulator enforces (test/infra/rules-deploy.test.ts). */
const rules = readFileSync(RULES_FILE, 'utf8');
/** Collections the rules declare append-only: `match /<name>/{id} { allow update, delete: if false; }`. */
const immutable = [...rules.matchAll(/match \/(\w+)\/\{\w+\} \{ allow update, delete: if false; \}/g)].map(
  (m) => m[1]!,
);
/** What the product brief says must be append-only, by the code's collection names. */
const MUST_BE_IMMUTABLE = [
  'pipelineSpecs',
  'scenarioSuites',
  'pipelineArtifacts',
  'ledger',
  'audit',
  'events',
];

let env: RulesTestEnvironment;
let collections: string[];

before(async () => {
  const [host, port] = requireEmulator('FIRESTORE_EMULATOR_HOST').split(':');
  env = await initializeTestEnvironment({
    projectId: uniqueProjectId('rules'),
    firestore: { host: host!, port: Number(port), rules },
  });
  collections = [...new Set(scanQueries().flatMap((q) => q.collections))].sort();
  await env.withSecurityRulesDisabled(async (ctx) => {
    const db = ctx.firestore();
    await Promise.all(collections.map((c) => setDoc(doc(db, c, 'seeded'), { n: 1 })));
  });
});

after(async () => {
  await env?.cleanup();
});

test('the rules are loaded: a seeded document exists but a client cannot read it', async () => {
  assert.ok(collections.length > 20, `only ${collections.length} collections found in functions/src`);
  await env.withSecurityRulesDisabled(async (ctx) => {
    assert.ok((await getDoc(doc(ctx.firestore(), collections[0]!, 'seeded'))).exists());
  });
  await assertFails(getDoc(doc(env.unauthenticatedContext().firestore(), collections[0]!, 'seeded')));
});

for (const who of ['anonymous', 'signed-in'] as const) {
  test(`every collection the code uses is closed to ${who} clients`, async () => {
    const db = (
      who === 'anonymous'
        ? env.unauthenticatedContext()
        : env.authenticatedContext('someone', { admin: true })
    ).firestore();
    const open: string[] = [];
    for (const c of collections) {
      // Thunks: each attempt starts only when awaited, so no rejection goes unhandled meanwhile.
      const attempts: [string, () => Promise<unknown>][] = [
        ['get', () => getDoc(doc(db, c, 'seeded'))],
        ['list', () => getDocs(collection(db, c))],
        ['create', () => setDoc(doc(db, c, 'new'), { n: 2 })],
        ['update', () => updateDoc(doc(db, c, 'seeded'), { n: 3 })],
        ['delete', () => deleteDoc(doc(db, c, 'seeded'))],
      ];
      for (const [op, p] of attempts) await assertFails(p()).catch(() => open.push(`${c}: ${op}`));
    }
    assert.deepEqual(
      open,
      [],
      `firestore.rules lets ${who} clients do this; the server SDK is the only writer`,
    );
  });
}

test('the append-only collections are declared immutable and exist in the code', () => {
  assert.deepEqual(
    MUST_BE_IMMUTABLE.filter((c) => !immutable.includes(c)),
    [],
    'add `match /<collection>/{id} { allow update, delete: if false; }` to firestore.rules',
  );
  assert.deepEqual(
    immutable.filter((c) => !collections.includes(c)),
    [],
    'firestore.rules declares immutable collections the code does not use (renamed?)',
  );
});

test('immutable collections refuse update and delete, even to a client claiming admin', async () => {
  const db = env.authenticatedContext('admin', { admin: true, role: 'operator' }).firestore();
  for (const c of immutable) {
    await assertFails(updateDoc(doc(db, c, 'seeded'), { n: 4 }));
    await assertFails(deleteDoc(doc(db, c, 'seeded')));
  }
  await env.withSecurityRulesDisabled(async (ctx) => {
    for (const c of immutable)
      assert.equal((await getDoc(doc(ctx.firestore(), c, 'seeded'))).data()?.n, 1, `${c}/seeded changed`);
  });
});
