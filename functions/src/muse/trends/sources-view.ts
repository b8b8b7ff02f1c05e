/**
 * The trend sources as people see them (`GET /v1/muse/sources`, `/muse sources`): the configured
 * list with each source's URL and health, where the list came from (the defaults or a stored
 * document, who changed it and why), and, when the stored document does not parse, the error
 * naming the field with the raw list, so it can be fixed.
 */
import type { Container } from '../../platform/container.js';
import type { Actor } from '../../shared/ports.js';
import { fromFirestore, getMuseStatus } from '../status/status.js';
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

export async function sourcesView(app: Container): Promise<SourcesView> {
  const [config, status] = await Promise.all([readTrendConfig(app.db), getMuseStatus(app)]);
  const c = config.sources;
  const health = (fromFirestore(status.trendSources) as SourceHealth[] | undefined) ?? [];
  const meta = {
    origin: c.origin,
    ...(c.updatedAt ? { updatedAt: c.updatedAt } : {}),
    ...(c.updatedBy ? { updatedBy: c.updatedBy } : {}),
    ...(c.rationale ? { rationale: c.rationale } : {}),
  };
  if (!c.ok) return { ...meta, error: c.error, stored: await rawSources(app.db), sources: [] };
  return {
    ...meta,
    sources: c.value.map((s) => ({
      ...s,
      url: sourceUrl(s),
      health: (Array.isArray(health) ? health : []).find((h) => h.id === s.id) ?? null,
    })),
  };
}
