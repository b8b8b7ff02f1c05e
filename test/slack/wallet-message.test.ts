import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS } from '../../functions/src/slack/core/blocks.js';
import { walletMessage } from '../../functions/src/slack/core/messages.js';

const w = { balance: 12.5, reserved: 2, available: 10.5, currency: 'USD' };

test('/muse wallet lists the last ledger entries with who and why, inside Block Kit limits', () => {
  const entries = Array.from({ length: 10 }, (_, i) => ({
    key: `invoice-${i}`,
    type: i % 2 ? 'credit' : 'debit',
    amount: 1.25,
    at: '2026-03-01T12:00:00.000Z',
    actor: { id: 'k1', name: 'finance-desk' },
    rationale: `licence ${i} `.repeat(300),
  }));
  const m = walletMessage(w, 0.5, entries);
  const texts = m.blocks.map((b) => JSON.stringify(b));
  const last = m.blocks.at(-1) as unknown as { text: { text: string } };
  assert.match(last.text.text, /^\*Last entries\*/);
  for (let i = 0; i < 10; i++) assert.match(last.text.text, new RegExp(`invoice-${i}\``));
  assert.match(
    last.text.text,
    /`−1\.25 USD` debit `invoice-0` · finance-desk · 2026-03-01 12:00 — licence 0/,
  );
  assert.ok(last.text.text.length <= LIMITS.sectionText);
  assert.ok(m.blocks.length <= LIMITS.blocksPerMessage);
  assert.ok(texts.every((t) => t.length < 4000));
  // With no entries yet, no empty section.
  assert.equal(walletMessage(w).blocks.length, 2);
});
