/**
 * The demo workflow: two steps, a fan-out with a join, and a human gate. It shows the engine end to
 * end (README: "Try a demo run") and is what the engine tests and benchmarks drive.
 */
import { z } from 'zod';
import { done, type WorkflowDefinition } from '../engine/workflow.js';
import type { Clock } from '../shared/ports.js';

const demoInput = z.strictObject({ topic: z.string().min(1).max(200).optional() });
export type DemoInput = z.infer<typeof demoInput>;

/** What each step of the demo outputs, by step id. */
export interface DemoOutputs extends Record<string, unknown> {
  fetch: { topic: string };
  draft: { text: string };
  score: { score: number };
  join: { draft: DemoOutputs['draft']; score: DemoOutputs['score'] };
  publish: { published: true; at: string };
  discard: { published: false };
}

export interface DemoDeps {
  /** When publish says it published. */
  clock: Clock;
}

export function demoWorkflow(deps: DemoDeps): WorkflowDefinition<DemoInput, DemoOutputs> {
  const fetched = (o: Partial<DemoOutputs>) => o.fetch?.topic ?? '';
  return {
    name: 'demo',
    autonomous: false,
    input: demoInput,
    graph: () => ({
      start: ['fetch'],
      steps: {
        fetch: { type: 'fetch', next: ['draft', 'score'] },
        draft: { type: 'draft', next: ['join'] },
        score: { type: 'score', next: ['join'] },
        join: { type: 'join', next: ['review'] },
        review: { type: 'review', next: { approve: ['publish'], reject: ['discard'] } },
        publish: { type: 'publish' },
        discard: { type: 'discard' },
      },
    }),
    handlers: {
      fetch: async (ctx) => done({ topic: ctx.input.topic ?? 'hello world' }),
      draft: async (ctx) => done({ text: `A short piece about ${fetched(ctx.outputs)}.` }),
      score: async (ctx) => done({ score: fetched(ctx.outputs).length % 100 }),
      join: async (ctx) => done({ draft: ctx.outputs.draft, score: ctx.outputs.score }),
      review: async (ctx) => ({
        type: 'gate',
        context: { summary: 'Publish this draft?', draft: ctx.outputs.join },
        edges: ['approve', 'reject'],
      }),
      publish: async () => done({ published: true, at: deps.clock.now().toISOString() }),
      discard: async () => done({ published: false }),
    },
  };
}
