/**
 * The local stack enforces firestore.rules (issue 13, item 21). A Firestore emulator started the
 * way `npm start` and `npm test` start it (scripts/lib/emulators.ts) loads the rules, so a web
 * client using the Firebase JS SDK can neither read API keys or the ledger nor create an admin
 * key or a credit, anonymous or signed in claiming admin, while the server SDK, which bypasses
 * rules as Admin credentials do in production, keeps working.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { after, before, test } from 'node:test';
import { Firestore } from '@google-cloud/firestore';
import { deleteApp, initializeApp, type FirebaseApp } from 'firebase/app';
import {
  collection,
  connectFirestoreEmulator,
  doc,
  getDoc,
  getDocs,
  getFirestore,
  setDoc,
  setLogLevel,
  terminate,
  type Firestore as WebFirestore,
} from 'firebase/firestore';
import { startFirestore, type EmulatorHandle } from '../../scripts/lib/emulators.js';
import { uniqueProjectId } from '../helpers/firestore.js';

const projectId = uniqueProjectId('local-rules');
let emulator: EmulatorHandle;
let server: Firestore;
const webApps: FirebaseApp[] = [];

/** A browser's view of the database: the Firebase JS SDK, as a web page would use it. */
function webClient(name: string, user?: { sub: string; admin: boolean }): WebFirestore {
  const app = initializeApp({ projectId, apiKey: 'local-web-key' }, name);
  webApps.push(app);
  const db = getFirestore(app);
  const [host, port] = emulator.host.split(':');
  connectFirestoreEmulator(db, host!, Number(port), user ? { mockUserToken: user } : {});
  return db;
}

before(async () => {
  setLogLevel('silent'); // the denials are the point; the SDK logs each as an error
  emulator = await startFirestore({ logDir: join(tmpdir(), 'muse-local-rules') });
  server = new Firestore({ projectId, host: emulator.host, ssl: false, ignoreUndefinedProperties: true });
});

after(async () => {
  await Promise.all(webApps.map((a) => terminate(getFirestore(a)).then(() => deleteApp(a))));
  await server?.terminate();
  await emulator?.stop();
});

test('the server SDK reads and writes API keys and the ledger, as the product does', async () => {
  await server
    .collection('apiKeys')
    .doc('k1')
    .set({ name: 'ops', scopes: ['admin'] });
  await server.collection('ledger').doc('credit-1').set({ kind: 'credit', amountMicros: 1_000_000 });
  assert.equal((await server.collection('apiKeys').doc('k1').get()).get('name'), 'ops');
  assert.equal((await server.collection('ledger').get()).size, 1);
});

for (const who of ['anonymous', 'signed in, claiming admin'] as const) {
  test(`a web client (${who}) is denied: no reading keys or the ledger, no admin key, no credit`, async () => {
    const db = webClient(who, who === 'anonymous' ? undefined : { sub: 'attacker', admin: true });
    const attempts: Array<[string, () => Promise<unknown>]> = [
      ['read apiKeys/k1', () => getDoc(doc(db, 'apiKeys', 'k1'))],
      ['list apiKeys', () => getDocs(collection(db, 'apiKeys'))],
      ['list ledger', () => getDocs(collection(db, 'ledger'))],
      ['create an admin key', () => setDoc(doc(db, 'apiKeys', 'evil'), { name: 'x', scopes: ['admin'] })],
      [
        'credit 1,000,000 USD',
        () => setDoc(doc(db, 'ledger', 'evil-credit'), { kind: 'credit', amountMicros: 1e12 }),
      ],
    ];
    const allowed: string[] = [];
    for (const [what, attempt] of attempts) {
      const outcome = await attempt().then(
        () => 'allowed',
        (err: { code?: string }) => err.code,
      );
      if (outcome !== 'permission-denied') allowed.push(`${what}: ${outcome}`);
    }
    assert.deepEqual(allowed, [], 'the emulator must enforce firestore.rules');
    assert.equal((await server.collection('apiKeys').doc('evil').get()).exists, false);
    assert.equal((await server.collection('ledger').doc('evil-credit').get()).exists, false);
  });
}
