/**
 * Triggers: `slack-work` (slow work behind a Slack request, answered through its response_url) and
 * the `slack-outbox` scheduler job (delivers pending outbox entries, every minute).
 *
 * Ack or retry: an undecodable job is a permanent AppError (dead-lettered by pubsubTrigger); Slack
 * being down or rate-limiting is transient and thrown, so Pub/Sub redelivers. The outbox run never
 * throws for Slack failures: undelivered entries stay pending with their error for the next run.
 */
import { FUNCTIONS } from '../../platform/catalog.js';
import { handleSlackJob } from '../../slack/jobs/worker.js';
import { deliverOutbox } from '../../slack/outbox-delivery.js';
import { getSlackRuntime } from '../../slack/runtime.js';
import { AppError } from '../../shared/errors.js';
import { pubsubTrigger } from './push.js';
import { scheduledTrigger } from './scheduled.js';

const outboxTimeoutMs = (FUNCTIONS.find((f) => f.name === 'slackOutbox')?.timeoutSeconds ?? 60) * 1000;

export const slackWorkHandler = pubsubTrigger('slack-work', async (app, m) => {
  let data: unknown;
  try {
    data = JSON.parse(m.data.toString('utf8'));
  } catch {
    throw new AppError('invalid_input', 'slack-work message is not JSON');
  }
  await handleSlackJob(app, data);
});

export const slackOutboxHandler = scheduledTrigger('slack-outbox', async (app) => {
  // A deployment without a Slack app keeps its entries pending (a redelivery would not help).
  if (!app.config.secrets.slackBotToken) return { skipped: 'SLACK_BOT_TOKEN is not set' };
  // Half the timeout: the other half covers a last Web API call with its bounded retries.
  return deliverOutbox(getSlackRuntime(app), outboxTimeoutMs / 2);
});
