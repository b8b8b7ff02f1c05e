/**
 * What a Level 4 pipeline run's engine run carries: its id, the pinned spec (the graph and the
 * stages are built from it) and never the suite, so no stage can see the holdouts. Parsed by the
 * engine at `POST /v1/runs` and by every step of the `pipeline` workflow, so no step reads it untyped.
 */
import { z } from 'zod';
import type { PipelineSpec } from './core/spec.js';
import { pipelineSpecSchema } from './schemas.js';

export const pipelineInputSchema = z.strictObject({
  pipelineRunId: z.string().min(1).max(200),
  spec: pipelineSpecSchema.loose(),
  profile: z.string().min(1).max(200),
  params: z.record(z.string(), z.unknown()).optional(),
});

export type PipelineInput = {
  pipelineRunId: string;
  spec: PipelineSpec;
  profile: string;
  params?: Record<string, unknown>;
};

/** The step's view of its run's input (the engine checked it at the start; this types it). */
export const pipelineInputOf = (raw: unknown): PipelineInput => pipelineInputSchema.parse(raw);
