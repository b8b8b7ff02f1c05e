/**
 * Every deployed function, one line each. Reading this file tells what the system does.
 * Triggers load lazily (platform/lazy.ts) so a cold instance starts as fast as a bare hello.
 * The same list is in platform/catalog.ts with each function's trigger and limits (a test checks).
 */
import { cloudEvent, http } from '@google-cloud/functions-framework';
import { lazyEvent, lazyHttp } from './platform/lazy.js';
import { answerFrameworkErrorsAsJsonEverywhere } from './platform/http/framework-errors.js';

answerFrameworkErrorsAsJsonEverywhere(); // the framework's own 4xx (malformed JSON, bad percent-escapes) answer JSON, not an HTML stack trace

http('api', lazyHttp(() => import('./triggers/http/api.js'))); // /v1 API, /healthz, /livez
cloudEvent('engineStep', lazyEvent(() => import('./triggers/pubsub/engine-step.js'))); // one durable workflow step
cloudEvent('engineSweep', lazyEvent(() => import('./triggers/pubsub/engine-sweep.js'))); // timers, retries, stranded steps
cloudEvent('museTrendTick', lazyEvent(() => import('./triggers/pubsub/muse-jobs.js'), 'trendTickHandler')); // the muse's hourly trend scan
cloudEvent('deadLetterSink', lazyEvent(() => import('./triggers/pubsub/dead-letter-sink.js'))); // records messages Pub/Sub gave up on
cloudEvent('heartbeatSweep', lazyEvent(() => import('./triggers/pubsub/ops-jobs.js'), 'heartbeatSweepHandler')); // stale heartbeats -> incidents
cloudEvent('dailyReport', lazyEvent(() => import('./triggers/pubsub/ops-jobs.js'), 'dailyReportHandler')); // the daily health check
cloudEvent('weeklyReport', lazyEvent(() => import('./triggers/pubsub/ops-jobs.js'), 'weeklyReportHandler')); // the weekly review
cloudEvent('evidenceArchive', lazyEvent(() => import('./triggers/pubsub/ops-jobs.js'), 'evidenceArchiveHandler')); // evidence past retention
http('slack', lazyHttp(() => import('./triggers/http/slack.js'))); // the Slack app: /muse, buttons, modals
cloudEvent('slackWork', lazyEvent(() => import('./triggers/pubsub/slack-jobs.js'), 'slackWorkHandler')); // slow Slack work, answered through response_url or chat.postMessage
cloudEvent('slackOutbox', lazyEvent(() => import('./triggers/pubsub/slack-jobs.js'), 'slackOutboxHandler')); // delivers pending Slack outbox entries, per channel, with retries
