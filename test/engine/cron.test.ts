import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cronMatches, parseCron } from '../../scripts/lib/local/cron.js';
import { firedAtOf } from '../../functions/src/triggers/pubsub/scheduled.js';

test('cron fields: steps, ranges, lists, weekdays', () => {
  const every5 = parseCron('*/5 * * * *');
  assert.equal(cronMatches(every5, new Date('2026-11-21T10:05:00Z')), true);
  assert.equal(cronMatches(every5, new Date('2026-11-21T10:06:00Z')), false);
  const monday9 = parseCron('0 9 * * 1');
  assert.equal(cronMatches(monday9, new Date('2026-11-23T09:00:00Z')), true, '2026-11-23 is a Monday');
  assert.equal(cronMatches(monday9, new Date('2026-11-24T09:00:00Z')), false);
  const sunday = parseCron('0 0 * * 7');
  assert.equal(cronMatches(sunday, new Date('2026-11-22T00:00:00Z')), true, '7 is Sunday too');
  const list = parseCron('0,30 8-10 1,15 * *');
  assert.equal(cronMatches(list, new Date('2026-11-15T09:30:00Z')), true);
  assert.equal(cronMatches(list, new Date('2026-11-16T09:30:00Z')), false);
  assert.equal(
    cronMatches(every5, new Date('2026-11-21T10:05:42Z')),
    true,
    'any second of a matching minute',
  );
  const fridayOr13th = parseCron('0 0 13 * 5');
  assert.equal(
    cronMatches(fridayOr13th, new Date('2026-11-20T00:00:00Z')),
    true,
    'a Friday: day fields combine with OR',
  );
  assert.equal(cronMatches(fridayOr13th, new Date('2026-11-13T00:00:00Z')), true, 'the 13th');
  assert.equal(cronMatches(fridayOr13th, new Date('2026-11-19T00:00:00Z')), false);
  const fridays = parseCron('0 0 * * 5');
  assert.equal(
    cronMatches(fridays, new Date('2026-11-19T00:00:00Z')),
    false,
    'an unrestricted day-of-month does not widen',
  );
});

test('bad cron expressions are named', () => {
  assert.throws(() => parseCron('* * * *'), /must have 5 fields/);
  assert.throws(() => parseCron('61 * * * *'), /cron "61 \* \* \* \*".*minute: 61/);
  assert.throws(() => parseCron('x * * * *'), /cron "x \* \* \* \*".*\(x\) contains illegal characters/);
  assert.throws(() => parseCron('0 0 * * 8'), /dayOfWeek: 8/);
});

test('firedAt floors the schedule or publish time to the minute', () => {
  const now = new Date('2026-11-21T10:00:00Z');
  assert.equal(firedAtOf('2026-11-21T10:07:42.123Z', now).toISOString(), '2026-11-21T10:07:00.000Z');
  assert.equal(firedAtOf(undefined, now).toISOString(), '2026-11-21T10:00:00.000Z');
  assert.equal(firedAtOf('garbage', now).toISOString(), '2026-11-21T10:00:00.000Z');
});
