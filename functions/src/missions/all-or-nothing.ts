/**
 * Writes a set of documents all or nothing. When the set fits one commit (the usual case), it is
 * one batch, which Firestore applies atomically. A larger set is committed in parts after reading
 * the prior state of every target; if a part fails (a document Firestore refuses, an outage), the
 * parts already committed are restored to that prior state, so Firestore is left as it was.
 * Writers racing the import between its parts may be overwritten by the restore: import while the
 * system is quiet, as the parity CLI is meant to be run.
 */
import type { DocumentData, DocumentReference, Firestore } from '@google-cloud/firestore';
import { AppError, invalidInput } from '../shared/errors.js';

export interface PlannedWrite {
  /** The target document, from the owning repository (untyped: the prior state is restored as stored). */
  ref: DocumentReference;
  data: object;
  /** Where it came from, for error messages: e.g. `backlog.yaml mission M12`. */
  origin: string;
}

export interface CommitLimits {
  /** Writes per commit. */
  maxWrites: number;
  /** Estimated bytes per commit (Firestore refuses requests over 10 MiB). */
  maxBytes: number;
}

export const DEFAULT_LIMITS: CommitLimits = { maxWrites: 450, maxBytes: 8 * 1024 * 1024 };

const sizeOf = (w: PlannedWrite) => JSON.stringify(w.data).length + w.ref.id.length + 64;

export function planCommits(writes: readonly PlannedWrite[], limits: CommitLimits): PlannedWrite[][] {
  const parts: PlannedWrite[][] = [];
  let part: PlannedWrite[] = [];
  let bytes = 0;
  for (const w of writes) {
    const size = sizeOf(w);
    if (part.length && (part.length >= limits.maxWrites || bytes + size > limits.maxBytes)) {
      parts.push(part);
      part = [];
      bytes = 0;
    }
    part.push(w);
    bytes += size;
  }
  if (part.length) parts.push(part);
  return parts;
}

/** Firestore's INVALID_ARGUMENT (a document too large, a bad value): the input's fault, not transient. */
const refusedByFirestore = (err: unknown) => (err as { code?: unknown }).code === 3;

function failure(err: unknown, part: PlannedWrite[], restored: number): AppError {
  const range = `${part[0]!.origin} .. ${part[part.length - 1]!.origin}`;
  const why = (err as Error).message;
  const state = restored
    ? `the ${restored} record(s) already written were restored; Firestore is as it was`
    : 'nothing was written';
  const message = `import failed writing ${range}: ${why}; ${state}`;
  return refusedByFirestore(err) ? invalidInput(message) : new AppError('unavailable', message);
}

async function commitPart(db: Firestore, part: PlannedWrite[]): Promise<void> {
  const batch = db.batch();
  for (const w of part) batch.set(w.ref, w.data);
  await batch.commit();
}

async function readPrior(db: Firestore, refs: DocumentReference[]): Promise<Array<DocumentData | undefined>> {
  const out: Array<DocumentData | undefined> = [];
  for (let i = 0; i < refs.length; i += 300) {
    const snaps = await db.getAll(...refs.slice(i, i + 300));
    out.push(...snaps.map((s) => (s.exists ? s.data() : undefined)));
  }
  return out;
}

async function restore(
  db: Firestore,
  refs: DocumentReference[],
  prior: Array<DocumentData | undefined>,
  limits: CommitLimits,
): Promise<void> {
  for (let i = 0; i < refs.length; i += limits.maxWrites) {
    const batch = db.batch();
    refs.slice(i, i + limits.maxWrites).forEach((ref, k) => {
      const before = prior[i + k];
      if (before) batch.set(ref, before);
      else batch.delete(ref);
    });
    await batch.commit();
  }
}

/** Commits every write or none; throws invalid_input (refused by Firestore) or unavailable naming the records. */
export async function writeAllOrNothing(
  db: Firestore,
  writes: readonly PlannedWrite[],
  limits: CommitLimits = DEFAULT_LIMITS,
): Promise<void> {
  const parts = planCommits(writes, limits);
  if (parts.length <= 1) {
    if (parts[0])
      await commitPart(db, parts[0]).catch((err: unknown) => {
        throw failure(err, parts[0]!, 0);
      });
    return;
  }
  const refs = writes.map((w) => w.ref);
  const prior = await readPrior(db, refs);
  let written = 0;
  for (const part of parts) {
    try {
      await commitPart(db, part);
      written += part.length;
    } catch (err) {
      try {
        await restore(db, refs.slice(0, written), prior.slice(0, written), limits);
      } catch (undo) {
        throw new AppError(
          'internal',
          `import failed writing ${part[0]!.origin} (${(err as Error).message}) and restoring the ${written} record(s) already written failed too (${(undo as Error).message}); re-run the import (it is idempotent) or restore from an export`,
        );
      }
      throw failure(err, part, written);
    }
  }
}
