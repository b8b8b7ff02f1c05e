/**
 * Staged assets (Publish): one record per published production in `stagedAssets/{runId}`, written
 * once and never changed. Nothing is posted anywhere; the record is what would be.
 */
import type { Firestore } from '@google-cloud/firestore';
import { invalidInput, notFound } from '../../shared/errors.js';
import type { StagedAsset } from './core/staged-asset.js';
import { assetsPage, findAsset } from './repo.js';

export type { StagedAsset } from './core/staged-asset.js';

export async function getAsset(db: Firestore, id: string): Promise<StagedAsset> {
  const asset = await findAsset(db, id);
  if (!asset) throw notFound(`staged asset ${id} does not exist`);
  return asset;
}

/** The newest staged assets first, paged by `before` (an ISO time from the previous page). */
export async function listAssets(
  db: Firestore,
  q: { limit?: number; before?: string } = {},
): Promise<StagedAsset[]> {
  const limit = q.limit ?? 20;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalidInput('limit must be 1-100');
  let before: Date | undefined;
  if (q.before !== undefined) {
    before = new Date(q.before);
    if (Number.isNaN(before.getTime())) throw invalidInput('before must be an ISO date-time');
  }
  return assetsPage(db, limit, before);
}
