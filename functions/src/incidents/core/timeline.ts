/**
 * The incident timeline phases of the manual's emergency procedure, each with its window measured
 * from the opening: assess 0-5 min, contain 5-15, recover 15-60, post-incident 1-24 h. A phase
 * overruns when it ends (or, still running, is) past its window's end. Pure.
 */
export const PHASES = ['assess', 'contain', 'recover', 'postIncident'] as const;
export type Phase = (typeof PHASES)[number];

/** Window end of each phase, in minutes after the opening. */
export const PHASE_WINDOW_END_MIN: Record<Phase, number> = {
  assess: 5,
  contain: 15,
  recover: 60,
  postIncident: 24 * 60,
};

export interface PhaseView {
  phase: Phase;
  startedAt?: Date;
  endedAt?: Date;
  /** When the phase should have ended, by the manual. */
  dueBy: Date;
  state: 'pending' | 'running' | 'done';
  overrun: boolean;
  /** How far past its window, in minutes (0 when on time). */
  overrunMinutes: number;
}

/**
 * The phase view. `phases` holds the start of each phase reached; a phase ends when the next one
 * starts, and post-incident ends when the review closes the incident (`closed`).
 */
export function timelineView(
  openedAt: Date,
  phases: Partial<Record<Phase | 'closed', Date>>,
  now: Date,
): PhaseView[] {
  return PHASES.map((phase, i) => {
    const startedAt = phases[phase];
    const later = [...PHASES.slice(i + 1), 'closed' as const].map((p) => phases[p]).find(Boolean);
    const endedAt = startedAt ? later : undefined;
    const dueBy = new Date(openedAt.getTime() + PHASE_WINDOW_END_MIN[phase] * 60_000);
    const state = !startedAt ? (later ? 'done' : 'pending') : endedAt ? 'done' : 'running';
    // A phase skipped over (never started, a later one did) still counts as ended at that time.
    const effectiveEnd = endedAt ?? (!startedAt && later ? later : undefined);
    const measured = effectiveEnd ?? (state === 'running' ? now : undefined);
    const overrunMs = measured ? Math.max(0, measured.getTime() - dueBy.getTime()) : 0;
    const pendingLate = state === 'pending' && now.getTime() > dueBy.getTime();
    return {
      phase,
      startedAt,
      endedAt: effectiveEnd,
      dueBy,
      state,
      overrun: overrunMs > 0 || pendingLate,
      overrunMinutes: Math.round((overrunMs || (pendingLate ? now.getTime() - dueBy.getTime() : 0)) / 60_000),
    };
  });
}

/** The phase that follows an incident action: ack starts containment, resolve starts post-incident. */
export function phaseForAction(action: 'acknowledge' | 'contain' | 'recover' | 'resolve'): Phase {
  if (action === 'acknowledge' || action === 'contain') return 'contain';
  if (action === 'recover') return 'recover';
  return 'postIncident';
}

/**
 * The phases to alert now: overdue (running or not started past their window) and not alerted yet.
 * Phases that ended late are left to the post-incident review: a sweep sees them while they run late.
 */
export function phasesToAlert(
  openedAt: Date,
  phases: Partial<Record<Phase | 'closed', Date>>,
  alerted: Partial<Record<Phase, Date>> | undefined,
  now: Date,
): PhaseView[] {
  return timelineView(openedAt, phases, now).filter(
    (v) => v.overrun && v.state !== 'done' && !alerted?.[v.phase],
  );
}
