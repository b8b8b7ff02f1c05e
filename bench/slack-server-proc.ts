/**
 * The local Slack Web API server in a process of its own, for the ack benchmark: Slack's API is
 * not in the function's process, so the bench should not make the function share its event loop
 * with it. Prints its base URL, then serves until killed.
 */
import { startSlackServer } from '../scripts/lib/slack-server.js';

const slack = await startSlackServer();
process.stdout.write(`${slack.url}\n`);
