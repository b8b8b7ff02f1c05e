/**
 * The trend loop's settings, `config/trendSources` (the sources) and `config/trendSettings`
 * (threshold, de-dupe window and the other tick settings), declared in muse/settings.ts. A
 * document never written means the documented defaults; a stored one that does not parse is
 * reported with the field it names and is never replaced by the defaults. Changes are audited
 * whole-document writes (settings-write.ts).
 */
import type { Firestore } from '@google-cloud/firestore';
import { parseSettings, settingsRef, type SettingsRead, type SettingsSpec } from '../../platform/settings.js';
import type { MuseDeps } from '../deps.js';
import { TREND_SETTINGS, TREND_SOURCES } from '../settings.js';
import { withoutAudit, writeSettingsAudited, type SettingsChange } from '../settings-write.js';
import type { SourceSetting, TickSettings } from './core/settings.js';

export interface TrendConfig {
  sources: SettingsRead<SourceSetting[]>;
  tick: SettingsRead<TickSettings>;
}

const ref = (db: Firestore, spec: SettingsSpec<unknown>) => settingsRef(db, spec);

/** Both documents in one round trip. */
export async function readTrendConfig(db: Firestore): Promise<TrendConfig> {
  const [s, t] = await db.getAll(
    ref(db, TREND_SOURCES as SettingsSpec<unknown>),
    ref(db, TREND_SETTINGS as SettingsSpec<unknown>),
  );
  const sources = parseSettings(TREND_SOURCES, s!);
  return {
    sources: sources.ok ? { ...sources, value: sources.value.sources } : sources,
    tick: parseSettings(TREND_SETTINGS, t!),
  };
}

/** The raw stored list, for showing an operator what does not parse. */
export async function rawSources(db: Firestore): Promise<unknown> {
  return (await ref(db, TREND_SOURCES as SettingsSpec<unknown>).get()).get('sources');
}

type Deps = Pick<MuseDeps, 'db' | 'clock' | 'audit' | 'engine'>;

/** Replaces the sources, audited (who, why, before and after ids) with an event. */
export async function putTrendSources(
  deps: Deps,
  change: SettingsChange & { sources: SourceSetting[] },
): Promise<void> {
  await writeSettingsAudited(
    deps,
    TREND_SOURCES,
    'muse.sources.update',
    change,
    { sources: change.sources },
    (before) => ({
      before: Array.isArray(before?.sources)
        ? (before.sources as Array<{ id?: unknown }>).map((s) => String(s.id))
        : null,
      after: change.sources.map((s) => s.id),
    }),
  );
}

/** Replaces the tick settings, audited with the values before and after. */
export async function putTickSettings(
  deps: Deps,
  change: SettingsChange & { settings: TickSettings },
): Promise<void> {
  await writeSettingsAudited(
    deps,
    TREND_SETTINGS,
    'muse.trend-settings.update',
    change,
    change.settings,
    (before) => ({
      before: withoutAudit(before) ?? null,
      after: change.settings,
    }),
  );
}
