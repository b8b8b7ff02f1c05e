import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  INITIAL_SAFE_MODE,
  applyVerdict,
  exitSafeModeState,
} from '../../../functions/src/muse/critic/core/safe-mode.js';
import { AppError } from '../../../functions/src/shared/errors.js';

const at = new Date('2026-03-01T12:00:00Z');
const op = { kind: 'user' as const, id: 'U1' };

test('five consecutive rejections enter safe mode once; a pass resets the counter but not the mode', () => {
  let s = INITIAL_SAFE_MODE;
  const entered: boolean[] = [];
  for (let i = 0; i < 6; i++) {
    const r = applyVerdict(s, false, 5, at);
    s = r.next;
    entered.push(r.entered);
  }
  assert.deepEqual(entered, [false, false, false, false, true, false]);
  assert.equal(s.active, true);
  assert.equal(s.consecutiveRejections, 6);
  s = applyVerdict(s, true, 5, at).next;
  assert.equal(s.active, true);
  assert.equal(s.consecutiveRejections, 0);
});

test('a pass in between restarts the count', () => {
  let s = INITIAL_SAFE_MODE;
  for (const pass of [false, false, false, false, true, false, false, false, false])
    s = applyVerdict(s, pass, 5, at).next;
  assert.equal(s.active, false);
  assert.equal(s.consecutiveRejections, 4);
});

test('exiting needs a rationale and an active safe mode', () => {
  const active = { ...INITIAL_SAFE_MODE, active: true, consecutiveRejections: 5, since: at };
  assert.throws(
    () => exitSafeModeState(active, op, '   ', at),
    (e) => e instanceof AppError && e.code === 'invalid_input',
  );
  assert.throws(
    () => exitSafeModeState(INITIAL_SAFE_MODE, op, 'why', at),
    (e) => e instanceof AppError && e.code === 'conflict',
  );
  const s = exitSafeModeState(active, op, ' Bible reviewed ', at);
  assert.deepEqual(s, {
    active: false,
    consecutiveRejections: 0,
    exitedBy: op,
    exitedAt: at,
    exitRationale: 'Bible reviewed',
  });
});
