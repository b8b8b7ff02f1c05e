/**
 * Events API: `app_home_opened` (the Home tab) publishes the person's view through a `slack-work`
 * job, off the ack path; Bolt acknowledges events itself. Keyed by the event's time, so Slack's
 * retries of one opening publish once.
 */
import type { BoltRuntime } from '../deps.js';
import { publishJob } from '../jobs/job.js';

export function registerEvents(rt: BoltRuntime): void {
  rt.bolt.event('app_home_opened', async ({ event, body }) => {
    if (event.tab !== 'home') return;
    const teamId = (body as { team_id?: string }).team_id;
    await publishJob(rt.deps.bus, {
      kind: 'home',
      key: `home:${event.user}:${event.event_ts}`,
      ctx: { userId: event.user, ...(teamId ? { teamId } : {}) },
    });
  });
}
