/**
 * Triggers: `slack-work` (slow work behind a Slack request, answered through its response_url) and
 * the `slack-outbox` scheduler job (delivers pending outbox entries, every minute).
 *
 * Ack or retry: an undecodable job is a permanent AppError (dead-lettered by pubsubTrigger); Slack
 * being down or rate-limiting is transient and thrown, so Pub/Sub redelivers. The outbox run never
 * throws for Slack failures: undelivered entries stay pending with their error for the next run.
 */
import { AppError } from '../../shared/errors.js';
import { slackOf } from '../../wiring/slack.js';
import { pubsubTrigger } from './push.js';
import { scheduledTrigger } from './scheduled.js';

export const slackWorkHandler = pubsubTrigger('slack-work', async (app, m) => {
  let data: unknown;
  try {
    data = JSON.parse(m.data.toString('utf8'));
  } catch {
    throw new AppError('invalid_input', 'slack-work message is not JSON');
  }
  await slackOf(app).handleJob(data);
});

export const slackOutboxHandler = scheduledTrigger('slack-outbox', (app) => slackOf(app).deliverOutbox());
