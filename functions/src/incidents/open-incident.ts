/**
 * Opening an incident. Other systems (Level 4 systemic failures, the muse's breaker trip and safe
 * mode, the heartbeat sweep, a person through Slack) call these two functions with these exact
 * signatures. A dedupe key makes opening idempotent: while an incident with the same key is not
 * resolved, opening again returns it instead of creating a new one.
 *
 * Opening writes, in one transaction: the incident at level 1, its dedupe key, the level-1 Slack
 * outbox entry (deterministic id), a global event and an audit record. The causes that open
 * incidents also close them when they recover: see recover.ts. The level timers (levels
 * 2-4) run on the engine workflow `incident-escalation`; see escalation.ts.
 */
import type { Firestore, Transaction } from '@google-cloud/firestore';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { recordEvent } from '../engine/events.js';
import { enqueueSlack } from '../notify/slack-outbox.js';
import { auditInTransaction } from '../platform/audit.js';
import { describeIssues, invalidInput } from '../shared/errors.js';
import type { Actor } from '../shared/ports.js';
import {
  INCIDENT_SOURCES,
  LEVEL_NAMES,
  SEVERITIES,
  channelForLevel,
  levelOutboxId,
  type IncidentSource,
  type Severity,
} from './core/incident.js';
import { deliverNow, type IncidentDeps } from './deps.js';
import {
  createIncidentTx,
  findIncidentTx,
  incidentKeyRef,
  incidentTarget,
  readKeyTx,
  type StoredIncident,
} from './repo.js';
import { dependenciesSchema, normalizeDependencies } from './core/dependencies.js';

export interface OpenIncidentInput {
  severity: Severity;
  source: IncidentSource;
  summary: string;
  ref?: { type: string; id: string };
  dedupeKey?: string;
  /** The team that owns the response when it is not the on-call engineers (the breaker's: `finance`). */
  team?: string;
  /** Shared dependencies it affects: starting a Level 4 run that uses one is refused while it is open. */
  dependencies?: string[];
  actor: Actor;
}

const inputSchema = z.object({
  severity: z.enum(SEVERITIES),
  source: z.enum(INCIDENT_SOURCES),
  summary: z.string().trim().min(1, 'a summary is required').max(2000),
  ref: z.object({ type: z.string().min(1), id: z.string().min(1) }).optional(),
  dedupeKey: z.string().min(1).max(500).optional(),
  team: z.string().min(1).max(100).optional(),
  dependencies: dependenciesSchema.optional(),
  actor: z.object({ kind: z.enum(['user', 'apikey', 'system', 'agent']), id: z.string().min(1) }).loose(),
});

function validate(input: OpenIncidentInput): OpenIncidentInput {
  const parsed = inputSchema.safeParse(input);
  if (!parsed.success)
    throw invalidInput(`incident refused: ${describeIssues(parsed.error.issues).join('; ')}`);
  return input;
}

function newIncidentId(at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').slice(0, 13); // 20260101T0000
  return `inc-${stamp}-${randomUUID()}`;
}

/**
 * Opens (or finds, by dedupe key) an incident inside the caller's transaction. Does its reads
 * first and then its writes, so call it before any write of your own in the same transaction.
 */
export async function openIncidentInTransaction(
  db: Firestore,
  tx: Transaction,
  input: OpenIncidentInput,
  at: Date,
): Promise<{ id: string; created: boolean }> {
  validate(input);
  if (input.dedupeKey) {
    const existingId = (await readKeyTx(db, tx, input.dedupeKey))?.incidentId;
    if (existingId) {
      const existing = await findIncidentTx(db, tx, existingId);
      if (existing && existing.status !== 'resolved') return { id: existingId, created: false };
    }
  }

  const id = newIncidentId(at);
  const incident: StoredIncident = {
    id,
    severity: input.severity,
    source: input.source,
    summary: input.summary.trim(),
    ref: input.ref,
    dedupeKey: input.dedupeKey,
    ...(input.team ? { team: input.team } : {}),
    ...(input.dependencies?.length ? { dependencies: normalizeDependencies(input.dependencies) } : {}),
    status: 'open',
    level: 1,
    openedAt: at,
    openedBy: input.actor,
    phases: { assess: at },
    timeline: [
      {
        at,
        type: 'opened',
        actor: input.actor,
        text: `opened (${input.severity}, ${input.source})`,
        level: 1,
      },
      { at, type: 'phase', actor: input.actor, text: 'assess', phase: 'assess' },
    ],
  };
  createIncidentTx(db, tx, incident);
  if (input.dedupeKey)
    tx.set(incidentKeyRef(db, input.dedupeKey), { key: input.dedupeKey, incidentId: id, at });
  enqueueSlack(
    db,
    tx,
    levelOutboxId(id, 1),
    {
      kind: 'incident',
      channelKey: channelForLevel(1),
      text: `[${input.severity}] Level 1 (${LEVEL_NAMES[1]}): ${incident.summary}`,
      ref: { type: 'incident', id },
      level: 1,
      data: {
        severity: input.severity,
        source: input.source,
        summary: incident.summary,
        ref: input.ref ?? null,
        ...(input.team ? { team: input.team } : {}),
      },
    },
    at,
  );
  recordEvent(db, tx, {
    type: 'incident.opened',
    actor: input.actor,
    at,
    data: { incidentId: id, severity: input.severity, source: input.source, level: 1 },
  });
  auditInTransaction(
    db,
    tx,
    {
      actor: input.actor,
      action: 'incident.open',
      target: incidentTarget(id),
      outcome: 'ok',
      rationale: incident.summary,
      via: input.actor.kind === 'system' ? 'system' : input.actor.kind === 'user' ? 'slack' : 'api',
      details: { severity: input.severity, source: input.source, dedupeKey: input.dedupeKey ?? null },
    },
    at,
  );
  return { id, created: true };
}

/**
 * Opens (or finds, by dedupe key) an incident in its own transaction, then asks for the level-1
 * post to be delivered at once. Callers of `openIncidentInTransaction` kick after their own commit.
 */
export async function openIncident(
  deps: IncidentDeps,
  input: OpenIncidentInput,
): Promise<{ id: string; created: boolean }> {
  validate(input);
  const at = deps.clock.now();
  const res = await deps.db.runTransaction((tx) => openIncidentInTransaction(deps.db, tx, input, at));
  if (res.created) await deliverNow(deps);
  return res;
}
