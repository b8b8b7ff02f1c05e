/**
 * Mission telemetry and session events (CMOS `session_events`, mirrored to SESSIONS.jsonl), and the
 * health view: anomalies found in the events and in the backlog itself. Pure.
 */
import type { Actor } from '../../shared/ports.js';
import { byPrecedence, type Mission } from './mission.js';

export const EVENT_LEVELS = ['info', 'warn', 'error'] as const;
export type EventLevel = (typeof EVENT_LEVELS)[number];

/** One append-only event: lifecycle (start, complete, block, ...), session, or agent telemetry. */
export interface MissionEvent {
  /** `<ISO time>~<random>`, so ids sort by time. */
  id: string;
  at: Date;
  type: string;
  missionId: string | null;
  actor: Actor;
  level: EventLevel;
  summary?: string;
  nextHint?: string;
  needs?: string[];
  data?: Record<string, unknown>;
}

export interface Anomaly {
  missionId: string | null;
  kind: string;
  message: string;
  eventId?: string;
}

/** What is wrong with the backlog and its events, most severe kinds first. */
export function missionHealth(backlog: readonly Mission[], events: readonly MissionEvent[]): Anomaly[] {
  const out: Anomaly[] = [];
  const ids = new Set(backlog.map((m) => m.id));
  const current = backlog.filter((m) => m.status === 'Current');
  if (current.length > 1) {
    out.push({
      missionId: null,
      kind: 'several_current',
      message: `${current.length} missions are Current (${current.map((m) => m.id).join(', ')}); at most one may be`,
    });
  }
  for (const m of [...backlog].sort(byPrecedence)) {
    const bad = (kind: string, message: string) => out.push({ missionId: m.id, kind, message });
    const unknown = m.prerequisites.filter((p) => !ids.has(p));
    if (unknown.length)
      bad('unknown_prerequisite', `prerequisites not in the backlog: ${unknown.join(', ')}`);
    if (m.status === 'Completed' && (!m.completedAt || !m.verification)) {
      bad('completed_unverified', 'Completed without completed_at or a recorded verification');
    }
    if (m.status === 'In Progress' && !m.startedAt)
      bad('started_unstamped', 'In Progress without started_at');
    if (m.status === 'Blocked' && (!m.needs.length || !m.unblockCriteria)) {
      bad('blocked_without_needs', 'Blocked without needs or unblock criteria');
    }
  }
  for (const e of events) {
    if (e.level !== 'info') {
      out.push({
        missionId: e.missionId,
        kind: `event_${e.level}`,
        message: `${e.type}: ${e.summary ?? ''}`.trim(),
        eventId: e.id,
      });
    }
    if (e.missionId && !ids.has(e.missionId)) {
      out.push({
        missionId: e.missionId,
        kind: 'event_unknown_mission',
        message: `event ${e.id} names a mission not in the backlog`,
        eventId: e.id,
      });
    }
  }
  return out;
}
