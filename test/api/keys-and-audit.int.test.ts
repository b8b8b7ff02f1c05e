/**
 * API key revocation takes effect on the next request, and audit records bound their free text
 * (a 1 MB rationale once made the audited action answer 500). Real framework, real socket, emulators.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { disableApiKeys } from '../../functions/src/platform/api-keys.js';
import { AUDIT_COLLECTION, auditInTransaction, recordAudit } from '../../functions/src/platform/audit.js';
import { storageLimitError } from '../../functions/src/platform/storage-errors.js';
import { RATIONALE_MAX } from '../../functions/src/shared/validation.js';
import { startHarness, type Harness } from '../helpers/engine-harness.js';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => h.stop());

test('a disabled key is refused on the very next request', async () => {
  const key = await h.keyFor(['read'], 'ci-bot');
  for (let i = 0; i < 3; i++)
    assert.equal((await h.api('GET', '/v1/engine', undefined, { key })).status, 200);
  assert.equal(await disableApiKeys(h.app.db, 'ci-bot', new Date()), 1);
  const refused = await h.api('GET', '/v1/engine', undefined, { key });
  assert.equal(refused.status, 401);
  assert.match(refused.json.error.message, /unknown or disabled API key/);
  assert.equal((await h.api('GET', '/v1/engine')).status, 200, 'other keys keep working');
});

test('audit records keep at most the bounded text, with the original length', async () => {
  const huge = 'r'.repeat(1_000_000);
  const actor = { kind: 'apikey' as const, id: 'k' };
  const id = await recordAudit(
    h.app.db,
    {
      actor,
      action: 'test.huge',
      target: 'runs/x',
      outcome: 'ok',
      rationale: huge,
      reason: huge,
      via: 'api',
      details: { blob: huge },
    },
    new Date(),
  );
  const doc = (await h.app.db.collection(AUDIT_COLLECTION).doc(id).get()).data()!;
  assert.ok(doc.rationale.length < RATIONALE_MAX + 100, `rationale kept ${doc.rationale.length} characters`);
  assert.match(doc.rationale, /\[1000000 characters, clipped\]$/);
  assert.match(doc.reason, /clipped/);
  assert.equal(doc.details.clipped, true);
  assert.ok(doc.details.length > 1_000_000);

  let txId = '';
  await h.app.db.runTransaction(async (tx) => {
    txId = auditInTransaction(
      h.app.db,
      tx,
      { actor, action: 'test.tx', target: 'runs/y', outcome: 'refused', reason: huge, via: 'api' },
      new Date(),
    );
  });
  assert.match((await h.app.db.collection(AUDIT_COLLECTION).doc(txId).get()).data()!.reason, /clipped/);
});

test('rationale and reason fields are bounded by their schemas: a 400 naming the field, not a 500', async () => {
  const long = 'x'.repeat(RATIONALE_MAX + 1);
  const resume = await h.api('POST', '/v1/engine/resume', { rationale: long });
  assert.equal(resume.status, 400, resume.text);
  assert.match(resume.json.error.message, /rationale: /);
  const pause = await h.api('POST', '/v1/engine/pause', { reason: long });
  assert.equal(pause.status, 400);
  assert.match(pause.json.error.message, /reason: /);
  // The body is checked before the run is looked up.
  const gate = await h.api('POST', '/v1/runs/any-run/gate', { edge: 'approve', rationale: long });
  assert.equal(gate.status, 400);
  assert.match(gate.json.error.message, /rationale: /);
  const oneMb = await h.api('POST', '/v1/engine/resume', { rationale: 'x'.repeat(1_000_000) });
  assert.equal(oneMb.status, 413);
  assert.equal(oneMb.json.error.code, 'payload_too_large');
});

test("a document over Firestore's 1 MiB limit is refused at once and maps to a 413", async () => {
  for (const size of [1_100_000, 1_500_000]) {
    const err = await h.app.db
      .collection('oversized')
      .doc(`d${size}`)
      .set({ s: 'x'.repeat(size) })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    assert.ok(err, `a ${size}-byte document was stored`);
    const mapped = storageLimitError(err);
    assert.equal(mapped?.status, 413, `${size}: ${String((err as Error).message)}`);
  }
});
