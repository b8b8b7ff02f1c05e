/** The banner `npm start` prints when the stack is ready: every URL, and how to try each. */
import { SCHEDULER_JOBS } from '../../functions/src/platform/catalog.js';
import type { LocalExtras } from './local-extras.js';
import type { LocalSecrets } from './local-secrets.js';

/** Where the gateway listens, and what that exposes. */
function listening(extras: LocalExtras): string {
  const a = extras.gateway.server.address();
  const host = typeof a === 'object' && a ? a.address : '?';
  return host === '127.0.0.1' || host === '::1'
    ? `${host}:${extras.gateway.port} (this machine only; --host to change)`
    : `${host}:${extras.gateway.port} (reachable from other machines; Pub/Sub push paths need this start's token)`;
}
import type { Container } from '../../functions/src/platform/container.js';
import { museOf } from '../../functions/src/wiring/muse.js';

export function printBanner(b: {
  port: number;
  speed: number;
  fs: string;
  ps: string;
  secrets: LocalSecrets;
  extras: LocalExtras;
  readyMs: number;
  dataDir: string;
  slackUrl: string;
  media: { url: string; bucket: string; dir: string };
}) {
  const base = `http://localhost:${b.port}`;
  const key = b.secrets.adminApiKey;
  const lines = [
    '',
    `Muse Ops is running locally (ready in ${(b.readyMs / 1000).toFixed(1)} s). Ctrl-C stops everything.`,
    '',
    `  Health        ${base}/healthz                      curl ${base}/healthz`,
    `  API           ${base}/v1                           curl -H "Authorization: Bearer ${key}" ${base}/v1/runs`,
    `  Slack         ${base}/slack/events                 npm run slack -- "/muse status"`,
    `  Slack Web API ${b.slackUrl} (local stand-in for slack.com; what the app posted: curl ${b.slackUrl}/_records)`,
    `  Status page   ${b.extras.links.page}   (token valid 1 h; restart or POST /v1/stream/tokens for another)`,
    `  Live stream   ${b.extras.links.stream}`,
    `  Listening on  ${listening(b.extras)}`,
    `  Trend feeds   ${b.extras.feeds.url} (the bundled fixtures, newest item = now)${b.extras.feeds.sources === 'kept' ? '; the stored sources settings were changed by a person and are kept' : ''}`,
    `  Media         ${b.media.url} (local Cloud Storage, bucket ${b.media.bucket}, kept in ${b.media.dir}; private: open frames by the signed links printed below as assets are staged)`,
    `  Latest asset  curl -s -H "Authorization: Bearer ${key}" "${base}/v1/muse/assets?limit=1"   then ${base}/v1/muse/assets/ASSET_ID lists its media with signed URLs`,
    `  Emulators     Firestore ${b.fs} (enforcing firestore.rules), Pub/Sub ${b.ps}`,
    `  Scheduler     ${SCHEDULER_JOBS.length} jobs${b.speed > 1 ? ` at ${b.speed}x speed` : ' on their cron'} (${SCHEDULER_JOBS.map((j) => j.name).join(', ')})`,
    `  Data          ${b.dataDir} (imported on start, exported on exit)`,
    `  Admin key     ${key}   (local only; kept in .local/secrets.json)`,
    '',
    '  Try a demo run:',
    `    export KEY=${key}`,
    `    curl -s -H "Authorization: Bearer $KEY" -H 'content-type: application/json' -d '{"workflow":"demo","input":{"topic":"lo-fi study streams"}}' ${base}/v1/runs`,
    `    curl -s -H "Authorization: Bearer $KEY" ${base}/v1/runs/RUN_ID            # awaiting_human at the review gate`,
    `    curl -s -H "Authorization: Bearer $KEY" -H 'content-type: application/json' -d '{"edge":"approve","rationale":"reads well"}' ${base}/v1/runs/RUN_ID/gate`,
    `    curl -s -H "Authorization: Bearer $KEY" ${base}/v1/runs/RUN_ID/events`,
    '',
  ];
  console.log(lines.join('\n'));
}

/** Signed links printed for people to click: a day, not the API's 15 minutes. */
const BANNER_LINK_TTL_SECONDS = 24 * 3600;

/**
 * Prints the newest staged asset's frames and animatic (signed links) whenever one is staged: the
 * muse's status document changes with every production, and a new asset id is printed once.
 */
export function watchAssets(app: Container, port: number): () => void {
  let shown: string | undefined;
  let busy = false;
  const show = async () => {
    if (busy) return;
    busy = true;
    try {
      const asset = await museOf(app).production.latestAsset(BANNER_LINK_TTL_SECONDS);
      if (!asset || asset.id === shown || !asset.media.length) return;
      shown = asset.id;
      // The first frame and the clip; every frame is listed by GET /v1/muse/assets/:id.
      const frames = asset.media.filter((m) => m.kind === 'frame');
      const clip = asset.media.find((m) => m.kind !== 'frame');
      const lines = [
        `Asset staged: "${asset.topic}", ${frames.length} frame(s) (http://localhost:${port}/v1/muse/assets/${asset.id}, drift ${(asset.verdict.drift * 100).toFixed(2)}%)`,
        ...(frames[0] ? [`  first frame: ${frames[0].url ?? frames[0].name}`] : []),
        ...(clip ? [`  ${clip.kind}: ${clip.url ?? clip.name}`] : []),
      ];
      console.log(lines.join('\n'));
    } catch (err) {
      console.error('  could not list the latest asset:', err instanceof Error ? err.message : err);
    } finally {
      busy = false;
    }
  };
  void show();
  return museOf(app).status.watch(
    () => void show(),
    (err) => console.error('  the status watch stopped:', err.message),
  );
}
