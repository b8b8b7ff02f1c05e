/**
 * The trend sources as people see them (`GET /v1/muse/sources`, `/muse sources`): the configured
 * list with each source's URL and health, where the list came from (the defaults or a stored
 * document, who changed it and why), and, when the stored document does not parse, the error
 * naming the field with the raw list, so it can be fixed.
 */
import type { Actor } from '../../shared/ports.js';
import type { MuseDeps } from '../deps.js';
import { readStatus } from '../status/repo.js';
import { sourceUrl, type SourceSetting } from './core/settings.js';
import type { SourceHealth } from './core/source-health.js';
import { rawSources, readTrendConfig } from './settings-store.js';

export interface SourcesView {
  origin: 'default' | 'stored';
  updatedAt?: Date;
  updatedBy?: Actor;
  rationale?: string;
  /** Set when the stored document does not parse: the tick refuses to scan until it is fixed. */
  error?: string;
  /** The stored list as it is, when it does not parse. */
  stored?: unknown;
  sources: Array<SourceSetting & { url: string; health: SourceHealth | null }>;
}

export async function sourcesView(deps: Pick<MuseDeps, 'db'>): Promise<SourcesView> {
  const [config, status] = await Promise.all([readTrendConfig(deps.db), readStatus(deps.db)]);
  const c = config.sources;
  const health = Array.isArray(status.trendSources) ? status.trendSources : [];
  const meta = {
    origin: c.origin,
    ...(c.updatedAt ? { updatedAt: c.updatedAt } : {}),
    ...(c.updatedBy ? { updatedBy: c.updatedBy } : {}),
    ...(c.rationale ? { rationale: c.rationale } : {}),
  };
  if (!c.ok) return { ...meta, error: c.error, stored: await rawSources(deps.db), sources: [] };
  return {
    ...meta,
    sources: c.value.map((s) => ({
      ...s,
      url: sourceUrl(s),
      health: health.find((h) => h.id === s.id) ?? null,
    })),
  };
}
