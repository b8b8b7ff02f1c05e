/**
 * Typed persistence: the one place a stored Firestore value becomes a domain value. Every
 * repository reads its collection through `typedCollection`, so `Timestamp → Date` happens here
 * (nowhere else) and callers get `T`, never `DocumentData` cast by hand.
 *
 * Reads are revived, not validated: documents are written by the same repository through the
 * same type. Settings documents, written by people, go through `platform/settings.ts`, which
 * validates with zod and names the bad field.
 */
import type {
  CollectionReference,
  DocumentData,
  DocumentReference,
  DocumentSnapshot,
  Firestore,
  FirestoreDataConverter,
  QueryDocumentSnapshot,
} from '@google-cloud/firestore';

/** Timestamps (anything with `toDate()`) become Dates, recursively through arrays and maps. */
export function reviveTimestamps<T>(value: unknown): T {
  if (value && typeof value === 'object') {
    if (typeof (value as { toDate?: unknown }).toDate === 'function')
      return (value as { toDate(): Date }).toDate() as T;
    if (value instanceof Date) return value as T;
    if (Array.isArray(value)) return value.map((v) => reviveTimestamps(v)) as T;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, reviveTimestamps(v)])) as T;
  }
  return value as T;
}

/**
 * Revives in place: `snap.data()` hands out a fresh object tree on every call, so the converter
 * replaces Timestamps where they sit instead of copying every map and array of the document
 * (a run document is mostly its graph and step states, read on every step).
 */
function reviveInPlace(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  if (typeof (value as { toDate?: unknown }).toDate === 'function')
    return (value as { toDate(): Date }).toDate();
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = reviveInPlace(value[i]);
    return value;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value; // a Date, bytes, a reference
  const map = value as Record<string, unknown>;
  for (const k of Object.keys(map)) map[k] = reviveInPlace(map[k]);
  return map;
}

/**
 * A converter for documents of type `T`. Writes pass through (Dates are stored as Timestamps by
 * the SDK); reads revive Timestamps. `withId` adds the document id under that key when the stored
 * document does not carry it.
 */
export function typedConverter<T extends object>(withId?: keyof T & string): FirestoreDataConverter<T> {
  return {
    toFirestore: (value) => value as DocumentData,
    fromFirestore: (snap: QueryDocumentSnapshot) => {
      const data = reviveInPlace(snap.data()) as Record<string, unknown>;
      if (withId && data[withId] === undefined) data[withId] = snap.id;
      return data as T;
    },
  };
}

/** One converter per `withId` (converters hold no state): repositories build references per call. */
const converters = new Map<string | undefined, FirestoreDataConverter<object>>();

/** `db.collection(name)` read and written as `T`. */
export function typedCollection<T extends object>(
  db: Firestore,
  name: string,
  withId?: keyof T & string,
): CollectionReference<T> {
  let converter = converters.get(withId);
  if (!converter) converters.set(withId, (converter = typedConverter<Record<string, unknown>>(withId)));
  return db.collection(name).withConverter(converter as FirestoreDataConverter<T>);
}

/**
 * Reads several documents in one round trip. The client applies each reference's converter, but
 * its declaration of `Firestore.getAll` is not generic (the transaction's is), hence the one cast.
 */
export async function getAllTyped<T extends object>(
  db: Firestore,
  refs: Array<DocumentReference<T>>,
): Promise<Array<DocumentSnapshot<T>>> {
  return (await db.getAll(...refs)) as Array<DocumentSnapshot<T>>;
}
