/**
 * Mission telemetry: agents append events to a mission (never rewritten), and the health view lists
 * the anomalies in the events and the backlog (CMOS database-health review after each mission).
 */
import { z } from 'zod';
import { notFound } from '../shared/errors.js';
import type { Actor } from '../shared/ports.js';
import { EVENT_LEVELS, missionHealth, type Anomaly, type MissionEvent } from './core/events.js';
import type { MissionDeps } from './lifecycle.js';
import { appendEvent, findMission, missionRef, readBacklog, readEvents } from './repo.js';

export const telemetryInput = z.strictObject({
  type: z.string().min(1).max(100),
  level: z.enum(EVENT_LEVELS).default('info'),
  summary: z.string().max(2000).optional(),
  data: z.record(z.string(), z.unknown()).optional(),
});

/** Appends one telemetry event to a known mission. */
export async function recordTelemetry(
  deps: MissionDeps,
  input: z.infer<typeof telemetryInput> & { missionId: string; actor: Actor },
): Promise<MissionEvent> {
  const { db, clock } = deps;
  return db.runTransaction(async (tx) => {
    const ref = missionRef(db, input.missionId);
    if (!(await tx.get(ref)).exists) throw notFound(`unknown mission ${input.missionId}`);
    const { missionId, actor, ...rest } = input;
    return appendEvent(db, tx, { ...rest, missionId, actor }, clock.now());
  });
}

/** Events of one mission (after checking it exists), or of all missions, oldest first. */
export async function listMissionEvents(deps: MissionDeps, missionId?: string): Promise<MissionEvent[]> {
  if (missionId) findMission(await readBacklog(deps.db), missionId);
  return readEvents(deps.db, missionId);
}

/** The health view: anomalies, and a count per kind. */
export async function missionHealthView(
  deps: MissionDeps,
): Promise<{ healthy: boolean; anomalies: Anomaly[]; byKind: Record<string, number> }> {
  const [backlog, events] = await Promise.all([readBacklog(deps.db), readEvents(deps.db)]);
  const anomalies = missionHealth(backlog, events);
  const byKind: Record<string, number> = {};
  for (const a of anomalies) byKind[a.kind] = (byKind[a.kind] ?? 0) + 1;
  return { healthy: anomalies.length === 0, anomalies, byKind };
}
