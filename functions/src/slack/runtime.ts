/**
 * The Slack runtime of one Slack system: the Bolt app on the functions receiver, and the Web API
 * client with retries bounded by the function's timeout. Built on first use (system.ts), because
 * it needs the secrets and a function instance serves many requests with one system.
 *
 * Bolt given only a token calls `auth.test` before its first answer; with no route to Slack every
 * command would hang. So Bolt gets its bot and bot-user ids from config, or, without them, asks
 * `auth.test` once through the configured client (the local Slack server locally and in tests).
 */
import { App, LogLevel } from '@slack/bolt';
import type { Logger } from '../platform/log.js';
import { clientBudget } from './core/pacing.js';
import type { BoltRuntime, SlackDeps } from './deps.js';
import { registerListeners } from './listeners/index.js';
import { FunctionsReceiver } from './receiver.js';
import type { RoleCheck } from './settings.js';

export interface SlackApp extends BoltRuntime {
  receiver: FunctionsReceiver;
}

function boltLogger(logger: Logger) {
  const log = logger.child({ component: 'slack' });
  return {
    debug: (...m: unknown[]) => log.debug(m.map(String).join(' ')),
    info: (...m: unknown[]) => log.debug(m.map(String).join(' ')),
    warn: (...m: unknown[]) => log.warn(m.map(String).join(' ')),
    error: (...m: unknown[]) => log.error(m.map(String).join(' ')),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}

export function createSlackApp(deps: SlackDeps, roles: RoleCheck): SlackApp {
  const { config } = deps;
  const token = config.botToken();
  const budget = clientBudget(config.timeoutSeconds);
  const receiver = new FunctionsReceiver({
    signingSecret: config.signingSecret(),
    now: () => deps.clock.now().getTime(),
    log: deps.log,
  });
  const { botId, botUserId } = config;
  let authTest: Promise<{ botId?: string; botUserId?: string }> | undefined;
  const instance: App = new App({
    receiver,
    logger: boltLogger(deps.log),
    // Lets every listener finish before the HTTP response; the receiver sends it (see receiver.ts).
    processBeforeResponse: true,
    ignoreSelf: false,
    authorize: async (): Promise<{ botToken: string; botId?: string; botUserId?: string }> => {
      if (botId && botUserId) return { botToken: token, botId, botUserId };
      authTest ??= instance.client.auth
        .test({ token })
        .then((r: { bot_id?: string; user_id?: string }) => ({ botId: r.bot_id, botUserId: r.user_id }))
        .catch((err: unknown) => {
          authTest = undefined;
          throw err;
        });
      return { botToken: token, ...(await authTest) };
    },
    clientOptions: {
      ...(config.slackApiUrl ? { slackApiUrl: ensureSlash(config.slackApiUrl) } : {}),
      timeout: budget.timeoutMs,
      retryConfig: {
        retries: budget.retries,
        factor: 2,
        minTimeout: budget.minTimeoutMs,
        maxTimeout: budget.maxTimeoutMs,
      },
      // A 429 comes back to us with its Retry-After, so the channel's pace honours it (post.ts)
      // instead of the client sleeping past the function's timeout.
      rejectRateLimitedCalls: true,
    },
  });
  const runtime: SlackApp = { bolt: instance, receiver, web: instance.client, budget, deps, roles };
  registerListeners(runtime);
  return runtime;
}

const ensureSlash = (u: string) => (u.endsWith('/') ? u : `${u}/`);
