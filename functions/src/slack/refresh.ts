/**
 * Messages updated in place. Each posted alert is remembered per subject (`<type>~<id>` -> channel
 * -> ts, repo.ts), so a later change to the subject (a level rise, an acknowledgement, an
 * override) rewrites every copy instead of posting a new one.
 */
import { incidentMessage, type IncidentView } from './core/alerts.js';
import type { SlackDeps, SlackRuntime } from './deps.js';
import { updateMessage } from './post.js';
import type { SlackMessage } from './reply.js';
import { addSubjectPost, readSubjectPosts } from './repo.js';

type Subject = { type: string; id: string };

const docId = (ref: Subject) => `${ref.type}~${ref.id}`.replace(/\//g, '_');

export async function postsOf(deps: SlackDeps, ref: Subject): Promise<Record<string, string>> {
  return { ...((await readSubjectPosts(deps.db, docId(ref)))?.posts ?? {}) };
}

/** Remembers a post of a subject; `source` is the outbox entry it rendered (re-rendered once decided). */
export async function rememberPost(
  deps: SlackDeps,
  ref: Subject,
  channel: string,
  ts: string,
  source?: string,
) {
  await addSubjectPost(deps.db, docId(ref), {
    ref,
    channel,
    ts,
    at: deps.clock.now(),
    ...(source ? { source } : {}),
  });
}

/** Every post of a subject and the outbox entry they show. */
export async function subjectPosts(
  deps: SlackDeps,
  ref: Subject,
): Promise<{ posts: Record<string, string>; source?: string }> {
  const d = await readSubjectPosts(deps.db, docId(ref));
  return { posts: { ...(d?.posts ?? {}) }, ...(d?.source ? { source: d.source } : {}) };
}

/** The incident as its Slack message shows it, read from the incidents system. */
export async function incidentView(deps: SlackDeps, incidentId: string, why?: string): Promise<IncidentView> {
  const inc = await deps.reads.incident(incidentId);
  return { ...inc, ...(why ? { why } : {}) };
}

/** Rewrites every known copy of a subject's message (and the one clicked, if given). */
export async function updateEverywhere(
  rt: SlackRuntime,
  ref: Subject,
  m: SlackMessage,
  also?: { channel?: string; ts?: string },
  except?: string,
): Promise<number> {
  const posts = await postsOf(rt.deps, ref);
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
  const view = await incidentView(rt.deps, incidentId);
  return updateEverywhere(
    rt,
    { type: 'incident', id: incidentId },
    incidentMessage(view, rt.deps.config.publicBaseUrl),
    also,
  );
}
