/**
 * What the incident use cases need. The bus and logger are optional so the opening helpers keep
 * the `{ db, clock }` signature other systems call them with; when they are wired (the container
 * always has them), a committed change that enqueued Slack entries asks for delivery at once.
 */
import type { Firestore } from '@google-cloud/firestore';
import { kickSlackOutbox } from '../notify/slack-outbox.js';
import type { Bus } from '../platform/bus.js';
import type { Logger } from '../platform/log.js';
import type { Clock } from '../shared/ports.js';

export interface IncidentDeps {
  db: Firestore;
  clock: Clock;
  bus?: Bus;
  log?: Logger;
}

/** Kicks the Slack outbox after a commit, when the deps carry a bus (best effort, never throws). */
export async function deliverNow(deps: IncidentDeps): Promise<void> {
  if (deps.bus && deps.log) await kickSlackOutbox({ bus: deps.bus, log: deps.log });
}
