/**
 * The Slack runtime of one container: the Bolt app on the functions receiver, and the Web API
 * client with retries bounded by the function's timeout. Built lazily, once per container (the only
 * module-level state), because a function instance serves many requests with one container.
 *
 * Bolt given only a token calls `auth.test` before its first answer; with no route to Slack every
 * command would hang. So Bolt gets its bot and bot-user ids from config, or, without them, asks
 * `auth.test` once through the configured client (the local Slack server locally and in tests).
 */
import { App, LogLevel, type webApi } from '@slack/bolt';
import { requireSecret } from '../config.js';
import { FUNCTIONS } from '../platform/catalog.js';
import type { Container } from '../platform/container.js';
import { clientBudget, type ClientBudget } from './core/pacing.js';
import { registerListeners } from './listeners/index.js';
import { FunctionsReceiver } from './receiver.js';

export interface SlackRuntime {
  bolt: App;
  receiver: FunctionsReceiver;
  web: webApi.WebClient;
  budget: ClientBudget;
  app: Container;
}

const runtimes = new WeakMap<Container, SlackRuntime>();

/** The longest timeout among the Slack functions bounds every Web API call's retries. */
function slackTimeoutSeconds(): number {
  return Math.min(...FUNCTIONS.filter((f) => f.group === 'slack').map((f) => f.timeoutSeconds));
}

function boltLogger(app: Container) {
  const log = app.log.child({ component: 'slack' });
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

export function getSlackRuntime(app: Container): SlackRuntime {
  const existing = runtimes.get(app);
  if (existing) return existing;
  const token = requireSecret(app.config, 'slackBotToken');
  const budget = clientBudget(slackTimeoutSeconds());
  const receiver = new FunctionsReceiver({
    signingSecret: requireSecret(app.config, 'slackSigningSecret'),
    now: () => app.clock.now().getTime(),
    log: app.log,
  });
  const { botId, botUserId } = app.config.slackBot;
  let authTest: Promise<{ botId?: string; botUserId?: string }> | undefined;
  const instance: App = new App({
    receiver,
    logger: boltLogger(app),
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
      ...(app.config.slackApiUrl ? { slackApiUrl: ensureSlash(app.config.slackApiUrl) } : {}),
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
  const runtime: SlackRuntime = { bolt: instance, receiver, web: instance.client, budget, app };
  registerListeners(runtime);
  runtimes.set(app, runtime);
  return runtime;
}

const ensureSlash = (u: string) => (u.endsWith('/') ? u : `${u}/`);
