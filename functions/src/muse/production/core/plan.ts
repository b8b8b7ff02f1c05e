/**
 * HLP: turns an intent into the task graph of the `muse-production` workflow. Pure data.
 *
 * Free generation:   gate -> narrative -> visual -> motion -> critic -> publish
 * Safe mode:         gate -> template -> critic -> publish
 *
 * With media (a bucket configured), the Visual stage adds `frames` (an image per shot) after its
 * spec, and the Motion stage `clip` (a video, polled under durable `wait`s) after its timing:
 * gate -> narrative -> visual -> frames -> motion -> clip -> critic -> publish, and in safe mode
 * gate -> template -> frames -> clip -> critic -> publish. Motion turned off drops `clip`.
 *
 * The gate branches: `funded` continues, `unfunded` ends the run with no production. The critic
 * branches: `pass` publishes, `reject` goes to `rejected`. `close` is the fail path. `rejected` and
 * `close` run the same handler, so the reservation is settled whatever way the run ends.
 */
import { z } from 'zod';
import type { Graph, RetryPolicy } from '../../../engine/core/graph.js';

export const MUSE_PRODUCTION = 'muse-production';

/** What a production run carries: checked at `POST /v1/runs`, by startRun, and at every step. */
export const productionInputSchema = z.strictObject({
  intentId: z.string().min(1).max(200),
  topic: z.string().max(500),
  mode: z.enum(['free', 'template']),
});

export type ProductionInput = z.infer<typeof productionInputSchema>;
export type ProductionMode = ProductionInput['mode'];

/** Retries for model steps: garbage answers and 429/5xx are retried this many times in all. */
export const MODEL_STEP_RETRY: Partial<RetryPolicy> = {
  maxAttempts: 3,
  initialBackoffMs: 200,
  maxBackoffMs: 5_000,
};

/** Token budget per model step, the basis of the CFO estimate (input, output). */
export const EXPECTED_USAGE = {
  narrative: { inputTokens: 600, outputTokens: 500 },
  visual: { inputTokens: 900, outputTokens: 700 },
  motion: { inputTokens: 800, outputTokens: 500 },
  critic: { inputTokens: 1500, outputTokens: 200 },
} as const;

/** What a run is expected to use, summed over its model steps. Template runs use no model. */
export function expectedUsage(mode: ProductionMode, modelCritic: boolean) {
  if (mode === 'template') return { inputTokens: 0, outputTokens: 0 };
  const steps: Array<{ inputTokens: number; outputTokens: number }> = [
    EXPECTED_USAGE.narrative,
    EXPECTED_USAGE.visual,
    EXPECTED_USAGE.motion,
  ];
  if (modelCritic) steps.push(EXPECTED_USAGE.critic);
  return {
    inputTokens: steps.reduce((n, s) => n + s.inputTokens, 0),
    outputTokens: steps.reduce((n, s) => n + s.outputTokens, 0),
  };
}

/** Which media steps a production runs (none without a media bucket). */
export interface MediaSteps {
  frames: boolean;
  clip: boolean;
}

const NO_MEDIA: MediaSteps = { frames: false, clip: false };

/** Retries for media steps: a 429/5xx from the provider or the store. */
export const MEDIA_STEP_RETRY: Partial<RetryPolicy> = {
  maxAttempts: 4,
  initialBackoffMs: 500,
  maxBackoffMs: 30_000,
};

export function productionGraph(input: Pick<ProductionInput, 'mode'>, media: MediaSteps = NO_MEDIA): Graph {
  const model = { retry: MODEL_STEP_RETRY, params: { maxAttempts: MODEL_STEP_RETRY.maxAttempts } };
  const mediaStep = { retry: MEDIA_STEP_RETRY, params: { maxAttempts: MEDIA_STEP_RETRY.maxAttempts } };
  const kinds: Record<string, object> = {
    narrative: model,
    visual: model,
    motion: model,
    frames: mediaStep,
    clip: mediaStep,
    template: {},
  };
  const clip = media.frames && media.clip;
  const sequence =
    input.mode === 'template'
      ? ['template', ...(media.frames ? ['frames'] : []), ...(clip ? ['clip'] : [])]
      : ['narrative', 'visual', ...(media.frames ? ['frames'] : []), 'motion', ...(clip ? ['clip'] : [])];
  const steps: Graph['steps'] = {
    gate: { type: 'gate', next: { funded: [sequence[0]!], unfunded: [] } },
  };
  sequence.forEach((id, i) => {
    steps[id] = { type: id, next: [sequence[i + 1] ?? 'critic'], ...kinds[id] };
  });
  return {
    start: ['gate'],
    onFail: 'close',
    steps: {
      ...steps,
      critic: { type: 'critic', ...model, next: { pass: ['publish'], reject: ['rejected'] } },
      publish: { type: 'publish' },
      // The engine never reaches the fail-path step by an edge, so rejection has its own step.
      rejected: { type: 'close' },
      close: { type: 'close' },
    },
  };
}

/** Reads the run input the engine hands back, naming what is wrong. */
export function parseProductionInput(input: unknown): ProductionInput {
  const r = productionInputSchema.safeParse(input);
  if (!r.success)
    throw new Error(
      `production input: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}
