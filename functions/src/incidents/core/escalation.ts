/**
 * Escalation level policy. An unacknowledged incident rises one level each time the deadline of
 * its current level passes; deadlines are per severity, configurable, in minutes spent at a level.
 * Pure: time comes in as a parameter.
 */
import { z } from 'zod';
import { SEVERITIES, type Level, type Severity } from './incident.js';

const minutes = z
  .number()
  .positive()
  .max(7 * 24 * 60);
const steps = z.tuple([minutes, minutes, minutes]);

/** Minutes at level 1, 2 and 3 before rising to 2, 3 and 4. */
export const escalationPolicySchema = z.object({
  deadlinesMinutes: z.object({ sev1: steps, sev2: steps, sev3: steps, sev4: steps }).strict(),
});
export type EscalationPolicy = z.infer<typeof escalationPolicySchema>;

export const DEFAULT_ESCALATION_POLICY: EscalationPolicy = {
  deadlinesMinutes: {
    sev1: [5, 10, 15],
    sev2: [15, 30, 60],
    sev3: [30, 60, 240],
    sev4: [60, 240, 1440],
  },
};

export interface EscalationState {
  severity: Severity;
  status: 'open' | 'acknowledged' | 'resolved';
  level: Level;
  /** When the incident reached its current level. */
  levelSince: Date;
}

/** When the incident's current level runs out, or undefined when it will not rise any more. */
export function nextRiseAt(s: EscalationState, policy: EscalationPolicy): Date | undefined {
  if (s.status !== 'open' || s.level >= 4) return undefined;
  const mins = policy.deadlinesMinutes[s.severity][s.level - 1]!;
  return new Date(s.levelSince.getTime() + mins * 60_000);
}

/**
 * What the timer should do now: rise to the next level, wait until the deadline, or stop
 * (acknowledged, resolved, or already at level 4).
 */
export function escalationDecision(
  s: EscalationState,
  policy: EscalationPolicy,
  now: Date,
): { action: 'rise'; to: Level } | { action: 'wait'; until: Date } | { action: 'stop'; reason: string } {
  if (s.status === 'resolved') return { action: 'stop', reason: 'resolved' };
  if (s.status === 'acknowledged') return { action: 'stop', reason: 'acknowledged' };
  const due = nextRiseAt(s, policy);
  if (!due) return { action: 'stop', reason: 'at level 4' };
  if (now.getTime() >= due.getTime()) return { action: 'rise', to: (s.level + 1) as Level };
  return { action: 'wait', until: due };
}

export function isSeverity(v: unknown): v is Severity {
  return typeof v === 'string' && (SEVERITIES as readonly string[]).includes(v);
}
