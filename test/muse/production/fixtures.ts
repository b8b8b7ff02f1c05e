/**
 * Shared setup for the production tests: a model that behaves per topic (on top of the local
 * deterministic model), the production workflow built over the harness's muse with that model,
 * the price table in the wallet settings document, intents and wallet money.
 * The model is a port implementation, not a stand-in for any Google service.
 */
import type { Firestore } from '@google-cloud/firestore';
import { createLocalModel } from '../../../functions/src/model/local.js';
import type { ModelPort, ModelRequest, ModelResponse } from '../../../functions/src/model/port.js';
import { createMuse } from '../../../functions/src/muse/system.js';
import type { PriceTable } from '../../../functions/src/muse/wallet/core/pricing.js';
import { DEFAULT_WALLET_SETTINGS } from '../../../functions/src/muse/wallet/policy.js';
import type { Container } from '../../../functions/src/platform/container.js';
import { museDepsOf, museOf } from '../../../functions/src/wiring/muse.js';
import { engineOf } from '../../../functions/src/wiring/engine.js';

export const operator = { kind: 'user' as const, id: 'U-op', name: 'Opal Operator' };

/** Calls by topic and purpose, so tests can count retries and prove template runs call no model. */
export type CallLog = Array<{ topic: string; purpose: string }>;

/**
 * The local model, except: a topic containing "off-voice" gets a banned term in its hook, and a
 * topic containing "garbage-<purpose>" gets prose instead of JSON for that purpose.
 */
export function topicModel(calls: CallLog = []): ModelPort & { calls: CallLog } {
  const local = createLocalModel();
  return {
    model: local.model,
    calls,
    async generate(req: ModelRequest): Promise<ModelResponse> {
      const topic = /^Topic: (.*)$/m.exec(req.prompt)?.[1] ?? '';
      calls.push({ topic, purpose: req.purpose });
      if (topic.includes(`garbage-${req.purpose}`))
        return {
          model: local.model,
          text: 'I cannot comply with that request.',
          toolCalls: [],
          usage: { inputTokens: 100, outputTokens: 9 },
        };
      const res = await local.generate(req);
      if (req.purpose === 'narrative' && topic.includes('off-voice')) {
        const json = {
          ...(res.json as Record<string, unknown>),
          hook: 'This one is guaranteed to go viral.',
        };
        return { ...res, json, text: JSON.stringify(json) };
      }
      return res;
    },
  };
}

/**
 * Runs production with `model`: the product's workflow, built over the muse with this model. The
 * default wallet settings price the local model (0.0003 / 0.0025 per 1k tokens) with a reserve
 * floor of 5.
 */
export function produceWith(app: Container, model: ModelPort): void {
  engineOf(app).workflows.register(createMuse({ ...museDepsOf(app), model }).production.workflow());
}

/** Stores the wallet settings document with this price table (the rest as the defaults). */
export async function setPrices(app: Container, priceTable: PriceTable): Promise<void> {
  await museOf(app).wallet.putSettings({
    settings: { ...DEFAULT_WALLET_SETTINGS, priceTable },
    actor: { kind: 'user', id: 'U-fin' },
    rationale: 'the prices this test runs with',
    via: 'api',
  });
}

export async function addIntent(db: Firestore, id: string, topic: string): Promise<void> {
  await db.collection('intents').doc(id).create({
    id,
    topic,
    normalizedTopic: topic.toLowerCase(),
    vvs: 72,
    status: 'new',
    createdAt: new Date(),
  });
}

export async function fund(app: Container, amount: number, key = 'seed'): Promise<void> {
  await museOf(app).wallet.credit({ key, amount, actor: { kind: 'user', id: 'U-fin' } });
}

/** Ledger entries of one run, as `type` strings in sequence order. */
export async function ledgerOf(db: Firestore, runId: string): Promise<string[]> {
  const snap = await db.collection('ledger').where('runId', '==', runId).get();
  return snap.docs
    .map((d) => d.data() as { type: string; seq: number })
    .sort((a, b) => a.seq - b.seq)
    .map((e) => e.type);
}

export const ended = (r: { status: string }) => r.status === 'succeeded' || r.status === 'failed';
