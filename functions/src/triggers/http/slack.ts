/**
 * Trigger: the Slack app's HTTP endpoint (slash command, buttons, modals). The receiver verifies
 * Slack's signature on the framework's raw body and answers after Bolt has processed the request;
 * slow work is published to `slack-work`. Bad signatures get 401 and touch nothing; a body over
 * the HTTP body cap gets 413 before anything is parsed or verified.
 */
import type { Request, Response } from '@google-cloud/functions-framework';
import { getApp } from '../../wiring/app.js';
import { oversizedBody, sendAppError } from '../../platform/http/body-limit.js';
import { slackOf } from '../../wiring/slack.js';

export async function handle(req: Request, res: Response): Promise<void> {
  const tooLarge = oversizedBody(req);
  if (tooLarge) return sendAppError(res, tooLarge);
  await slackOf(await getApp()).handleRequest(req, res);
}
