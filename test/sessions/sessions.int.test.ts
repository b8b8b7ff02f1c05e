import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Firestore } from '@google-cloud/firestore';
import { contextLossRecovery, dashboardView, setFocusAreas } from '../../functions/src/sessions/dashboard.js';
import { createFailureLog } from '../../functions/src/sessions/failure-logs.js';
import { captureMemory, reportReuse } from '../../functions/src/sessions/memories.js';
import { approvePromotion, listPromotions } from '../../functions/src/sessions/promotions.js';
import { closeSession, sessionReport, startSession } from '../../functions/src/sessions/sessions.js';
import { recordParityCheck } from '../../functions/src/missions/parity-checks.js';
import type { AppError } from '../../functions/src/shared/errors.js';
import { type Actor } from '../../functions/src/shared/ports.js';
import { manualClock } from '../helpers/manual-clock.js';
import { testFirestore } from '../helpers/firestore.js';

const agent: Actor = { kind: 'agent', id: 'agent-1' };
const person: Actor = { kind: 'user', id: 'U1', name: 'Grace' };
const whys = ['w1', 'w2', 'w3', 'w4', 'w5'];
const failure = {
  summary: 'JSON tool call broke',
  whatBroke: 'the agent sent invalid JSON',
  whys,
  rootCause: 'no schema check before sending',
  prevention: { kind: 'add_guard' as const, text: 'validate tool payloads with zod before sending' },
};

const count = async (db: Firestore, col: string) => (await db.collection(col).count().get()).data().count;

test('reuse in two sessions leads to a candidate, an approval and a rule; twice in one session does not', async () => {
  const db = testFirestore();
  const deps = { db, clock: manualClock() };
  const s1 = (await startSession(deps, { actor: agent })).session;
  const m = await captureMemory(deps, {
    kind: 'success',
    title: 'Batch writes',
    text: 'batch Firestore writes by 450',
    sessionId: s1.id,
    baselineTokens: 1000,
    actor: agent,
  });
  const first = await reportReuse(deps, { memoryId: m.id, sessionId: s1.id, tokensUsed: 100, actor: agent });
  const again = await reportReuse(deps, { memoryId: m.id, sessionId: s1.id, tokensUsed: 100, actor: agent });
  assert.deepEqual(first, { counted: true, reuseCount: 1, tokensSaved: 900, candidate: false });
  assert.equal(again.counted, false);
  assert.equal(again.reuseCount, 1);
  assert.deepEqual((await listPromotions(deps)).candidates, []);

  await assert.rejects(
    approvePromotion(deps, { memoryId: m.id, criticalRules: ['batch by 450'], actor: person }),
    (e: AppError) => {
      assert.equal(e.status, 422);
      assert.match(
        e.message,
        /reused in 1 session\(s\); promotion needs reuse in at least 2 distinct sessions/,
      );
      return true;
    },
  );
  assert.equal(await count(db, 'workspaceRules'), 0);
  assert.equal(await count(db, 'promotions'), 0);
  const refused = await db.collection('audit').where('outcome', '==', 'refused').get();
  assert.equal(refused.docs[0]?.get('action'), 'promotion.approve');

  deps.clock.advance(3_600_000);
  const s2 = (await startSession(deps, { actor: agent })).session;
  const second = await reportReuse(deps, { memoryId: m.id, sessionId: s2.id, actor: agent });
  assert.equal(second.reuseCount, 2);
  assert.equal(second.candidate, true);
  assert.deepEqual(
    (await listPromotions(deps)).candidates.map((c) => c.id),
    [m.id],
  );

  const { rule } = await approvePromotion(deps, {
    memoryId: m.id,
    criticalRules: ['never exceed 500 writes per batch'],
    rationale: 'used twice',
    actor: person,
  });
  assert.equal(rule.source, 'promotion');
  assert.deepEqual(rule.criticalRules, ['never exceed 500 writes per batch']);
  const after = await listPromotions(deps);
  assert.deepEqual(after.candidates, []);
  assert.deepEqual(
    after.promoted.map((r) => r.id),
    [rule.id],
  );
  await assert.rejects(
    approvePromotion(deps, { memoryId: m.id, criticalRules: ['x'], actor: person }),
    /already promoted/,
  );
  const started = await startSession(deps, { actor: agent });
  assert.deepEqual(
    started.rules.map((r) => r.id),
    [rule.id],
    'the rule is an L1 rule at session start',
  );
  assert.ok(
    !started.memories.some((x) => x.id === m.id),
    'a promoted memory is no longer an active L0 memory',
  );
});

test('a failure log with four whys is refused naming what is missing, writing nothing', async () => {
  const db = testFirestore();
  const deps = { db, clock: manualClock() };
  await assert.rejects(
    createFailureLog(deps, { ...failure, whys: whys.slice(0, 4), actor: person }),
    (e: AppError) => {
      assert.equal(e.status, 400);
      assert.match(e.message, /whys: 5 whys are required, got 4/);
      return true;
    },
  );
  await assert.rejects(
    createFailureLog(deps, {
      ...failure,
      rootCause: '',
      prevention: { kind: 'add_guard', text: 'be careful' },
      actor: person,
    }),
    /rootCause \(root cause\).*prevention\.text: "be careful" is not actionable/,
  );
  await assert.rejects(
    createFailureLog(deps, { ...failure, sessionId: 'S-missing', actor: agent }),
    /unknown session/,
  );
  assert.equal(await count(db, 'failureLogs'), 0);

  const { id } = await createFailureLog(deps, {
    ...failure,
    source: { type: 'incident', id: 'inc-1' },
    actor: person,
  });
  const doc = (await db.collection('failureLogs').doc(id).get()).data();
  assert.equal(doc?.id, id);
  assert.deepEqual(doc?.whys, whys);
  assert.deepEqual(doc?.prevention, failure.prevention);
  assert.deepEqual(doc?.source, { type: 'incident', id: 'inc-1' });
  assert.deepEqual(doc?.actor, person);
  assert.equal(typeof doc?.createdAt?.toDate, 'function');
});

test('the closure report reflects what happened in the session', async () => {
  const db = testFirestore();
  const deps = { db, clock: manualClock() };
  await setFocusAreas(deps, { areas: ['parity'], actor: agent });
  const start = await startSession(deps, { actor: agent });
  assert.deepEqual(start.focusAreas, ['parity']);
  const s = start.session;
  const old = await captureMemory(deps, {
    kind: 'surprise',
    title: 'Emulator REST',
    text: 't',
    baselineTokens: 500,
    actor: agent,
  });
  const mem = await captureMemory(deps, {
    kind: 'success',
    title: 'Line numbers',
    text: 't',
    sessionId: s.id,
    actor: agent,
  });
  await reportReuse(deps, { memoryId: old.id, sessionId: s.id, tokensUsed: 200, actor: agent });
  const f = await createFailureLog(deps, { ...failure, sessionId: s.id, actor: agent });
  await createFailureLog(deps, { ...failure, summary: 'not in this session', actor: agent });
  await assert.rejects(sessionReport(deps, s.id), /still open/);

  deps.clock.advance(60_000);
  // What closure reads: a recorded parity check and the latest CI guard result (see closure.int.test.ts
  // for both through the API and the parity CLI's use case).
  await recordParityCheck(db, { dir: '/repo', differences: [], actor: agent, at: deps.clock.now() });
  await db.collection('guardResults').add({ guard: 'unit-tests', status: 'pass', at: deps.clock.now() });
  const report = await closeSession(deps, {
    id: s.id,
    tests: { passed: true, total: 42 },
    actor: agent,
  });
  assert.equal(report.status, 'clean');
  assert.deepEqual(report.checklist.failuresLogged.failures, [{ id: f.id, summary: failure.summary }]);
  assert.deepEqual(report.memoriesCaptured, [{ id: mem.id, kind: 'success', title: 'Line numbers' }]);
  assert.deepEqual(report.memoriesReused, [{ memoryId: old.id, title: 'Emulator REST', tokensSaved: 300 }]);
  assert.equal(report.tokensSaved, 300);
  assert.equal(report.checklist.testsPassing.reported?.total, 42);
  assert.equal(report.checklist.testsPassing.total, 1);
  assert.equal(report.closedAt, '2026-01-01T00:01:00.000Z');

  const stored = await sessionReport(deps, s.id);
  assert.deepEqual(stored.report, report);
  assert.match(stored.markdown, /- \[x\] System health: tests passed: latest CI result of each of 1 guard/);
  assert.match(stored.markdown, new RegExp(`${f.id}: JSON tool call broke`));
  await assert.rejects(
    closeSession(deps, { id: s.id, tests: { passed: true }, actor: agent }),
    /already closed/,
  );
  await assert.rejects(
    reportReuse(deps, { memoryId: mem.id, sessionId: s.id, actor: agent }),
    /session .* is closed/,
  );

  const s2 = (await startSession(deps, { actor: agent })).session;
  deps.clock.advance(1000);
  await db.collection('guardResults').add({ guard: 'unit-tests', status: 'fail', at: deps.clock.now() });
  const bad = await closeSession(deps, {
    id: s2.id,
    tests: { passed: false, failed: 3 },
    failuresObserved: 1,
    actor: agent,
  });
  assert.equal(bad.status, 'attention');
  assert.equal(bad.checklist.failuresLogged.ok, false);
  assert.equal(bad.checklist.testsPassing.ok, false);
  assert.match(bad.checklist.failuresLogged.detail, /1 failure\(s\) seen, only 0 logged/);
});

test('dashboard and context-loss procedure', async () => {
  const db = testFirestore();
  const deps = { db, clock: manualClock('2026-03-01T00:00:00Z') };
  await setFocusAreas(deps, { areas: ['cost', 'reliability'], actor: agent });
  const s = (await startSession(deps, { actor: agent })).session;
  const m = await captureMemory(deps, {
    kind: 'success',
    title: 'Cache',
    text: 't',
    baselineTokens: 800,
    captureTokens: 200,
    actor: agent,
  });
  await reportReuse(deps, { memoryId: m.id, sessionId: s.id, tokensUsed: 100, actor: agent });
  for (let i = 1; i <= 4; i++) {
    deps.clock.advance(1000);
    await createFailureLog(deps, { ...failure, summary: `failure ${i}`, actor: agent });
  }
  const recovery = await contextLossRecovery(deps);
  assert.deepEqual(
    recovery.failures.map((f) => f.summary),
    ['failure 4', 'failure 3', 'failure 2'],
  );
  assert.deepEqual(recovery.rules, []);

  const { dashboard, markdown } = await dashboardView(deps);
  assert.deepEqual(dashboard.focusAreas, ['cost', 'reliability']);
  assert.equal(dashboard.openSession, s.id);
  assert.deepEqual(dashboard.activePatterns, [{ id: m.id, kind: 'success', title: 'Cache', reuseCount: 1 }]);
  assert.equal(dashboard.failures.total, 4);
  assert.equal(dashboard.economics.tokensSaved, 700);
  assert.equal(dashboard.economics.roi, 2.5);
  assert.equal(dashboard.economics.reuseRate, 1);
  assert.match(markdown, /## Focus areas\n\n- cost\n- reliability/);
  assert.match(markdown, /\| ROI \| 250% \|/);
});
