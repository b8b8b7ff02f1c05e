/**
 * `config/slack` (channels and roles) as an admin changes it through the API: validated strictly
 * (Slack id shapes, known channel keys are free-form but non-empty), written with an audit record in
 * the same transaction, and read again on the next request (settings-store.ts does not cache it).
 */
import { z } from 'zod';
import type { Container } from '../platform/container.js';
import { auditInTransaction } from '../platform/audit.js';
import { invalidInput } from '../shared/errors.js';
import type { Actor } from '../shared/ports.js';
import { ROLES, slackSettingsSchema, type SlackSettings } from '../slack/core/settings.js';
import { SETTINGS_DOC, forgetSettings } from '../slack/settings-store.js';

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

export async function readSlackSettings(
  app: Container,
): Promise<SlackSettings & { updatedAt?: string; updatedBy?: string }> {
  const snap = await app.db.collection(SETTINGS_DOC.collection).doc(SETTINGS_DOC.id).get();
  const data = snap.data() ?? {};
  const parsed = slackSettingsSchema.safeParse(data);
  if (!parsed.success)
    throw invalidInput(
      `config/slack is invalid; PUT a corrected document: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const at = data.updatedAt as { toDate?: () => Date } | undefined;
  return {
    ...parsed.data,
    ...(at?.toDate ? { updatedAt: at.toDate().toISOString() } : {}),
    ...(typeof data.updatedBy === 'string' ? { updatedBy: data.updatedBy } : {}),
  };
}

export async function writeSlackSettings(
  app: Container,
  input: z.infer<typeof slackSettingsInput>,
  actor: Actor,
): Promise<SlackSettings> {
  const { db, clock } = app;
  const now = clock.now();
  const ref = db.collection(SETTINGS_DOC.collection).doc(SETTINGS_DOC.id);
  const value: SlackSettings = { channels: input.channels, roles: input.roles };
  await db.runTransaction(async (tx) => {
    const before = (await tx.get(ref)).data();
    tx.set(ref, { ...value, updatedAt: now, updatedBy: actor.id });
    auditInTransaction(
      db,
      tx,
      {
        actor,
        action: 'settings.slack.update',
        target: `${SETTINGS_DOC.collection}/${SETTINGS_DOC.id}`,
        outcome: 'ok',
        rationale: input.rationale,
        via: 'api',
        details: { before: { channels: before?.channels ?? {}, roles: before?.roles ?? {} }, after: value },
      },
      now,
    );
  });
  forgetSettings(app);
  return value;
}
