/** zod schemas for every boundary of the Level 4 runs: published definitions and API requests. */
import { z } from 'zod';
import { dependenciesSchema } from '../incidents/core/dependencies.js';
import { id as wellFormedId, rationale } from '../shared/validation.js';
import { FAILURE_CATEGORIES } from './core/decision.js';

const id = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$/, 'letters, digits, _ . - (max 64)');
/** Stage ids become Firestore field names: no dots. */
const stageId = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$/, 'letters, digits, _ - (max 64)');
const version = z
  .string()
  .regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,31}$/, 'letters, digits, _ . - (max 32)')
  .refine((v) => v.toLowerCase() !== 'latest', 'versions are pinned: "latest" is not a version');

const retry = z
  .object({
    maxAttempts: z.number().int().min(1).max(10),
    initialBackoffMs: z.number().int().min(0).max(600_000),
    multiplier: z.number().min(1).max(10),
    maxBackoffMs: z.number().int().min(0).max(3_600_000),
  })
  .partial();

const target = { stage: z.string().min(1), path: z.string().min(1).optional() };
export const checkSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('exact'), ...target, equals: z.unknown() }),
  z.object({ kind: z.literal('contains'), ...target, text: z.string().min(1) }),
  z.object({
    kind: z.literal('regex'),
    ...target,
    pattern: z.string().min(1),
    flags: z.string().max(8).optional(),
  }),
  z.object({
    kind: z.literal('jsonPath'),
    stage: z.string().min(1),
    path: z.string().min(1),
    equals: z.unknown().optional(),
    exists: z.boolean().optional(),
  }),
  z.object({
    kind: z.literal('rubric'),
    ...target,
    rubric: z.string().min(1),
    minScore: z.number().min(0).max(1).optional(),
  }),
]);

export const stageSchema = z.object({
  id: stageId,
  kind: z.string().min(1),
  next: z.array(z.string()).optional(),
  options: z.record(z.string().min(1), z.array(z.string())).optional(),
  context: z.string().optional(),
  prompt: z.string().optional(),
  system: z.string().optional(),
  http: z
    .object({
      url: z.string().min(1),
      method: z.enum(['POST', 'PUT', 'GET']).optional(),
      mode: z.enum(['sync', 'callback']),
      timeoutMs: z.number().int().min(100).max(300_000).optional(),
      body: z.unknown().optional(),
    })
    .optional(),
  brief: z.string().optional(),
  retry: retry.optional(),
  dependencies: dependenciesSchema.optional(),
});

export const pipelineSpecSchema = z.object({
  name: id,
  version,
  description: z.string().max(2000).optional(),
  start: z.array(z.string()),
  stages: z.array(stageSchema).min(1, 'a spec needs at least one stage').max(100),
  policyChecks: z.array(z.object({ id, description: z.string().min(1), check: checkSchema })).default([]),
  profiles: z.record(id, z.record(z.string(), z.string())),
  systemic: z
    .object({ threshold: z.number().int().min(1).max(100), windowMs: z.number().int().min(60_000) })
    .optional(),
  dependencies: dependenciesSchema.optional(),
});

export const scenarioSuiteSchema = z.object({
  name: id,
  version,
  pipeline: id,
  repeat: z.number().int().default(1),
  scenarios: z.array(
    z.object({
      id,
      title: z.string().min(1),
      holdout: z.boolean().default(false),
      critical: z.boolean().default(false),
      checks: z.array(checkSchema),
    }),
  ),
});

/** An operator starting a run despite an open incident on one of its dependencies, and why. */
const incidentOverride = z.strictObject({
  rationale: z.string().trim().min(1, 'an override needs a rationale').max(2000),
});

/** `name@version`, pinned: no bare name and no `latest`. */
export const pinSchema = z
  .string()
  .regex(/^[^@\s]+@[^@\s]+$/, 'must be pinned as name@version')
  .refine((v) => (v.split('@')[1] ?? '').toLowerCase() !== 'latest', '"latest" is not a pinned version');

export const createRunSchema = z.object({
  /** Idempotency key: the same request retried returns (and restarts) the same runs. */
  requestId: z
    .string()
    .regex(/^[a-zA-Z0-9_-]{6,64}$/, '6-64 letters, digits, _ -')
    .optional(),
  spec: pinSchema,
  suite: pinSchema,
  profile: z.string().min(1),
  input: z.record(z.string(), z.unknown()).default({}),
  override: incidentOverride.optional(),
});

export const remediateSchema = z.object({
  spec: pinSchema,
  suite: pinSchema.optional(),
  rationale: rationale('a remediation needs a rationale'),
  input: z.record(z.string(), z.unknown()).optional(),
  override: incidentOverride.optional(),
});

export const gateDecisionSchema = z.object({
  stageId: wellFormedId().optional(),
  edge: z.string().min(1),
  rationale: rationale('a gate decision needs a rationale'),
});

export const callbackSchema = z.union([
  z.object({ ok: z.literal(true), output: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.string().min(1),
    /** The agent's HTTP-like status, used to classify the failure (429/5xx retryable). */
    status: z.number().int().min(400).max(599).optional(),
    class: z.enum(['retryable', 'terminal', 'pipeline']).optional(),
  }),
]);

export const classifySchema = z.object({
  target: z.object({ type: z.enum(['scenario', 'stage']), id: wellFormedId() }),
  category: z.enum(FAILURE_CATEGORIES),
  userImpact: z.boolean(),
  resolved: z.boolean().default(false),
  note: z.string().trim().min(1, 'a classification needs a note saying why'),
});

export const decideSchema = z.object({
  decision: z.enum(['approve', 'reject']),
  rationale: rationale('a decision needs a rationale'),
  outcome: z.string().trim().optional(),
});
