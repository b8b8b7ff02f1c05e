/**
 * The critic's verdict, whichever critic produced it, and the model critic's answer format.
 * The model critic answers through a response schema; its drift is combined with the local measure
 * by taking the larger, so a model can make the critic stricter but never excuse a banned term or
 * a shout the deterministic rules see. Pure.
 */
import { z } from 'zod';
import { describeViolations, type DriftScore } from './drift.js';
import type { MediaCheck } from './media-checks.js';

export interface Verdict {
  drift: number;
  pass: boolean;
  threshold: number;
  critic: 'local' | 'model';
  notes: string;
  /** The local measure, always computed. */
  local: DriftScore;
  /** The model's own drift and notes, when a model critic ran. */
  model?: { name: string; drift: number; notes: string; violations: string[] };
  /** What the critic computed about the pictures (palette, shot count, aspect ratio, durations). */
  media?: MediaCheck[];
}

export const CRITIC_RESPONSE_SCHEMA = {
  type: 'object',
  properties: {
    drift: { type: 'number', description: 'share of the piece that strays from the Bible, 0 to 1' },
    violations: { type: 'array', items: { type: 'string' } },
    notes: { type: 'string' },
  },
  required: ['drift', 'violations', 'notes'],
} as const;

export const criticAnswerSchema = z.object({
  drift: z.number().min(0).max(1),
  violations: z.array(z.string().max(500)).max(100),
  notes: z.string().max(4000),
});

export type CriticAnswer = z.infer<typeof criticAnswerSchema>;

export function localVerdict(local: DriftScore, threshold: number): Verdict {
  return {
    drift: local.drift,
    pass: local.drift < threshold,
    threshold,
    critic: 'local',
    notes: describeViolations(local.violations),
    local,
  };
}

export function modelVerdict(
  local: DriftScore,
  answer: CriticAnswer,
  modelName: string,
  threshold: number,
): Verdict {
  const drift = Math.max(local.drift, answer.drift);
  const notes = [
    answer.notes.trim(),
    local.violations.length ? `rules: ${describeViolations(local.violations)}` : '',
  ]
    .filter(Boolean)
    .join(' | ');
  return {
    drift,
    pass: drift < threshold,
    threshold,
    critic: 'model',
    notes: notes || 'on voice',
    local,
    model: { name: modelName, drift: answer.drift, notes: answer.notes, violations: answer.violations },
  };
}
