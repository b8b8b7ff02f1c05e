/**
 * What the stream reads from other systems, as small interfaces: the changes it fans out (the
 * muse's status, the open incidents, the engine's event feed) and the muse's read actions its
 * toolbox offers the model. wiring/stream.ts fills them from Firestore; the stream names no other
 * system's collection.
 */
import type { CommitTime } from './core/seq.js';
import type { LedgerPoint } from './core/wallet-series.js';

/** Stops a watch. */
export type Unwatch = () => void;
type Fail = (err: Error) => void;

/** An event document the feed added, with the commit time that numbers it (core/seq.ts). */
export interface AddedEvent {
  id: string;
  commit: CommitTime;
  data: Record<string, unknown>;
}

export interface StreamFeeds {
  /** The muse's status document, on every change (raw stored values: Timestamps, maps). */
  watchStatus(next: (status: Record<string, unknown>) => void, fail: Fail): Unwatch;
  /** Every incident not resolved, with its id, on every change. */
  watchOpenIncidents(next: (incidents: Array<Record<string, unknown>>) => void, fail: Fail): Unwatch;
  /** Events at or after `since`, oldest first: each snapshot's added ones. */
  watchEvents(since: Date, next: (added: AddedEvent[]) => void, fail: Fail): Unwatch;
}

export interface OpenGate {
  runId: string;
  workflow: string;
  stepId: string;
  edges: string[];
}

export type StoredDoc = Record<string, unknown> & { id: string };

/** The muse's reads the live toolbox offers (raw stored values; the toolbox renders them as JSON). */
export interface MuseReads {
  status(): Promise<Record<string, unknown>>;
  openIncidents(limit: number): Promise<StoredDoc[]>;
  stagedAsset(id: string): Promise<StoredDoc | undefined>;
  /** A bounded read of staged assets, newest first by creation time. */
  stagedAssets(limit: number): Promise<StoredDoc[]>;
  intents(limit: number): Promise<StoredDoc[]>;
  /** Gates of engine runs waiting for a person (read-only on the page). */
  openGates(limit: number): Promise<OpenGate[]>;
  /** The wallet ledger's entries at or after `since`, in currency units (the page's 24 h chart). */
  ledgerSince(since: Date): Promise<LedgerPoint[]>;
}
