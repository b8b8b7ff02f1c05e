/**
 * Secrets for the local stack only: generated on first start and kept in .local/secrets.json so
 * API keys and stream tokens stay valid across restarts. Values from the environment win (so
 * SLACK_SIGNING_SECRET can match a real Slack app). Production secrets live in Secret Manager.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface LocalSecrets {
  apiKeyPepper: string;
  streamTokenSecret: string;
  slackSigningSecret: string;
  adminApiKey: string;
}

const gen = (n = 24) => randomBytes(n).toString('base64url');

export function loadLocalSecrets(file: string, env: NodeJS.ProcessEnv = process.env): LocalSecrets {
  const saved: Partial<LocalSecrets> = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>)
    : {};
  const secrets: LocalSecrets = {
    apiKeyPepper: saved.apiKeyPepper ?? gen(),
    streamTokenSecret: saved.streamTokenSecret ?? gen(),
    slackSigningSecret: env.SLACK_SIGNING_SECRET ?? saved.slackSigningSecret ?? gen(16),
    adminApiKey: saved.adminApiKey ?? `mo_local_${gen(18)}`,
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  return secrets;
}
