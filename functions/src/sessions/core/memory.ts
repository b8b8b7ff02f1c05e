/**
 * SCMS memory levels as data: L0 memories and their reuse, L1 workspace rules, and the L3 promotion
 * policy (a memory reused in at least two distinct sessions is a candidate; a person approves it
 * with its critical rules). Pure.
 */
import { conflict, invalidInput, policyViolation } from '../../shared/errors.js';
import type { Actor } from '../../shared/ports.js';

export const PROMOTION_THRESHOLD = 2;

export interface Memory {
  id: string;
  kind: 'success' | 'surprise';
  title: string;
  text: string;
  tags: string[];
  status: 'active' | 'promoted';
  /** The session it was captured in, if any. */
  sessionId: string | null;
  /** Estimated tokens to solve the problem again without this memory. */
  baselineTokens: number;
  /** Tokens spent capturing it (the investment side of ROI). */
  captureTokens: number;
  /** Distinct sessions that reused it. */
  reuseCount: number;
  promotedRuleId: string | null;
  createdAt: Date;
  actor: Actor;
}

/** One reuse of a memory in one session (there is at most one per pair). */
export interface Reuse {
  memoryId: string;
  sessionId: string;
  tokensUsed: number;
  tokensSaved: number;
  at: Date;
}

export interface WorkspaceRule {
  id: string;
  title: string;
  text: string;
  criticalRules: string[];
  source: 'promotion' | 'manual';
  memoryId: string | null;
  approvedBy: Actor;
  rationale: string | null;
  sessionId: string | null;
  createdAt: Date;
}

/** Tokens one reuse saved: the baseline minus what applying the memory cost, never negative. */
export const tokensSaved = (baselineTokens: number, tokensUsed: number) =>
  Math.max(0, baselineTokens - tokensUsed);

export const isCandidate = (m: Memory) => m.status === 'active' && m.reuseCount >= PROMOTION_THRESHOLD;

/** Promotion candidates, most reused first. */
export function promotionCandidates(memories: readonly Memory[]): Memory[] {
  return memories.filter(isCandidate).sort((a, b) => b.reuseCount - a.reuseCount || (a.id < b.id ? -1 : 1));
}

/** Checks an approval and builds the L1 rule it creates. */
export function promote(
  m: Memory,
  input: {
    ruleId: string;
    criticalRules: string[];
    rationale?: string;
    actor: Actor;
    sessionId: string | null;
  },
  now: Date,
): WorkspaceRule {
  if (m.status === 'promoted')
    throw conflict(`memory ${m.id} is already promoted to rule ${m.promotedRuleId}`);
  if (m.reuseCount < PROMOTION_THRESHOLD) {
    throw policyViolation(
      `memory ${m.id} was reused in ${m.reuseCount} session(s); promotion needs reuse in at least ${PROMOTION_THRESHOLD} distinct sessions`,
    );
  }
  const criticalRules = input.criticalRules.map((r) => r.trim()).filter(Boolean);
  if (!criticalRules.length) throw invalidInput('a promotion needs at least one verified critical rule');
  return {
    id: input.ruleId,
    title: m.title,
    text: m.text,
    criticalRules,
    source: 'promotion',
    memoryId: m.id,
    approvedBy: input.actor,
    rationale: input.rationale ?? null,
    sessionId: input.sessionId,
    createdAt: now,
  };
}
