/**
 * The intents collection (shape owned by the trend loop and the CFO): this module reads an intent
 * and records production progress on it (status, reason, run, asset) with merge writes.
 */
import type { CollectionReference, Firestore } from '@google-cloud/firestore';
import { notFound } from '../../shared/errors.js';

export const INTENTS = 'intents';

export type IntentStatus = 'new' | 'funded' | 'unfunded' | 'producing' | 'published' | 'failed';

export interface IntentView {
  id: string;
  topic: string;
  status: IntentStatus;
  reason?: string;
  runId?: string;
  productionAttempts: number;
}

export const intentsRef = (db: Firestore): CollectionReference => db.collection(INTENTS);

export function intentFrom(id: string, data: FirebaseFirestore.DocumentData): IntentView {
  return {
    id,
    topic: typeof data.topic === 'string' ? data.topic : String(data.normalizedTopic ?? id),
    status: (data.status as IntentStatus | undefined) ?? 'new',
    reason: typeof data.reason === 'string' ? data.reason : undefined,
    runId: typeof data.runId === 'string' ? data.runId : undefined,
    productionAttempts: typeof data.productionAttempts === 'number' ? data.productionAttempts : 0,
  };
}

export async function getIntent(db: Firestore, id: string): Promise<IntentView> {
  const snap = await intentsRef(db).doc(id).get();
  if (!snap.exists) throw notFound(`intent ${id} does not exist`);
  return intentFrom(id, snap.data()!);
}
