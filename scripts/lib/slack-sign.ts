/**
 * Slack's request signing (v0): `v0=` + HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the app's
 * signing secret. Used by the local CLI, the benchmark and tests to send requests Slack would send.
 */
import { createHmac } from 'node:crypto';

export function signSlackRequest(
  body: string,
  secret: string,
  timestampSeconds: number,
): Record<string, string> {
  const sig = createHmac('sha256', secret).update(`v0:${timestampSeconds}:${body}`).digest('hex');
  return { 'x-slack-signature': `v0=${sig}`, 'x-slack-request-timestamp': String(timestampSeconds) };
}

/** A slash command body as Slack sends it (form-encoded). */
export function slashCommandBody(p: {
  text: string;
  userId: string;
  userName?: string;
  teamId?: string;
  channelId?: string;
  responseUrl: string;
  triggerId: string;
}): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: p.teamId ?? 'T0LOCAL',
    team_domain: 'local',
    channel_id: p.channelId ?? 'C0LOCAL',
    channel_name: 'local',
    user_id: p.userId,
    user_name: p.userName ?? p.userId.toLowerCase(),
    command: '/muse',
    text: p.text,
    api_app_id: 'A0LOCAL',
    response_url: p.responseUrl,
    trigger_id: p.triggerId,
  }).toString();
}

/** An interactivity payload (block_actions, view_submission) as Slack sends it. */
export const interactionBody = (payload: unknown): string =>
  new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
