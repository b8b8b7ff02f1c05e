/**
 * The incident record and its vocabulary. Pure: shapes and small helpers only; the use cases in
 * ../ read and write Firestore.
 */
import type { Actor } from '../../shared/ports.js';

export const SEVERITIES = ['sev1', 'sev2', 'sev3', 'sev4'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const INCIDENT_SOURCES = [
  'heartbeat',
  'run',
  'breaker',
  'safemode',
  'person',
  'trends',
  'wallet',
] as const;
export type IncidentSource = (typeof INCIDENT_SOURCES)[number];

export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';

/** Escalation levels as the Growth Engine manual names them. */
export const LEVEL_NAMES: Record<1 | 2 | 3 | 4, string> = {
  1: 'automated retry and notification',
  2: 'agent notification and manual intervention',
  3: 'manager escalation and system-wide alert',
  4: 'emergency procedures and system recovery',
};
export type Level = 1 | 2 | 3 | 4;

/** One entry of the incident's timeline: what happened, when, and who did it. */
export interface TimelineEntry {
  at: Date;
  type: 'opened' | 'escalated' | 'acknowledged' | 'phase' | 'resolved' | 'review' | 'note';
  actor: Actor;
  text: string;
  level?: number;
  phase?: string;
  /** On a `resolved` entry written by a recovery: the cause that recovered (heartbeat, breaker, ...). */
  recovery?: string;
}

export interface Incident {
  id: string;
  severity: Severity;
  source: IncidentSource;
  summary: string;
  ref?: { type: string; id: string };
  dedupeKey?: string;
  /** The team that owns the response when it is not the on-call engineers (the breaker's: `finance`). */
  team?: string;
  /** Shared dependencies this incident affects (see ./dependencies.ts); Level 4 runs using one are held. */
  dependencies?: string[];
  status: IncidentStatus;
  level: Level;
  openedAt: Date;
  openedBy: Actor;
  acknowledgedAt?: Date;
  acknowledgedBy?: Actor;
  resolvedAt?: Date;
  resolvedBy?: Actor;
  resolution?: string;
  /** Start time of each timeline phase reached so far (assess starts at opening). */
  phases: Partial<Record<'assess' | 'contain' | 'recover' | 'postIncident' | 'closed', Date>>;
  timeline: TimelineEntry[];
  /** When each overrun phase was alerted in Slack (once per phase); see overrun.ts. */
  overrunAlerts?: Partial<Record<'assess' | 'contain' | 'recover' | 'postIncident', Date>>;
  /** The engine run holding this incident's level timers, once started. */
  escalationRunId?: string;
  review?: {
    rootCause: string;
    lessons: string[];
    prevention: { kind: string; text: string };
    whatBroke: string;
    whys: string[];
    recordedAt: Date;
    recordedBy: Actor;
    failureLogId?: string;
  };
}

/** Firestore document id for a dedupe key (ids may not contain '/'). */
export function dedupeDocId(key: string): string {
  return encodeURIComponent(key).slice(0, 1400);
}

/** Slack channel key per level: 3 is the system-wide alert, 4 the emergency channel. */
export function channelForLevel(level: Level): string {
  if (level === 4) return 'emergency';
  if (level === 3) return 'alerts-all';
  return 'incidents';
}

/** Deterministic outbox id for a level step, so a redelivered timer never posts twice. */
export const levelOutboxId = (incidentId: string, level: number) => `incident~${incidentId}~L${level}`;
