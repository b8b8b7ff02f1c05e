/**
 * Who and where a Slack request came from, and its audit record. Every decision, override,
 * refusal and modal submission made through Slack is audited with the Slack team and channel.
 */
import { z } from 'zod';
import { recordAudit } from '../platform/audit.js';
import type { Actor, Clock } from '../shared/ports.js';
import type { Firestore } from '@google-cloud/firestore';

export const slackCtxSchema = z.object({
  teamId: z.string().optional(),
  channelId: z.string().optional(),
  userId: z.string().min(1),
  userName: z.string().optional(),
  responseUrl: z.string().url().optional(),
  /** The message a click came from, so it can be updated in place. */
  messageTs: z.string().optional(),
});

export type SlackCtx = z.infer<typeof slackCtxSchema>;

export const actorOf = (c: SlackCtx): Actor => ({
  kind: 'user',
  id: c.userId,
  ...(c.userName ? { name: c.userName } : {}),
});

export async function auditSlack(
  deps: { db: Firestore; clock: Clock },
  c: SlackCtx,
  e: {
    action: string;
    target: string;
    outcome: 'ok' | 'refused';
    rationale?: string;
    reason?: string;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await recordAudit(
    deps.db,
    {
      actor: actorOf(c),
      action: e.action,
      target: e.target,
      outcome: e.outcome,
      via: 'slack',
      slack: { teamId: c.teamId, channelId: c.channelId },
      ...(e.rationale ? { rationale: e.rationale } : {}),
      ...(e.reason ? { reason: e.reason } : {}),
      ...(e.details ? { details: e.details } : {}),
    },
    deps.clock.now(),
  );
}

/** Reads the Slack context out of a slash-command body. */
export function ctxFromCommand(b: Record<string, unknown>): SlackCtx {
  const s = (k: string) => (typeof b[k] === 'string' && b[k] ? (b[k] as string) : undefined);
  return slackCtxSchema.parse({
    teamId: s('team_id'),
    channelId: s('channel_id'),
    userId: s('user_id'),
    userName: s('user_name'),
    responseUrl: s('response_url'),
  });
}

/** Reads the Slack context out of an interactivity payload (block_actions, view_submission). */
export function ctxFromInteraction(b: Record<string, unknown>): SlackCtx {
  const o = (v: unknown) => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  const user = o(b.user);
  const container = o(b.container);
  return slackCtxSchema.parse({
    teamId: str(o(b.team).id) ?? str(user.team_id),
    channelId: str(o(b.channel).id) ?? str(container.channel_id),
    userId: str(user.id),
    userName: str(user.username) ?? str(user.name),
    responseUrl: str(b.response_url),
    messageTs: str(container.message_ts) ?? str(o(b.message).ts),
  });
}
