/**
 * The Slack side of the local stack, for `npm start`: the local Slack Web API server (records what
 * the app posts), a default signing secret and bot token for local use only, `config/slack` seeded
 * so the CLI's user holds every role, and `.local/slack.json` telling `npm run slack` where to send.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Firestore } from '@google-cloud/firestore';
import { startSlackServer, type LocalSlack } from './slack-server.js';

/** Local-only defaults; production has no defaults for secrets (config.ts). */
export const LOCAL_SIGNING_SECRET = 'local-slack-signing-secret-not-for-production';
export const LOCAL_BOT_TOKEN = 'xoxb-local-not-a-real-token';
export const LOCAL_USER = 'ULOCALDEV';

export interface LocalSlackInfo {
  slack: LocalSlack;
  /** Environment for the functions: Bolt's usual names. */
  env: Record<string, string>;
}

export async function startLocalSlack(o: {
  root: string;
  eventsUrl: string;
  port?: number;
}): Promise<LocalSlackInfo> {
  const slack = await startSlackServer({ ...(o.port ? { port: o.port } : {}) });
  const env = {
    SLACK_SIGNING_SECRET: process.env.SLACK_SIGNING_SECRET ?? LOCAL_SIGNING_SECRET,
    SLACK_BOT_TOKEN: process.env.SLACK_BOT_TOKEN ?? LOCAL_BOT_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    SLACK_BOT_ID: 'B0MUSEBOT',
    SLACK_BOT_USER_ID: 'U0MUSEBOT',
  };
  mkdirSync(join(o.root, '.local'), { recursive: true });
  writeFileSync(
    join(o.root, '.local', 'slack.json'),
    JSON.stringify(
      {
        eventsUrl: o.eventsUrl,
        slackUrl: slack.url,
        signingSecret: env.SLACK_SIGNING_SECRET,
        user: LOCAL_USER,
      },
      null,
      2,
    ),
  );
  return { slack, env };
}

/** Channels and roles for local use: every channel key to a local channel, the CLI user in every role. */
export async function seedLocalSlackConfig(db: Firestore): Promise<void> {
  const roles = { users: [LOCAL_USER], groups: [] };
  await db
    .collection('config')
    .doc('slack')
    .set(
      {
        channels: {
          incidents: 'C0INCIDENTS',
          'alerts-all': 'C0ALLHANDS',
          emergency: 'C0EMERGENCY',
          finance: 'C0FINANCE',
          operators: 'C0OPERATORS',
          reports: 'C0REPORTS',
          default: 'C0GENERAL',
        },
        roles: { approver: roles, finance: roles, operator: roles, manager: roles },
      },
      { merge: true },
    );
}
