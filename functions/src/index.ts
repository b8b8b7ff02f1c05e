/**
 * Every deployed function, one line each. Reading this file tells what the system does.
 * Triggers load lazily (platform/lazy.ts) so a cold instance starts as fast as a bare hello.
 * The same list is in platform/catalog.ts with each function's trigger and limits (a test checks).
 * Pub/Sub-triggered functions are HTTP functions too: their push subscriptions call the URL, and
 * triggers/pubsub/push.ts decodes the push body itself (so a dead letter keeps the exact bytes).
 */
import { http } from '@google-cloud/functions-framework';
import { lazyHttp } from './platform/lazy.js';
import { answerFrameworkErrorsAsJsonEverywhere } from './platform/http/framework-errors.js';
import { warmsAtLoad } from './wiring/warm-target.js';

answerFrameworkErrorsAsJsonEverywhere(); // the framework's own 4xx (malformed JSON, bad percent-escapes) answer JSON, not an HTML stack trace

// An instance that runs productions loads the Bible and the model context now, not on its first step.
if (warmsAtLoad()) void import('./wiring/warm.js').then((m) => m.warmAtLoad());

http('api', lazyHttp(() => import('./triggers/http/api.js'))); // /v1 API, /healthz, /livez
http('engineStep', lazyHttp(() => import('./triggers/pubsub/engine-step.js'))); // one durable workflow step
http('engineSweep', lazyHttp(() => import('./triggers/pubsub/engine-sweep.js'))); // timers, retries, stranded steps
http('museTrendTick', lazyHttp(() => import('./triggers/pubsub/muse-jobs.js'), 'trendTickHandler')); // the muse's hourly trend scan
http('deadLetterSink', lazyHttp(() => import('./triggers/pubsub/dead-letter-sink.js'))); // records messages Pub/Sub gave up on
http('heartbeatSweep', lazyHttp(() => import('./triggers/pubsub/ops-jobs.js'), 'heartbeatSweepHandler')); // stale heartbeats -> incidents
http('dailyReport', lazyHttp(() => import('./triggers/pubsub/ops-jobs.js'), 'dailyReportHandler')); // the daily health check
http('weeklyReport', lazyHttp(() => import('./triggers/pubsub/ops-jobs.js'), 'weeklyReportHandler')); // the weekly review
http('evidenceArchive', lazyHttp(() => import('./triggers/pubsub/ops-jobs.js'), 'evidenceArchiveHandler')); // evidence past retention
http('slack', lazyHttp(() => import('./triggers/http/slack.js'))); // the Slack app: /muse, buttons, modals
http('slackWork', lazyHttp(() => import('./triggers/pubsub/slack-jobs.js'), 'slackWorkHandler')); // slow Slack work, answered through response_url or chat.postMessage
http('slackOutbox', lazyHttp(() => import('./triggers/pubsub/slack-jobs.js'), 'slackOutboxHandler')); // delivers pending Slack outbox entries, per channel, with retries
