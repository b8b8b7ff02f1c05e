/**
 * The production steps' outputs, as the engine stores them and hands them back to later steps:
 * one zod schema per step, so a step reads what an earlier one wrote as a typed value (and a
 * missing or malformed one is a clear error, not a cast).
 */
import { z } from 'zod';
import type { DriftScore } from '../critic/core/drift.js';
import { motionSpecSchema, narrativeSchema, visualSpecSchema, type Generation } from './core/specs.js';

export const usageSchema = z.object({
  model: z.string(),
  inputTokens: z.number(),
  outputTokens: z.number(),
});

export const gateOutputSchema = z.object({
  reserved: z.boolean(),
  key: z.string().optional(),
  amount: z.number().optional(),
  model: z.string().optional(),
  reason: z.string().optional(),
});
export type GateOutput = z.infer<typeof gateOutputSchema>;

const driftScoreSchema = z.custom<DriftScore>(
  (v) => typeof v === 'object' && v !== null && typeof (v as { drift?: unknown }).drift === 'number',
);

export const verdictSchema = z.object({
  drift: z.number(),
  pass: z.boolean(),
  threshold: z.number(),
  critic: z.enum(['local', 'model']),
  notes: z.string(),
  local: driftScoreSchema,
  model: z
    .object({ name: z.string(), drift: z.number(), notes: z.string(), violations: z.array(z.string()) })
    .optional(),
});

export const criticOutputSchema = z.object({
  value: verdictSchema,
  usage: usageSchema.optional(),
  bibleVersion: z.number(),
});
export type CriticOutput = z.infer<typeof criticOutputSchema>;

const generationSchema = z.object({
  narrative: narrativeSchema,
  visual: visualSpecSchema,
  motion: motionSpecSchema,
});

const valueOf = <S extends z.ZodType>(schema: S) => z.object({ value: schema });

/** A completed step's output, parsed; throws naming the step when it is missing or malformed. */
function read<S extends z.ZodType>(outputs: Record<string, unknown>, stepId: string, schema: S): z.infer<S> {
  const r = schema.safeParse(outputs[stepId]);
  if (!r.success) throw new Error(`step "${stepId}" has no usable output yet`);
  return r.data;
}

/** The gate's output; a run that never passed its gate reserved nothing. */
export const gateOutput = (outputs: Record<string, unknown>): GateOutput =>
  outputs.gate === undefined ? { reserved: false } : read(outputs, 'gate', gateOutputSchema);

/** The critic's output, when the critic ran. */
export const criticOutput = (outputs: Record<string, unknown>): CriticOutput | undefined =>
  outputs.critic === undefined ? undefined : read(outputs, 'critic', criticOutputSchema);

export const narrativeOutput = (outputs: Record<string, unknown>) =>
  read(outputs, 'narrative', valueOf(narrativeSchema)).value;
export const visualOutput = (outputs: Record<string, unknown>) =>
  read(outputs, 'visual', valueOf(visualSpecSchema)).value;

/** The whole generation of a run, from whichever steps produced it. */
export function generationOf(outputs: Record<string, unknown>, mode: 'free' | 'template'): Generation {
  if (mode === 'template') return read(outputs, 'template', valueOf(generationSchema)).value;
  return {
    narrative: narrativeOutput(outputs),
    visual: visualOutput(outputs),
    motion: read(outputs, 'motion', valueOf(motionSpecSchema)).value,
  };
}
