/**
 * The trend loop's settings documents: `config/trendSources` (the sources) and
 * `config/trendSettings` (threshold, de-dupe window and the other tick settings). A document never
 * written means the documented defaults; a stored one that does not parse is reported with the
 * field it names and is never replaced by the defaults. Changes are whole-document writes by a
 * person, each audited with who and why in the same transaction, with a global event.
 */
import type { DocumentReference, Firestore } from '@google-cloud/firestore';
import { recordEvent } from '../../engine/events.js';
import { auditInTransaction } from '../../platform/audit.js';
import type { Container } from '../../platform/container.js';
import type { Actor } from '../../shared/ports.js';
import {
  DEFAULT_SOURCES,
  DEFAULT_TICK_SETTINGS,
  parseStored,
  sourcesDocSchema,
  tickSettingsSchema,
  type Parsed,
  type SourceSetting,
  type TickSettings,
} from './core/settings.js';

export const CONFIG = 'config';
export const SOURCES_DOC = 'trendSources';
export const TICK_DOC = 'trendSettings';

export const sourcesRef = (db: Firestore): DocumentReference => db.collection(CONFIG).doc(SOURCES_DOC);
export const tickSettingsRef = (db: Firestore): DocumentReference => db.collection(CONFIG).doc(TICK_DOC);

type Origin = { origin: 'default' | 'stored'; updatedAt?: Date; updatedBy?: Actor; rationale?: string };
export type Loaded<T> = Parsed<T> & Origin;

export interface TrendConfig {
  sources: Loaded<SourceSetting[]>;
  tick: Loaded<TickSettings>;
}

const toDate = (v: unknown): Date | undefined =>
  v && typeof v === 'object' && 'toDate' in v ? (v as { toDate(): Date }).toDate() : undefined;

function load<T>(
  snap: FirebaseFirestore.DocumentSnapshot,
  fallback: T,
  parse: (data: unknown) => Parsed<T>,
): Loaded<T> {
  if (!snap.exists) return { ok: true, value: fallback, origin: 'default' };
  const meta: Origin = {
    origin: 'stored',
    updatedAt: toDate(snap.get('updatedAt')),
    updatedBy: snap.get('updatedBy') as Actor | undefined,
    rationale: snap.get('rationale') as string | undefined,
  };
  return { ...parse(snap.data()), ...meta };
}

/** Both documents in one round trip. */
export async function readTrendConfig(db: Firestore): Promise<TrendConfig> {
  const [s, t] = await db.getAll(sourcesRef(db), tickSettingsRef(db));
  return {
    sources: load(
      s!,
      DEFAULT_SOURCES.map((x) => ({ ...x })),
      (d) => {
        const p = parseStored(`${CONFIG}/${SOURCES_DOC}`, sourcesDocSchema, d);
        return p.ok ? { ok: true, value: p.value.sources } : p;
      },
    ),
    tick: load(t!, { ...DEFAULT_TICK_SETTINGS }, (d) => {
      const { updatedAt: _a, updatedBy: _b, rationale: _c, ...rest } = (d ?? {}) as Record<string, unknown>;
      return parseStored(`${CONFIG}/${TICK_DOC}`, tickSettingsSchema, rest);
    }),
  };
}

/** The raw stored document, for showing an operator what does not parse. */
export async function rawSources(db: Firestore): Promise<unknown> {
  return (await sourcesRef(db).get()).get('sources');
}

interface Change {
  actor: Actor;
  rationale: string;
  via: 'api' | 'slack' | 'cli';
}

/** Replaces the sources, audited (who, why, before and after ids) with an event. */
export async function putTrendSources(
  app: Pick<Container, 'db' | 'clock'>,
  change: Change & { sources: SourceSetting[] },
): Promise<void> {
  await writeAudited(
    app,
    sourcesRef(app.db),
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
  app: Pick<Container, 'db' | 'clock'>,
  change: Change & { settings: TickSettings },
): Promise<void> {
  await writeAudited(
    app,
    tickSettingsRef(app.db),
    'muse.trend-settings.update',
    change,
    change.settings,
    (before) => {
      const { updatedAt: _a, updatedBy: _b, rationale: _c, ...rest } = before ?? {};
      return { before: before ? rest : null, after: change.settings };
    },
  );
}

async function writeAudited(
  app: Pick<Container, 'db' | 'clock'>,
  ref: DocumentReference,
  action: string,
  change: Change,
  doc: object,
  details: (before: Record<string, unknown> | undefined) => Record<string, unknown>,
): Promise<void> {
  const at = app.clock.now();
  await app.db.runTransaction(async (tx) => {
    const before = (await tx.get(ref)).data();
    tx.set(ref, { ...doc, updatedAt: at, updatedBy: change.actor, rationale: change.rationale });
    auditInTransaction(
      app.db,
      tx,
      {
        actor: change.actor,
        action,
        target: ref.path,
        outcome: 'ok',
        rationale: change.rationale,
        via: change.via,
        details: details(before),
      },
      at,
    );
    recordEvent(app.db, tx, { type: `${action}d`, actor: change.actor, at, data: { target: ref.path } });
  });
}
