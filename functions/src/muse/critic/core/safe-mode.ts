/**
 * Identity collapse and safe mode. Each critic verdict moves a durable counter of consecutive
 * rejections: a pass resets it, a rejection adds one, and reaching the limit (5 by default) enters
 * safe mode. Safe mode holds until an operator exits it with a rationale; passes inside safe mode
 * reset the counter but do not leave it. Pure.
 */
import type { Actor } from '../../../shared/ports.js';
import { conflict, invalidInput } from '../../../shared/errors.js';

export const DEFAULT_REJECTION_LIMIT = 5;

export interface SafeModeState {
  active: boolean;
  consecutiveRejections: number;
  /** When safe mode was entered (while active). */
  since?: Date;
  /** The last exit: who and why. */
  exitedBy?: Actor;
  exitedAt?: Date;
  exitRationale?: string;
}

export const INITIAL_SAFE_MODE: SafeModeState = { active: false, consecutiveRejections: 0 };

export function applyVerdict(
  state: SafeModeState,
  pass: boolean,
  limit: number,
  at: Date,
): { next: SafeModeState; entered: boolean } {
  if (pass) return { next: { ...state, consecutiveRejections: 0 }, entered: false };
  const consecutiveRejections = state.consecutiveRejections + 1;
  if (!state.active && consecutiveRejections >= limit)
    return { next: { ...state, active: true, consecutiveRejections, since: at }, entered: true };
  return { next: { ...state, consecutiveRejections }, entered: false };
}

/** Leaving safe mode: refused without a rationale, or when the muse is not in safe mode. */
export function exitSafeModeState(
  state: SafeModeState,
  actor: Actor,
  rationale: string,
  at: Date,
): SafeModeState {
  const why = rationale.trim();
  if (!why) throw invalidInput('exiting safe mode requires a rationale');
  if (!state.active) throw conflict('the muse is not in safe mode');
  return {
    active: false,
    consecutiveRejections: 0,
    exitedBy: actor,
    exitedAt: at,
    exitRationale: why,
  };
}
