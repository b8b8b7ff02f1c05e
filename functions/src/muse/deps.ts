/**
 * What the muse needs from outside itself, as small interfaces: the database and clock, the model,
 * and the capabilities of the systems it reports to (the engine's runs, pause switch and events;
 * incidents; the audit log; the Slack outbox). `wiring/muse.ts` implements them from the
 * container; nothing in muse/ imports another system's internals, so those systems can change
 * their storage without touching the muse, and no import reaches back into muse/.
 *
 * The types here are the muse's own view of those capabilities (structural), not imports; only
 * platform types (shared infrastructure, like the logger and the audit entry) are imported.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import type { ModelPort } from '../model/port.js';
import type { ProductionMedia } from './production/media.js';
import type { AuditEntry } from '../platform/audit.js';
import type { Logger } from '../platform/log.js';
import type { Actor, Clock } from '../shared/ports.js';

export type Via = AuditEntry['via'];

/** The engine's pause switch as the muse reads it. */
export interface PauseView {
  paused: boolean;
  holds: Record<string, { reason: string }>;
}

export interface EnginePort {
  /** Starts a workflow run, idempotent by `runId`. */
  startRun(p: {
    workflow: string;
    input: Record<string, unknown>;
    actor: Actor;
    runId: string;
  }): Promise<{ runId: string; created: boolean }>;
  pause(): Promise<PauseView>;
  /** Reads the pause switch inside the caller's transaction (a read: call before any write). */
  pauseInTx(tx: Transaction): Promise<PauseView>;
  /** Adds a hold inside the caller's transaction (writes only). */
  holdInTx(tx: Transaction, h: { holder: string; reason: string; actor: Actor; at: Date }): void;
  /** Releases a hold (the engine resumes parked steps when none is left). */
  release(r: {
    holder: string;
    rationale: string;
    actor: Actor;
    via: 'api' | 'slack' | 'system';
  }): Promise<PauseView>;
  /** A global event, written in the caller's transaction. */
  eventInTx(
    tx: Transaction,
    e: { type: string; actor: Actor; at: Date; data?: Record<string, unknown> },
  ): void;
}

export interface MuseIncident {
  severity: 'sev1' | 'sev2' | 'sev3' | 'sev4';
  source: 'trends' | 'breaker' | 'safemode' | 'wallet';
  summary: string;
  ref: { type: string; id: string };
  dedupeKey: string;
  team?: string;
  actor: Actor;
}

/** An open incident found in a transaction, handed back to `recoverInTx` as it was. */
export type LiveIncidentHandle = object;

export interface IncidentsPort {
  /** Opens (or finds open, by dedupe key) an incident; reads first, so call before any write. */
  openInTx(tx: Transaction, input: MuseIncident, at: Date): Promise<{ id: string; created: boolean }>;
  /** The live incident with this id or dedupe key (a read). */
  liveInTx(
    tx: Transaction,
    by: { incidentId?: string; dedupeKey?: string },
  ): Promise<LiveIncidentHandle | undefined>;
  /** Resolves it as recovered by the system (writes only). */
  recoverInTx(
    tx: Transaction,
    live: LiveIncidentHandle,
    r: { cause: 'trends' | 'breaker' | 'safemode' | 'wallet'; text: string },
    at: Date,
  ): void;
  /** Starts the escalation timers of a committed incident (throws, so the caller is retried). */
  escalate(incidentId: string): Promise<void>;
  /** The same, where a failure is only logged: the heartbeat sweep starts what was missed. */
  escalateAfterCommit(incidentId: string): Promise<void>;
}

export interface AuditPort {
  inTx(tx: Transaction, entry: AuditEntry, at: Date): void;
  record(entry: AuditEntry, at: Date): Promise<void>;
}

export interface MuseSlackEntry {
  /** `notice` about an `asset` ref: a staged asset, shown with its first frame. */
  kind: 'breaker' | 'safemode' | 'notice';
  channelKey: string;
  text: string;
  ref: { type: string; id: string };
  data?: Record<string, unknown>;
}

export interface SlackPort {
  enqueueInTx(tx: Transaction, id: string, entry: MuseSlackEntry, at: Date): void;
  /** Marks every message about `subject` decided (rewritten in place). */
  decidedInTx(
    tx: Transaction,
    subject: { type: string; id: string },
    note: { by: Actor; what: string; why?: string; at: Date },
    channelKey: string,
  ): void;
  /** Asks for delivery now, after the commit (the minute job is the backstop). */
  kick(): Promise<void>;
}

export interface MuseDeps {
  db: Firestore;
  clock: Clock;
  log: Logger;
  /** The model production calls. */
  model: ModelPort;
  /** `model`: the model critic answers through a response schema; `local`: the drift rules. */
  critic: 'local' | 'model';
  /** Pictures and a clip per production; absent (no bucket configured): specs only. */
  media?: ProductionMedia;
  engine: EnginePort;
  incidents: IncidentsPort;
  audit: AuditPort;
  slack: SlackPort;
}
