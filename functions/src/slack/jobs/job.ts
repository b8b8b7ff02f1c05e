/**
 * The `slack-work` job: what a listener hands off the ack path (a subcommand, an acknowledgement, a
 * message to rewrite, an App Home to publish), validated again by the worker when it arrives.
 */
import { z } from 'zod';
import type { Bus } from '../../platform/bus.js';
import { slackCtxSchema } from '../context.js';

export const SLACK_WORK_TOPIC = 'slack-work';

export const jobSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('command'), key: z.string().min(1), text: z.string(), ctx: slackCtxSchema }),
  z.object({
    kind: z.literal('incident.ack'),
    key: z.string().min(1),
    incidentId: z.string().min(1),
    ctx: slackCtxSchema,
  }),
  z.object({
    kind: z.literal('refresh.incident'),
    key: z.string().min(1),
    incidentId: z.string().min(1),
    ctx: slackCtxSchema,
  }),
  /** Publishes the App Home of the person who opened it. */
  z.object({ kind: z.literal('home'), key: z.string().min(1), ctx: slackCtxSchema }),
  /** Rewrites the message a button was clicked on (through its response_url, else chat.update). */
  z.object({
    kind: z.literal('replace'),
    key: z.string().min(1),
    ctx: slackCtxSchema,
    message: z.object({ text: z.string(), blocks: z.array(z.looseObject({ type: z.string() })).optional() }),
  }),
]);

export type SlackJob = z.infer<typeof jobSchema>;

export async function publishJob(bus: Pick<Bus, 'publish'>, job: SlackJob): Promise<void> {
  await bus.publish(SLACK_WORK_TOPIC, job);
}
