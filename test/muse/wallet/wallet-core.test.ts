import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_AMOUNT,
  MAX_BALANCE_MICROS,
  balanceInRange,
  toMicros,
} from '../../../functions/src/muse/wallet/core/money.js';
import { callerKeyProblem, systemKeyProblem } from '../../../functions/src/muse/wallet/core/keys.js';
import { estimateCost, DEFAULT_PRICE_TABLE } from '../../../functions/src/muse/wallet/core/pricing.js';
import { checkSolvency } from '../../../functions/src/muse/wallet/core/solvency.js';
import { evaluateBreaker } from '../../../functions/src/muse/wallet/core/breaker-policy.js';
import { AppError } from '../../../functions/src/shared/errors.js';

test('amounts: negative, NaN, Infinity, strings and zero are refused', () => {
  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY, '5', null, undefined, 0, 2e9]) {
    assert.throws(
      () => toMicros(bad),
      (e: unknown) => e instanceof AppError && e.code === 'invalid_input',
    );
  }
  assert.equal(toMicros(0, 'actual', { allowZero: true }), 0);
  assert.equal(toMicros(0.1) + toMicros(0.2), toMicros(0.3)); // exact, unlike 0.1 + 0.2
});

test('estimateCost prices known models and fails closed on unknown ones', () => {
  const ok = estimateCost(DEFAULT_PRICE_TABLE, 'gemini-2.5-flash', { inputTokens: 2000, outputTokens: 1000 });
  assert.deepEqual(ok, { ok: true, model: 'gemini-2.5-flash', amount: 0.0031 });
  const missing = estimateCost(DEFAULT_PRICE_TABLE, 'gpt-imaginary', { inputTokens: 1, outputTokens: 1 });
  assert.equal(missing.ok, false);
  assert.match(!missing.ok ? missing.reason : '', /no price for model "gpt-imaginary"/);
  assert.equal(estimateCost(DEFAULT_PRICE_TABLE, 'toString', { inputTokens: 1, outputTokens: 1 }).ok, false);
  assert.equal(
    estimateCost({ m: { inputPer1k: Number.NaN, outputPer1k: 1 } }, 'm', { inputTokens: 1, outputTokens: 1 })
      .ok,
    false,
  );
  assert.equal(
    estimateCost(DEFAULT_PRICE_TABLE, 'gemini-2.5-flash', { inputTokens: -5, outputTokens: 1 }).ok,
    false,
  );
});

test('solvency keeps the reserve floor untouched', () => {
  assert.deepEqual(checkSolvency({ balance: 100, reserved: 40 }, 50, 10), { ok: true });
  const v = checkSolvency({ balance: 100, reserved: 40 }, 51, 10);
  assert.equal(v.ok, false);
});

test('breaker policy: panic line, burn rate, and re-arming after an override', () => {
  const policy = { panicLine: 2_000_000, burnLimitPerHour: 20_000_000, burnWindowMs: 3_600_000 };
  assert.equal(evaluateBreaker(policy, { balance: 1_000_000, burnInWindow: 0, panicArmed: true }).trip, true);
  assert.equal(
    evaluateBreaker(policy, { balance: 1_000_000, burnInWindow: 0, panicArmed: false }).trip,
    false,
  );
  const burn = evaluateBreaker(policy, { balance: 50_000_000, burnInWindow: 21_000_000, panicArmed: true });
  assert.equal(burn.trip, true);
  assert.match(burn.trip ? burn.reason : '', /burn rate/);
  const half = { ...policy, burnWindowMs: 1_800_000 };
  assert.equal(
    evaluateBreaker(half, { balance: 50_000_000, burnInWindow: 11_000_000, panicArmed: true }).trip,
    true,
  );
  const calm = evaluateBreaker(policy, { balance: 3_000_000, burnInWindow: 0, panicArmed: false });
  assert.deepEqual(calm, { trip: false, burnRatePerHour: 0, rearm: true });
});

test('amounts: what rounds to zero micros or splits a micro is refused; the maximum is exact', () => {
  const invalid = (e: unknown) => e instanceof AppError && e.code === 'invalid_input';
  assert.throws(() => toMicros(1e-7), invalid);
  assert.throws(() => toMicros(1.0000001), invalid);
  assert.throws(() => toMicros(MAX_AMOUNT + 0.000001), invalid);
  assert.equal(toMicros(0.000001), 1);
  assert.equal(toMicros(MAX_AMOUNT), 1e15);
  assert.equal(toMicros(999_999_999.999999), 999_999_999_999_999);
  assert.equal(balanceInRange(MAX_BALANCE_MICROS), true);
  assert.equal(balanceInRange(MAX_BALANCE_MICROS + 1), false);
  assert.equal(balanceInRange(-MAX_BALANCE_MICROS - 1), false);
  assert.ok(
    MAX_BALANCE_MICROS + 1e15 < Number.MAX_SAFE_INTEGER,
    'a max balance plus a max amount stays exact',
  );
});

test('ledger keys: callers never reach the system namespace or reserved ids', () => {
  for (const ok of ['grant-2026-03', 'invoice:981', 'a.b@c_d', 'x'.repeat(200)])
    assert.equal(callerKeyProblem(ok), null, ok);
  for (const bad of ['', '.', '..', '...', '__x__', '__proto__', 'a/b', 'x'.repeat(201), '\uD800', 'a b'])
    assert.notEqual(callerKeyProblem(bad), null, JSON.stringify(bad));
  for (const sys of ['grant~release', 'grant~debit', 'reserve~run-1', '~'])
    assert.match(callerKeyProblem(sys) ?? '', /reserved for the system/);
  assert.equal(systemKeyProblem('reserve~run-1'), null);
  assert.equal(systemKeyProblem('reserve~run-1~release'), null);
  for (const bad of ['plain', '~x', 'x~', '__a~b__', '..~b', 'a~b/c'])
    assert.notEqual(systemKeyProblem(bad), null, bad);
});
