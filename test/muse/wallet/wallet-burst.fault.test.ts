/**
 * Fault suite, money: 100 concurrent money movements (credits and debits through the HTTP API,
 * reservations and settlements from a second instance with its own Firestore client, so the two
 * instances' wallet queues really contend). Every movement is committed or refused with a clear
 * status (409, or 429 with Retry-After, never a 5xx); a refused one sent again after Retry-After
 * commits; afterwards the ledger re-derives the head exactly, to the micro.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Container } from '../../../functions/src/platform/container.js';
import { createLogger } from '../../../functions/src/platform/log.js';
import { isAppError } from '../../../functions/src/shared/errors.js';
import { startHarness, type Harness } from '../../helpers/engine-harness.js';
import { createApp } from '../../../functions/src/wiring/app.js';
import { museOf } from '../../../functions/src/wiring/muse.js';

let h: Harness;
let other: Container;
let finance: string;
before(async () => {
  h = await startHarness();
  finance = await h.keyFor(['finance']);
  other = await createApp(h.config, {
    log: createLogger({ level: 'error', projectId: h.config.projectId }),
  });
});
after(async () => {
  await other.db.terminate();
  await other.pubsub.close();
  await h.stop();
});

type Outcome = { what: string; status: number; retryAfter?: string | null; send: () => Promise<Outcome> };

function http(what: string, path: string, body: unknown): () => Promise<Outcome> {
  const send = async (): Promise<Outcome> => {
    const res = await fetch(h.baseUrl + path, {
      method: 'POST',
      headers: { authorization: `Bearer ${finance}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await res.text();
    return { what, status: res.status, retryAfter: res.headers.get('retry-after'), send };
  };
  return send;
}

/** A use case called in-process, its refusal mapped to the HTTP status its AppError code carries. */
function direct(what: string, call: () => Promise<unknown>): () => Promise<Outcome> {
  const send = async (): Promise<Outcome> => {
    try {
      await call();
      return { what, status: 201, send };
    } catch (err) {
      if (!isAppError(err)) throw err;
      const retry = (err.details as { retryAfterSeconds?: number } | undefined)?.retryAfterSeconds;
      return { what, status: err.status, retryAfter: retry === undefined ? null : String(retry), send };
    }
  };
  return send;
}

test('100 concurrent money movements: each committed or clearly refused, the balance exact', async () => {
  const seed = await h.api('POST', '/v1/muse/wallet/credit', { key: 'seed', amount: 1000 }, { key: finance });
  assert.equal(seed.status, 201);
  // Twenty reservations made before the burst, to be settled during it.
  for (let i = 0; i < 20; i++) {
    const r = await museOf(other).wallet.reserve({
      key: `reserve~pre-${i}`,
      intentId: `pre-${i}`,
      runId: `pre-${i}`,
      amount: 2,
      floor: 5,
    });
    assert.equal(r.ok, true);
  }

  const movements = [
    ...Array.from({ length: 35 }, (_, i) =>
      http('credit', '/v1/muse/wallet/credit', { key: `c-${i}`, amount: 1.5 }),
    ),
    // Five concurrent duplicates of credits above: each a replay (200) or the first commit (201).
    ...Array.from({ length: 5 }, (_, i) =>
      http('credit', '/v1/muse/wallet/credit', { key: `c-${i}`, amount: 1.5 }),
    ),
    ...Array.from({ length: 20 }, (_, i) =>
      http('debit', '/v1/muse/wallet/debit', {
        idempotencyKey: `d-${i}`,
        amount: 0.25,
        rationale: 'outside spend',
      }),
    ),
    ...Array.from({ length: 20 }, (_, i) =>
      direct('reserve', async () => {
        const r = await museOf(other).wallet.reserve({
          key: `reserve~burst-${i}`,
          intentId: `b-${i}`,
          runId: `b-${i}`,
          amount: 3,
          floor: 5,
        });
        assert.equal(r.ok, true, 'the wallet holds enough for every reservation');
      }),
    ),
    ...Array.from({ length: 20 }, (_, i) =>
      direct('settle', () =>
        museOf(other).wallet.settle({ reservationKey: `reserve~pre-${i}`, actual: 1.75 }),
      ),
    ),
  ];
  assert.equal(movements.length, 100);

  const first = await Promise.all(movements.map((send) => send()));
  const counts: Record<string, number> = {};
  for (const o of first) counts[o.status] = (counts[o.status] ?? 0) + 1;
  console.log(`# burst of 100: ${JSON.stringify(counts)}`);
  for (const o of first) {
    assert.ok([200, 201, 409, 429].includes(o.status), `${o.what} answered ${o.status}`);
    if (o.status === 429) assert.match(o.retryAfter ?? '', /^\d+$/, `${o.what}: a 429 says when to retry`);
  }
  assert.equal(first.filter((o) => o.status === 409).length, 0, 'no movement here conflicts with another');

  // A refusal is actionable: the same request after Retry-After commits (its key makes it safe).
  let pending = first.filter((o) => o.status === 429);
  while (pending.length) {
    await new Promise((r) => setTimeout(r, 1000 * Math.max(...pending.map((o) => Number(o.retryAfter)))));
    pending = (await Promise.all(pending.map((o) => o.send()))).filter((o) => o.status === 429);
  }

  const proof = await museOf(h.app).wallet.verify();
  assert.equal(proof.ok, true, JSON.stringify(proof));
  const micros = proof.head.micros;
  // 1000 + 35 x 1.5 - 20 x 0.25 - 20 x 1.75, in micros; reserved: 20 x 3 still held.
  assert.equal(micros.balance, (1000 + 52.5 - 5 - 35) * 1_000_000);
  assert.equal(micros.reserved, 60 * 1_000_000);
  // seed + 20 pre-reservations + 35 credits + 20 debits + 20 reservations + 20 x (debit, release).
  assert.equal(proof.head.entries, 1 + 20 + 35 + 20 + 20 + 40);
});
