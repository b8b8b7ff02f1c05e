/**
 * What the incident use cases need. The bus and logger are optional so the opening helpers keep
 * the `{ db, clock }` signature tests and the in-transaction callers use; when they are wired
 * (`createIncidents` always has them), a committed change that enqueued Slack entries asks for
 * delivery at once.
 */
import type { Firestore } from '@google-cloud/firestore';
import { kickSlackOutbox } from '../notify/slack-outbox.js';
import type { Bus } from '../platform/bus.js';
import type { Logger } from '../platform/log.js';
import type { Actor, Clock } from '../shared/ports.js';

export interface IncidentDeps {
  db: Firestore;
  clock: Clock;
  bus?: Bus;
  log?: Logger;
}

/** Kicks the Slack outbox after a commit, when the deps carry a bus (best effort, never throws). */
export async function deliverNow(deps: Pick<IncidentDeps, 'bus' | 'log'>): Promise<void> {
  if (deps.bus && deps.log) await kickSlackOutbox({ bus: deps.bus, log: deps.log });
}

/** The engine's run start, as the escalation timers need it (a port, not the engine's internals). */
export type StartRun = (req: {
  workflow: string;
  input: Record<string, unknown>;
  actor: Actor;
  runId: string;
}) => Promise<{ runId: string; created: boolean }>;
