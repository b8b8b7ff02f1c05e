/**
 * Points the local muse at the local feed server: at each `npm start`, the sources settings are
 * written to the fixture feeds when none exist, or when the stored ones were written by an earlier
 * `npm start` (the server's port changes between starts). Sources a person has changed are left
 * alone.
 */
import type { Container } from '../../functions/src/platform/container.js';
import { museOf } from '../../functions/src/wiring/muse.js';
import { fixtureSources } from './feed-server.js';

export const NPM_START = { kind: 'system' as const, id: 'npm-start' };

export async function useLocalFeeds(app: Container, feedsUrl: string): Promise<'written' | 'kept'> {
  const sources = await museOf(app).trends.sources();
  if (sources.origin === 'stored' && sources.updatedBy?.id !== NPM_START.id) return 'kept';
  await museOf(app).trends.putSources({
    sources: fixtureSources(feedsUrl),
    actor: NPM_START,
    rationale: `local run: the bundled fixture feeds, served at ${feedsUrl}`,
    via: 'cli',
  });
  return 'written';
}
