/**
 * The demo workflow: two steps, a fan-out with a join, and a human gate. It shows the engine end to
 * end (README: "Try a demo run") and is what the engine tests and benchmarks drive.
 */
import { z } from 'zod';
import { done, type WorkflowDefinition } from '../engine/workflow.js';

export const demoWorkflow: WorkflowDefinition = {
  name: 'demo',
  autonomous: false,
  input: z.strictObject({ topic: z.string().min(1).max(200).optional() }),
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
    fetch: async (ctx) => done({ topic: String(ctx.input.topic ?? 'hello world') }),
    draft: async (ctx) =>
      done({ text: `A short piece about ${(ctx.outputs.fetch as { topic: string }).topic}.` }),
    score: async (ctx) => done({ score: (ctx.outputs.fetch as { topic: string }).topic.length % 100 }),
    join: async (ctx) => done({ draft: ctx.outputs.draft, score: ctx.outputs.score }),
    review: async (ctx) => ({
      type: 'gate',
      context: { summary: 'Publish this draft?', draft: ctx.outputs.join },
      edges: ['approve', 'reject'],
    }),
    publish: async (ctx) => done({ published: true, at: ctx.now.toISOString() }),
    discard: async () => done({ published: false }),
  },
};
