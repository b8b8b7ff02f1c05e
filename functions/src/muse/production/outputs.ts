/**
 * The production steps' outputs, as the engine stores them and hands them back to later steps:
 * one zod schema per step, so a step reads what an earlier one wrote as a typed value (and a
 * missing or malformed one is a clear error, not a cast).
 */
import { z } from 'zod';
import type { DriftScore } from '../critic/core/drift.js';
import { motionSpecSchema, narrativeSchema, visualSpecSchema, type Generation } from './core/specs.js';
import { mediaItemSchema, mediaUsageSchema, type MediaItem } from './media.js';

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
  media: z
    .array(
      z.object({
        check: z.enum(['palette', 'shot-count', 'aspect-ratio', 'durations']),
        ok: z.boolean(),
        detail: z.string(),
      }),
    )
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

/** The frames step's output: a frame per shot, stored, and what the image model billed. */
export const framesOutputSchema = z.object({
  media: z.array(mediaItemSchema),
  mediaUsage: mediaUsageSchema,
  aspectRatio: z.string(),
  palette: z.array(z.string()),
});
export type FramesOutput = z.infer<typeof framesOutputSchema>;

/** The clip step's output: the clip (animatic or video), stored, and the seconds billed. */
export const clipOutputSchema = z.object({
  media: z.array(mediaItemSchema),
  mediaUsage: mediaUsageSchema,
  starts: z.number().int().positive(),
});
export type ClipOutput = z.infer<typeof clipOutputSchema>;

export const framesOutput = (outputs: Record<string, unknown>): FramesOutput | undefined =>
  outputs.frames === undefined ? undefined : read(outputs, 'frames', framesOutputSchema);
export const clipOutput = (outputs: Record<string, unknown>): ClipOutput | undefined =>
  outputs.clip === undefined ? undefined : read(outputs, 'clip', clipOutputSchema);

/** Every medium the run stored so far: frames in shot order, then the clip. */
export const mediaOf = (outputs: Record<string, unknown>): MediaItem[] => [
  ...(framesOutput(outputs)?.media ?? []),
  ...(clipOutput(outputs)?.media ?? []),
];
