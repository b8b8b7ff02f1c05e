/**
 * The Slack app as a system: `createSlack(deps)` returns the use cases its triggers call (one
 * each) and the settings operators change. The Bolt app and its Web API client are built on first
 * use, because they need the secrets; a deployment without Slack never builds them.
 */
import type { Request, Response } from '@google-cloud/functions-framework';
import type { Actor } from '../shared/ports.js';
import type { SlackSettings } from './core/settings.js';
import type { SlackDeps } from './deps.js';
import { handleSlackJob } from './jobs/worker.js';
import { deliverOutbox, type DeliveryResult } from './outbox-delivery.js';
import { createSlackApp, type SlackApp } from './runtime.js';
import { createRoleCheck, readSlackSettings, writeSlackSettings } from './settings.js';

export interface Slack {
  /** The HTTP function's body: verify Slack's signature, dispatch, answer. */
  handleRequest(req: Request, res: Response): Promise<void>;
  /** The `slack-work` use case: one job, once. */
  handleJob(data: unknown): Promise<void>;
  /**
   * One outbox delivery run within `budgetMs` (default: half the outbox function's timeout, the
   * other half covering a last Web API call with its bounded retries). Without a bot token the
   * entries stay pending (a redelivery would not help).
   */
  deliverOutbox(budgetMs?: number): Promise<DeliveryResult | { skipped: string }>;
  readSettings(): ReturnType<typeof readSlackSettings>;
  writeSettings(input: { value: SlackSettings; rationale: string }, actor: Actor): Promise<SlackSettings>;
  /** Drops cached user-group members (after a settings change; tests call it between cases). */
  forgetRoleCache(): void;
}

export function createSlack(deps: SlackDeps): Slack {
  const roles = createRoleCheck(deps.db);
  let app: SlackApp | undefined;
  const runtime = () => (app ??= createSlackApp(deps, roles));
  return {
    handleRequest: (req, res) => runtime().receiver.handle(req, res),
    handleJob: (data) => handleSlackJob(runtime(), data),
    async deliverOutbox(budgetMs) {
      if (!deps.config.hasBotToken) return { skipped: 'SLACK_BOT_TOKEN is not set' };
      return deliverOutbox(runtime(), budgetMs ?? (deps.config.outboxTimeoutSeconds * 1000) / 2);
    },
    readSettings: () => readSlackSettings(deps.db),
    async writeSettings(input, actor) {
      const value = await writeSlackSettings(deps, input, actor);
      roles.forget();
      return value;
    },
    forgetRoleCache: () => roles.forget(),
  };
}
