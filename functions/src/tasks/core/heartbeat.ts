/**
 * Heartbeat policy: a task expected to run longer than the must-beat threshold (2 h) must beat;
 * a running must-beat task with no beat within the stale window (15 min) is stale. Both
 * thresholds are configurable. Pure.
 */
import { z } from 'zod';

export const heartbeatPolicySchema = z.object({
  mustBeatAboveMinutes: z
    .number()
    .int()
    .positive()
    .max(7 * 24 * 60),
  staleAfterMinutes: z
    .number()
    .int()
    .positive()
    .max(24 * 60),
});
export type HeartbeatPolicy = z.infer<typeof heartbeatPolicySchema>;

export const DEFAULT_HEARTBEAT_POLICY: HeartbeatPolicy = { mustBeatAboveMinutes: 120, staleAfterMinutes: 15 };

export function mustBeat(estimateMinutes: number, policy: HeartbeatPolicy): boolean {
  return estimateMinutes > policy.mustBeatAboveMinutes;
}

export interface BeatState {
  status: string;
  mustBeat: boolean;
  startedAt?: Date;
  lastBeatAt?: Date;
  stale?: { since: Date };
}

/**
 * Whether the sweep should flag this task stale now. The clock starts at the last beat, or at the
 * start when it never beat. Already-flagged tasks are not flagged again (a duplicate sweep is a
 * no-op).
 */
export function staleVerdict(
  t: BeatState,
  policy: HeartbeatPolicy,
  now: Date,
): { stale: false } | { stale: true; since: Date; silentMinutes: number } {
  if (t.status !== 'in_progress' || !t.mustBeat || t.stale) return { stale: false };
  const since = t.lastBeatAt ?? t.startedAt;
  if (!since) return { stale: false };
  const silentMs = now.getTime() - since.getTime();
  if (silentMs < policy.staleAfterMinutes * 60_000) return { stale: false };
  return { stale: true, since, silentMinutes: Math.floor(silentMs / 60_000) };
}
