/**
 * The App Home tab. Opening it (`app_home_opened`) remembers the viewer (`slackHomes/{userId}`) and
 * publishes their view (`views.publish`); when decisions are pushed or made, the outbox delivery
 * re-publishes it for everyone who opened it in the last week, so it is current when they look.
 */
import type { webApi } from '@slack/bolt';
import { INCIDENTS } from '../incidents/open-incident.js';
import { museOf } from '../wiring/muse.js';
import { listPipelineRuns } from '../runs/read.js';
import { REPORTS } from '../runs/store.js';
import { AppError } from '../shared/errors.js';
import { homeView, type HomeView } from './core/home.js';
import { ROLES, type Role } from './core/settings.js';
import { openGates } from './jobs/reads.js';
import type { SlackRuntime } from './runtime.js';
import { userHasRole } from './settings-store.js';

export const SLACK_HOMES = 'slackHomes';
const RECENT_MS = 7 * 24 * 3600_000;

async function openIncidents(rt: SlackRuntime): Promise<HomeView['incidents']> {
  const snap = await rt.app.db
    .collection(INCIDENTS)
    .where('status', 'in', ['open', 'acknowledged'])
    .limit(25)
    .get();
  return snap.docs.map((d) => ({
    id: d.id,
    severity: String(d.get('severity')),
    level: Number(d.get('level')),
    status: String(d.get('status')),
    summary: String(d.get('summary')),
  }));
}

async function runsAwaitingDecision(rt: SlackRuntime): Promise<HomeView['runs']> {
  const runs = (await listPipelineRuns(rt.app.db, { state: 'evaluating', limit: 10 })).filter(
    (r) => !r.decision,
  );
  return Promise.all(
    runs.map(async (r) => {
      const report = await rt.app.db.collection(REPORTS).doc(r.id).get();
      const scenarios = (report.get('scenarios') as Array<{ pass?: boolean }> | undefined) ?? [];
      return { id: r.id, spec: r.spec, failedScenarios: scenarios.filter((s) => s.pass === false).length };
    }),
  );
}

/** Builds and publishes one person's App Home. */
export async function publishHome(rt: SlackRuntime, userId: string): Promise<void> {
  const { app } = rt;
  const [roles, gates, runs, status, incidents, wallet] = await Promise.all([
    Promise.all(ROLES.map(async (r) => ((await userHasRole(app, rt.web, r, userId)) ? r : undefined))),
    openGates(app),
    runsAwaitingDecision(rt),
    museOf(app).status.get(),
    openIncidents(rt),
    museOf(app)
      .wallet.get()
      .catch(() => undefined),
  ]);
  const s = status as {
    loop?: { state?: string };
    breaker?: { tripped?: boolean; reason?: string };
    safeMode?: { active?: boolean };
  };
  const view = homeView(
    {
      userId,
      roles: roles.filter((r): r is Role => !!r),
      gates,
      runs,
      breaker: {
        tripped: s.breaker?.tripped === true,
        ...(s.breaker?.reason ? { reason: s.breaker.reason } : {}),
      },
      safeMode: { active: s.safeMode?.active === true },
      incidents,
      muse: {
        loop: s.loop?.state ?? 'running',
        ...(wallet ? { available: `${wallet.available.toFixed(2)} ${wallet.currency}` } : {}),
      },
      updatedAt: app.clock.now(),
    },
    app.config.publicBaseUrl,
  );
  try {
    await rt.web.views.publish({ user_id: userId, view } as unknown as webApi.ViewsPublishArguments);
  } catch (err) {
    throw new AppError('unavailable', `Slack refused views.publish: ${(err as Error).message}`);
  }
}

/** Someone opened the Home tab: remember them, so later changes refresh their view. */
export async function homeOpened(rt: SlackRuntime, userId: string): Promise<void> {
  await rt.app.db.collection(SLACK_HOMES).doc(userId).set({ userId, openedAt: rt.app.clock.now() });
  await publishHome(rt, userId);
}

/** Re-publishes the Home of everyone who opened it recently. */
export async function refreshHomes(rt: SlackRuntime): Promise<number> {
  const since = new Date(rt.app.clock.now().getTime() - RECENT_MS);
  const snap = await rt.app.db.collection(SLACK_HOMES).where('openedAt', '>=', since).limit(50).get();
  await Promise.all(snap.docs.map((d) => publishHome(rt, d.id)));
  return snap.size;
}
