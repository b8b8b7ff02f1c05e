/**
 * The App Home tab. Opening it (`app_home_opened`) remembers the viewer (repo.ts) and
 * publishes their view (`views.publish`); when decisions are pushed or made, the outbox delivery
 * re-publishes it for everyone who opened it in the last week, so it is current when they look.
 */
import type { webApi } from '@slack/bolt';
import { AppError } from '../shared/errors.js';
import { homeView } from './core/home.js';
import { ROLES, type Role } from './core/settings.js';
import type { SlackRuntime } from './deps.js';
import { homesOpenedSince, rememberHome } from './repo.js';

const RECENT_MS = 7 * 24 * 3600_000;

/** Builds and publishes one person's App Home. */
export async function publishHome(rt: SlackRuntime, userId: string): Promise<void> {
  const { deps } = rt;
  const [roles, gates, runs, status, incidents, wallet] = await Promise.all([
    Promise.all(ROLES.map(async (r) => ((await rt.roles.userHasRole(rt.web, r, userId)) ? r : undefined))),
    deps.reads.openGates(),
    deps.reads.pipelineRunsAwaitingDecision(),
    deps.reads.museStatus(),
    deps.reads.openIncidents(),
    deps.reads.wallet().catch(() => undefined),
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
      updatedAt: deps.clock.now(),
    },
    deps.config.publicBaseUrl,
  );
  try {
    await rt.web.views.publish({ user_id: userId, view } as unknown as webApi.ViewsPublishArguments);
  } catch (err) {
    throw new AppError('unavailable', `Slack refused views.publish: ${(err as Error).message}`);
  }
}

/** Someone opened the Home tab: remember them, so later changes refresh their view. */
export async function homeOpened(rt: SlackRuntime, userId: string): Promise<void> {
  await rememberHome(rt.deps.db, userId, rt.deps.clock.now());
  await publishHome(rt, userId);
}

/** Re-publishes the Home of everyone who opened it recently. */
export async function refreshHomes(rt: SlackRuntime): Promise<number> {
  const since = new Date(rt.deps.clock.now().getTime() - RECENT_MS);
  const users = await homesOpenedSince(rt.deps.db, since, 50);
  await Promise.all(users.map((u) => publishHome(rt, u)));
  return users.length;
}
