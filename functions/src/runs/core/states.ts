/**
 * The Level 4 run state machine. Pure: every state change in the product goes through `transition`,
 * so an illegal move (approving a running run, evaluating twice) is refused before anything is written.
 */
import { conflict } from '../../shared/errors.js';

export const RUN_STATES = [
  'queued',
  'booting',
  'running',
  'awaiting_human',
  'succeeded',
  'failed',
  'evaluating',
  'approved',
  'rejected',
] as const;
export type RunState = (typeof RUN_STATES)[number];

/** Legal moves. A failure can happen while booting, running or parked at a gate; both ends evaluate. */
export const TRANSITIONS: Readonly<Record<RunState, readonly RunState[]>> = {
  queued: ['booting', 'failed'],
  booting: ['running', 'failed'],
  running: ['awaiting_human', 'succeeded', 'failed'],
  awaiting_human: ['running', 'failed'],
  succeeded: ['evaluating'],
  failed: ['evaluating'],
  evaluating: ['approved', 'rejected'],
  approved: [],
  rejected: [],
};

/** States after which nothing about the run's execution changes. */
export const DECIDED_STATES: readonly RunState[] = ['approved', 'rejected'];
export const EXECUTION_ENDED: readonly RunState[] = [
  'succeeded',
  'failed',
  'evaluating',
  'approved',
  'rejected',
];

export function canTransition(from: RunState, to: RunState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Returns `to`, or throws a conflict naming both states. */
export function transition(from: RunState, to: RunState): RunState {
  if (!canTransition(from, to))
    throw conflict(
      `a run cannot move from ${from} to ${to} (allowed from ${from}: ${TRANSITIONS[from].join(', ') || 'none'})`,
      {
        from,
        to,
      },
    );
  return to;
}

/**
 * The path from `from` to `to` through intermediate states (e.g. booting -> running -> succeeded),
 * shortest first, so a step that skips ahead still records every state it passed through.
 */
export function pathTo(from: RunState, to: RunState): RunState[] {
  if (from === to) return [];
  const prev = new Map<RunState, RunState>();
  const queue: RunState[] = [from];
  while (queue.length) {
    const s = queue.shift()!;
    for (const n of TRANSITIONS[s]) {
      if (prev.has(n) || n === from) continue;
      prev.set(n, s);
      if (n === to) {
        const path: RunState[] = [to];
        let cur = s;
        while (cur !== from) {
          path.unshift(cur);
          cur = prev.get(cur)!;
        }
        return path;
      }
      queue.push(n);
    }
  }
  throw conflict(`a run cannot move from ${from} to ${to}`, { from, to });
}
