/**
 * The muse status as people read it (Slack, `GET /v1/muse/status`, the live stream): the whole
 * status document with the defaults of parts not reported yet, and whether the trend settings
 * documents parse (read live: a broken one names its field here before the next tick fails on it).
 */
import type { Firestore } from '@google-cloud/firestore';
import { readTrendConfig } from '../trends/settings-store.js';
import { readStatus, type MuseStatusDoc } from './repo.js';

type Check = { ok: true; origin: string } | { ok: false; origin: string; error: string };

export type MuseStatusView = Omit<MuseStatusDoc, 'safeMode' | 'runs' | 'lastVerdict' | 'trendSources'> &
  Required<Pick<MuseStatusDoc, 'safeMode' | 'runs' | 'lastVerdict' | 'trendSources'>> & {
    trendSettings: { sources: Check; tick: Check };
  };

export async function museStatus(db: Firestore): Promise<MuseStatusView> {
  const [data, config] = await Promise.all([readStatus(db), readTrendConfig(db)]);
  const check = (c: { ok: boolean; origin: string; error?: string }): Check =>
    c.ok ? { ok: true, origin: c.origin } : { ok: false, origin: c.origin, error: c.error ?? '' };
  return {
    safeMode: { active: false, consecutiveRejections: 0 },
    runs: [],
    lastVerdict: null,
    trendSources: [],
    ...data,
    trendSettings: { sources: check(config.sources), tick: check(config.tick) },
  };
}
