/**
 * The identity Bible in Firestore (`muse/bible`), with the warm-start cache.
 *
 * Warm start: an instance loads the Bible once and reuses it across steps and requests. The cache
 * is keyed by the Firestore client (so two projects in one process never share an entry) and holds
 * the Bible with its version. While an entry is younger than `freshnessMs` it is used as is; after
 * that, a cheap freshness check reads only the `version` field (a projection query) and reloads
 * the whole document only when the version moved. An edit through `saveBible` refreshes this
 * instance's entry at once; other instances see it within `freshnessMs`.
 */
import type { Firestore } from '@google-cloud/firestore';
import { AppError, describeIssues, invalidInput } from '../../shared/errors.js';
import type { Actor } from '../../shared/ports.js';
import type { AuditPort, Via } from '../deps.js';
import { DEFAULT_BIBLE, bibleInputSchema, parseBible, type Bible } from './core/bible.js';
import { BIBLE_PATH, readBibleInTx, readOrSeedBible, storedBibleVersion, writeBibleInTx } from './repo.js';

export const DEFAULT_FRESHNESS_MS = 30_000;

interface CacheEntry {
  bible: Bible;
  checkedAt: number;
}

/** How often this instance read the Bible: the warm-start measure. */
export interface BibleCacheStats {
  fullLoads: number;
  freshnessChecks: number;
  hits: number;
}

const cache = new WeakMap<Firestore, CacheEntry>();
const stats = new WeakMap<Firestore, BibleCacheStats>();

function statsFor(db: Firestore): BibleCacheStats {
  let s = stats.get(db);
  if (!s) stats.set(db, (s = { fullLoads: 0, freshnessChecks: 0, hits: 0 }));
  return s;
}

export function bibleCacheStats(db: Firestore): Readonly<BibleCacheStats> {
  return { ...statsFor(db) };
}

function parseStored(data: unknown): Bible {
  const r = parseBible(data);
  if (!r.ok) throw new AppError('policy_violation', `muse/bible is malformed: ${r.problems.join('; ')}`);
  return r.bible;
}

/** Reads the whole document, seeding the default Bible when there is none yet. */
async function fullLoad(db: Firestore, now: Date): Promise<Bible> {
  statsFor(db).fullLoads += 1;
  const bible = parseStored(await readOrSeedBible(db, DEFAULT_BIBLE, now));
  cache.set(db, { bible, checkedAt: now.getTime() });
  return bible;
}

/** The Bible, from this instance's cache when fresh. */
export async function loadBible(
  db: Firestore,
  now: Date,
  opts: { freshnessMs?: number } = {},
): Promise<Bible> {
  const freshnessMs = opts.freshnessMs ?? DEFAULT_FRESHNESS_MS;
  const entry = cache.get(db);
  if (!entry) return fullLoad(db, now);
  if (now.getTime() - entry.checkedAt < freshnessMs) {
    statsFor(db).hits += 1;
    return entry.bible;
  }
  statsFor(db).freshnessChecks += 1;
  const version = await storedBibleVersion(db);
  if (version !== entry.bible.version) return fullLoad(db, now);
  cache.set(db, { bible: entry.bible, checkedAt: now.getTime() });
  return entry.bible;
}

/** Replaces the Bible with a new version (audited); refreshes this instance's cache. */
export async function saveBible(
  deps: { db: Firestore; now: Date; audit: AuditPort },
  input: { actor: Actor; bible: unknown; via: Via },
): Promise<Bible> {
  const parsed = bibleInputSchema.safeParse(input.bible);
  if (!parsed.success) throw invalidInput(`bible refused: ${describeIssues(parsed.error.issues).join('; ')}`);
  const { db, now } = deps;
  const bible = await db.runTransaction(async (tx) => {
    const stored = await readBibleInTx(db, tx);
    const current = stored !== undefined ? parseStored(stored) : DEFAULT_BIBLE;
    // The seeded default is version 1 even before it is written, so the first edit is version 2.
    const next: Bible = { ...parsed.data, version: current.version + 1 };
    writeBibleInTx(db, tx, next, input.actor, now);
    deps.audit.inTx(
      tx,
      {
        actor: input.actor,
        action: 'muse.bible.update',
        target: BIBLE_PATH,
        outcome: 'ok',
        via: input.via,
        details: { fromVersion: stored !== undefined ? current.version : null, toVersion: next.version },
      },
      now,
    );
    return next;
  });
  cache.set(db, { bible, checkedAt: now.getTime() });
  return bible;
}
