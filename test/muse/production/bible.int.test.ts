/** The identity Bible: seeded on first read, loaded once per instance, refreshed by version. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bibleCacheStats, loadBible, saveBible } from '../../../functions/src/muse/production/bible-store.js';
import { DEFAULT_BIBLE } from '../../../functions/src/muse/production/core/bible.js';
import { auditInTransaction, recordAudit } from '../../../functions/src/platform/audit.js';
import { AppError } from '../../../functions/src/shared/errors.js';
import { testFirestore, uniqueProjectId } from '../../helpers/firestore.js';
import { operator } from './fixtures.js';

/** The audit log the Bible's edits are recorded in (the wiring gives the muse the same). */
const auditOf = (db: FirebaseFirestore.Firestore) => ({
  inTx: (tx: FirebaseFirestore.Transaction, e: Parameters<typeof recordAudit>[1], at: Date) =>
    void auditInTransaction(db, tx, e, at),
  record: async (e: Parameters<typeof recordAudit>[1], at: Date) => void (await recordAudit(db, e, at)),
});
const t0 = new Date('2026-03-01T12:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

test('the Bible is seeded, loaded once per instance, and an edit reaches other instances by version', async () => {
  const project = uniqueProjectId('bible');
  const a = testFirestore(project); // instance A
  const b = testFirestore(project); // instance B
  try {
    assert.deepEqual(await loadBible(a, t0), DEFAULT_BIBLE);
    for (let i = 1; i <= 20; i++) await loadBible(a, later(i * 1000));
    assert.deepEqual(bibleCacheStats(a), { fullLoads: 1, freshnessChecks: 0, hits: 20 });
    assert.equal((await a.collection('muse').doc('bible').get()).get('version'), 1);

    // After the freshness window, an unchanged version costs a projection read, not a reload.
    await loadBible(a, later(60_000));
    assert.deepEqual(bibleCacheStats(a), { fullLoads: 1, freshnessChecks: 1, hits: 20 });

    assert.equal((await loadBible(b, t0)).version, 1);
    const edited = await saveBible(
      { db: a, now: later(61_000), audit: auditOf(a) },
      { actor: operator, bible: { ...DEFAULT_BIBLE, version: undefined, bannedTerms: ['hype'] }, via: 'api' },
    );
    assert.equal(edited.version, 2);
    assert.equal((await loadBible(a, later(62_000))).version, 2); // A's own edit: at once, no read
    assert.equal(bibleCacheStats(a).fullLoads, 1);
    assert.equal((await loadBible(b, later(10_000))).version, 1); // B: within its window
    assert.deepEqual((await loadBible(b, later(40_000))).bannedTerms, ['hype']); // B: after it
    assert.equal(bibleCacheStats(b).fullLoads, 2);

    await assert.rejects(
      saveBible(
        { db: a, now: t0, audit: auditOf(a) },
        { actor: operator, bible: { ...DEFAULT_BIBLE, pillars: [] }, via: 'api' },
      ),
      (e) => e instanceof AppError && e.code === 'invalid_input' && /pillars/.test(e.message),
    );
    const audits = (await a.collection('audit').get()).docs.map((d) => d.data());
    assert.deepEqual(
      audits.map((x) => [x.action, x.details.toVersion]),
      [['muse.bible.update', 2]],
    );
  } finally {
    await Promise.all([a.terminate(), b.terminate()]);
  }
});
