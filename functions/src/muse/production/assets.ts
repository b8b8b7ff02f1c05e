/**
 * Staged assets (Publish): one record per published run in `stagedAssets/{runId}`, written once
 * with create() and never changed. Nothing is posted anywhere; the record is what would be.
 */
import type { Firestore } from '@google-cloud/firestore';
import type { Container } from '../../platform/container.js';
import { invalidInput, notFound } from '../../shared/errors.js';
import { fromFirestore } from '../status/status.js';
import type { Verdict } from '../critic/core/verdict.js';
import type { Generation } from './core/specs.js';

export const STAGED_ASSETS = 'stagedAssets';

export interface StagedAsset extends Generation {
  id: string;
  runId: string;
  intentId: string;
  topic: string;
  mode: 'free' | 'template';
  verdict: Pick<Verdict, 'drift' | 'pass' | 'threshold' | 'critic' | 'notes'>;
  cost: {
    currency: string;
    estimated: number;
    actual: number;
    model: string;
    inputTokens: number;
    outputTokens: number;
  };
  bibleVersion: number;
  createdAt: Date;
}

export const assetsRef = (db: Firestore) => db.collection(STAGED_ASSETS);

export async function getAsset(app: Pick<Container, 'db'>, id: string): Promise<StagedAsset> {
  const snap = await assetsRef(app.db).doc(id).get();
  if (!snap.exists) throw notFound(`staged asset ${id} does not exist`);
  return fromFirestore(snap.data()) as StagedAsset;
}

/** The newest staged assets first, paged by `before` (an ISO time from the previous page). */
export async function listAssets(
  app: Pick<Container, 'db'>,
  q: { limit?: number; before?: string } = {},
): Promise<StagedAsset[]> {
  const limit = q.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalidInput('limit must be 1-100');
  let query = assetsRef(app.db).orderBy('createdAt', 'desc').limit(limit);
  if (q.before !== undefined) {
    const before = new Date(q.before);
    if (Number.isNaN(before.getTime())) throw invalidInput('before must be an ISO date-time');
    query = query.startAfter(before);
  }
  const snap = await query.get();
  return snap.docs.map((d) => fromFirestore(d.data()) as StagedAsset);
}
