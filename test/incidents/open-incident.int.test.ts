import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../../functions/src/shared/errors.js';
import { systemActor } from '../../functions/src/shared/ports.js';
import { manualClock } from '../helpers/manual-clock.js';
import { openIncident } from '../../functions/src/incidents/open-incident.js';

/** The incidents collection, read directly to check what was stored. */
const INCIDENTS = 'incidents';
import { testFirestore } from '../helpers/firestore.js';
import { SLACK_OUTBOX } from '../helpers/slack-state.js';

test('openIncident creates a level-1 incident with an outbox entry, and dedupes by key', async () => {
  const db = testFirestore();
  const clock = manualClock('2026-03-01T10:00:00Z');
  const input = {
    severity: 'sev2' as const,
    source: 'breaker' as const,
    summary: 'Circuit breaker tripped',
    dedupeKey: 'breaker/trip-1',
    actor: systemActor('cfo'),
  };
  const first = await openIncident({ db, clock }, input);
  assert.equal(first.created, true);
  const again = await openIncident({ db, clock }, input);
  assert.deepEqual(again, { id: first.id, created: false });

  const inc = (await db.collection(INCIDENTS).doc(first.id).get()).data()!;
  assert.equal(inc.level, 1);
  assert.equal(inc.status, 'open');
  const outbox = await db.collection(SLACK_OUTBOX).get();
  assert.equal(outbox.size, 1);
  assert.equal(outbox.docs[0]!.get('channelKey'), 'incidents');

  const other = await openIncident({ db, clock }, { ...input, dedupeKey: undefined });
  assert.equal(other.created, true);
  assert.notEqual(other.id, first.id);
});

test('openIncident refuses bad input, naming the field', async () => {
  const db = testFirestore();
  await assert.rejects(
    openIncident(
      { db, clock: manualClock() },
      // @ts-expect-error severity is not one of sev1-4
      { severity: 'sev9', source: 'person', summary: 'x', actor: systemActor() },
    ),
    (err: unknown) => err instanceof AppError && err.code === 'invalid_input' && /severity/.test(err.message),
  );
  assert.equal((await db.collection(INCIDENTS).get()).size, 0);
});
