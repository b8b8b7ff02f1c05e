/**
 * Messages updated in place. Each posted alert is remembered per subject (`slackMessages`,
 * `<type>~<id>` -> channel -> ts), so a later change to the subject (a level rise, an
 * acknowledgement, an override) rewrites every copy instead of posting a new one.
 */
import { getIncident } from '../incidents/store.js';
import type { Container } from '../platform/container.js';
import { incidentMessage, type IncidentView } from './core/alerts.js';
import { updateMessage, type SlackMessage } from './post.js';
import type { SlackRuntime } from './runtime.js';

export const SLACK_MESSAGES = 'slackMessages';

const docId = (ref: { type: string; id: string }) => `${ref.type}~${ref.id}`.replace(/\//g, '_');

export async function postsOf(
  app: Container,
  ref: { type: string; id: string },
): Promise<Record<string, string>> {
  const snap = await app.db.collection(SLACK_MESSAGES).doc(docId(ref)).get();
  return (snap.get('posts') as Record<string, string> | undefined) ?? {};
}

/** Remembers a post of a subject; `source` is the outbox entry it rendered (re-rendered once decided). */
export async function rememberPost(
  app: Container,
  ref: { type: string; id: string },
  channel: string,
  ts: string,
  source?: string,
) {
  await app.db
    .collection(SLACK_MESSAGES)
    .doc(docId(ref))
    .set(
      { ref, posts: { [channel]: ts }, updatedAt: app.clock.now(), ...(source ? { source } : {}) },
      { merge: true },
    );
}

/** Every post of a subject and the outbox entry they show. */
export async function subjectPosts(
  app: Container,
  ref: { type: string; id: string },
): Promise<{ posts: Record<string, string>; source?: string }> {
  const snap = await app.db.collection(SLACK_MESSAGES).doc(docId(ref)).get();
  const source = snap.get('source') as string | undefined;
  return {
    posts: (snap.get('posts') as Record<string, string> | undefined) ?? {},
    ...(source ? { source } : {}),
  };
}

/** The incident as its Slack message shows it, read from the incidents system. */
export async function incidentView(app: Container, incidentId: string, why?: string): Promise<IncidentView> {
  const inc = await getIncident(app, incidentId);
  return {
    id: inc.id,
    severity: inc.severity,
    summary: inc.summary,
    level: inc.level,
    status: inc.status,
    ...(inc.acknowledgedBy?.kind === 'user' ? { acknowledgedBy: inc.acknowledgedBy.id } : {}),
    ...(inc.resolution ? { resolution: inc.resolution } : {}),
    ...(why ? { why } : {}),
  };
}

/** Rewrites every known copy of a subject's message (and the one clicked, if given). */
export async function updateEverywhere(
  rt: SlackRuntime,
  ref: { type: string; id: string },
  m: SlackMessage,
  also?: { channel?: string; ts?: string },
  except?: string,
): Promise<number> {
  const posts = await postsOf(rt.app, ref);
  if (also?.channel && also.ts) posts[also.channel] ??= also.ts;
  let n = 0;
  for (const [channel, ts] of Object.entries(posts)) {
    if (channel === except) continue;
    await updateMessage(rt, channel, ts, m);
    n++;
  }
  return n;
}

export async function refreshIncident(
  rt: SlackRuntime,
  incidentId: string,
  also?: { channel?: string; ts?: string },
) {
  const view = await incidentView(rt.app, incidentId);
  return updateEverywhere(
    rt,
    { type: 'incident', id: incidentId },
    incidentMessage(view, rt.app.config.publicBaseUrl),
    also,
  );
}
