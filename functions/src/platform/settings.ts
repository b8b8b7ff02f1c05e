/**
 * Runtime settings: documents a person changes without a deploy (thresholds, deadlines, prices,
 * channels). Each system declares its documents once as a `SettingsSpec` (in its own
 * `settings.ts`) and lists it in `functions/src/settings-catalog.ts`; this module is the one way
 * they are read.
 *
 * A document never written means the code's defaults. A stored document that does not parse is an
 * error naming the field (`config/trendSettings: threshold: expected number`): the use case that
 * needs it refuses (`settingsValue` throws), `/healthz` reports it, and it is never silently
 * replaced by the defaults, which would hide a person's change.
 */
import type { DocumentReference, DocumentSnapshot, Firestore } from '@google-cloud/firestore';
import type { z } from 'zod';
import { AppError, describeIssues } from '../shared/errors.js';
import type { Actor } from '../shared/ports.js';
import { reviveTimestamps } from './firestore/typed.js';

export interface SettingsSpec<T> {
  /** `collection/document`, e.g. `config/trendSettings`. */
  path: string;
  /** The stored document's shape, without the audit fields below. */
  schema: z.ZodType<T>;
  /** What applies when no document was ever written. */
  defaults: T;
}

/** Who last changed a stored document, and why (written beside the settings by every change). */
export interface SettingsOrigin {
  origin: 'default' | 'stored';
  updatedAt?: Date;
  updatedBy?: Actor;
  rationale?: string;
}

export type SettingsRead<T> = ({ ok: true; value: T } | { ok: false; error: string }) & SettingsOrigin;

const AUDIT_FIELDS = ['updatedAt', 'updatedBy', 'rationale'] as const;

export const settingsRef = (db: Firestore, spec: SettingsSpec<unknown>): DocumentReference =>
  db.doc(spec.path);

/** Parses one snapshot of `spec`'s document. */
export function parseSettings<T>(spec: SettingsSpec<T>, snap: DocumentSnapshot): SettingsRead<T> {
  if (!snap.exists) return { ok: true, value: spec.defaults, origin: 'default' };
  const data = { ...(snap.data() ?? {}) };
  const meta = reviveTimestamps<Partial<SettingsOrigin>>(
    Object.fromEntries(AUDIT_FIELDS.map((k) => [k, data[k]]).filter(([, v]) => v !== undefined)),
  );
  for (const k of AUDIT_FIELDS) delete data[k];
  const parsed = spec.schema.safeParse(reviveTimestamps(data));
  const origin: SettingsOrigin = { origin: 'stored', ...meta };
  if (parsed.success) return { ok: true, value: parsed.data, ...origin };
  const fields = describeIssues(parsed.error.issues).slice(0, 5).join('; ');
  return { ok: false, error: `${spec.path} is invalid: ${fields}`, ...origin };
}

export async function readSettings<T>(db: Firestore, spec: SettingsSpec<T>): Promise<SettingsRead<T>> {
  return parseSettings(spec, await settingsRef(db, spec).get());
}

/** The value in force, or an error naming the bad field (HTTP 422, never the defaults). */
export function settingsValue<T>(read: SettingsRead<T>): T {
  if (read.ok) return read.value;
  throw new AppError('policy_violation', `${read.error}; fix the document or PUT it again`);
}

/** Reads and returns the value in force; throws when the stored document does not parse. */
export async function loadSettings<T>(db: Firestore, spec: SettingsSpec<T>): Promise<T> {
  return settingsValue(await readSettings(db, spec));
}

export interface SettingsHealth {
  path: string;
  ok: boolean;
  origin: 'default' | 'stored';
  error?: string;
}

/** Every listed document in one round trip, for `/healthz` and the status views. */
export async function checkSettings(
  db: Firestore,
  specs: ReadonlyArray<SettingsSpec<unknown>>,
): Promise<SettingsHealth[]> {
  if (specs.length === 0) return [];
  const snaps = await db.getAll(...specs.map((s) => settingsRef(db, s)));
  return specs.map((spec, i) => {
    const r = parseSettings(spec, snaps[i]!);
    return r.ok
      ? { path: spec.path, ok: true, origin: r.origin }
      : { path: spec.path, ok: false, origin: r.origin, error: r.error };
  });
}
