/**
 * Where tests look at the Slack app's state directly: the outbox and `config/slack` by name (the
 * product names them only in notify/outbox-repo.ts and slack/settings.ts), and a way to drop the
 * Slack system's cached user-group members after a test rewrites the roles.
 */
import type { Container } from '../../functions/src/platform/container.js';
import { slackOf } from '../../functions/src/wiring/slack.js';

export const SLACK_OUTBOX = 'slackOutbox';
export const SETTINGS_DOC = { collection: 'config', id: 'slack' } as const;

export function forgetSettings(app: Container): void {
  slackOf(app).forgetRoleCache();
}
