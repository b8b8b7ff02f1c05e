/**
 * The body of `PUT /v1/settings/slack` (channels and roles), validated strictly: Slack id shapes,
 * channel keys free-form but non-empty, every role present. The Slack system writes it, with an
 * audit record in the same transaction (slack/settings.ts).
 */
import { z } from 'zod';
import { ROLES } from '../slack/core/settings.js';

const channelKey = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'a channel key is lower-case letters, digits and -');
const channelId = z.string().regex(/^[CGD][A-Z0-9]{2,30}$/, 'a Slack channel id looks like C0123ABCD');
const members = z
  .object({
    users: z.array(z.string().regex(/^[UW][A-Z0-9]{2,30}$/, 'a Slack user id looks like U0123ABCD')).max(500),
    groups: z
      .array(z.string().regex(/^S[A-Z0-9]{2,30}$/, 'a Slack user group id looks like S0123ABCD'))
      .max(100),
  })
  .strict();

/** The body of `PUT /v1/settings/slack`: the whole document, every role present. */
export const slackSettingsInput = z
  .object({
    channels: z
      .record(channelKey, channelId)
      .refine((c) => Object.keys(c).length <= 50, 'at most 50 channels'),
    roles: z
      .object(
        Object.fromEntries(ROLES.map((r) => [r, members])) as Record<(typeof ROLES)[number], typeof members>,
      )
      .strict(),
    rationale: z.string().trim().min(3, 'say why the settings change').max(2000),
  })
  .strict();
