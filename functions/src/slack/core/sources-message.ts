/**
 * `/muse sources`: the trend sources, where they came from, and each one's health. Pure: the
 * caller passes the view read by the trend loop's use case.
 */
import { header, message, section, sections } from './blocks.js';

interface Health {
  ok?: boolean;
  lastSuccessAt?: Date | string;
  lastErrorAt?: Date | string;
  lastError?: string;
  itemsLast?: number;
  consecutiveFailures: number;
}

export interface SourcesMessageView {
  origin: 'default' | 'stored';
  updatedBy?: { id: string; name?: string };
  rationale?: string;
  error?: string;
  sources: Array<{
    id: string;
    kind: string;
    url: string;
    weight: number;
    enabled: boolean;
    health: Health | null;
  }>;
}

const iso = (d: Date | string | undefined) =>
  d instanceof Date ? d.toISOString().replace(/\.\d{3}Z$/, 'Z') : typeof d === 'string' ? d : '—';

function healthText(h: Health | null, enabled: boolean): string {
  if (!enabled) return 'disabled';
  if (!h || h.ok === undefined) return 'not read yet';
  if (h.ok) return `:white_check_mark: ok · ${h.itemsLast ?? 0} items · last success ${iso(h.lastSuccessAt)}`;
  return `:x: failing ${h.consecutiveFailures} tick(s): ${h.lastError ?? 'failed'} (${iso(h.lastErrorAt)}) · last success ${iso(h.lastSuccessAt)}`;
}

export function sourcesMessage(v: SourcesMessageView, baseUrl: string) {
  const origin =
    v.origin === 'default'
      ? 'the default set (no settings stored yet)'
      : `settings by ${v.updatedBy?.name ?? v.updatedBy?.id ?? 'someone'}${v.rationale ? `: ${v.rationale}` : ''}`;
  const more = `${baseUrl}/v1/muse/sources`;
  if (v.error)
    return message(
      `Trend sources settings are invalid: ${v.error}`,
      [
        header('Trend sources'),
        section(
          `:warning: *The stored settings do not parse*, so the tick scans nothing until they are fixed (PUT ${more}):\n${v.error}`,
        ),
      ],
      more,
    );
  const lines = v.sources.map(
    (s) =>
      `• *${s.id}* (${s.kind}${s.weight !== 1 ? `, weight ${s.weight}` : ''}) ${s.url}\n    ${healthText(s.health, s.enabled)}`,
  );
  return message(
    `${v.sources.length} trend source(s), ${origin}`,
    [
      header('Trend sources'),
      section(`${v.sources.length} source(s), ${origin}. Change them with PUT ${more}.`),
      ...sections(lines, more, 10),
    ],
    more,
  );
}
