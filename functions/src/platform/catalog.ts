/**
 * THE catalog of deployed parts: every function with its trigger, every Pub/Sub topic and push
 * subscription with its delivery policy, and every scheduler job. The local stack creates exactly
 * these on the emulators; infra/ declares the same set, and a test checks the two agree.
 * Pure data: no imports, so the infra check and the local stack can read it cheaply.
 */

export interface FunctionSpec {
  /** Registered name in functions/src/index.ts, and the deployed function's entry point. */
  name: string;
  trigger: 'http' | 'pubsub';
  /** Service-account group: functions in a group share least-privilege roles. */
  group: 'api' | 'slack' | 'engine' | 'ops';
  memoryMb: number;
  timeoutSeconds: number;
  /** Kept warm where cold start matters (Slack's 3 s ack). */
  minInstances: number;
  /** Path prefix served by the local gateway (http functions). */
  localPath?: string;
}

export interface TopicSpec {
  name: string;
  /** The function subscribed by push (Eventarc in the cloud). */
  subscriber: string;
  ackDeadlineSeconds: number;
  maxDeliveryAttempts: number;
  minBackoffSeconds: number;
  maxBackoffSeconds: number;
}

export interface SchedulerJobSpec {
  name: string;
  /** Unix cron, evaluated in UTC. */
  cron: string;
  topic: string;
  description: string;
}

export const DEAD_LETTER_TOPIC = 'dead-letter';

/**
 * Step messages are spread over several topics, each with its own push subscription to the
 * `engineStep` function, by a hash of the run id. Push delivery ramps up per subscription (the
 * emulator delivers at most 2 messages in flight per subscription; Pub/Sub's push slow start is per
 * subscription too), so a burst of independent runs fans out over all of them. A run's steps always
 * use the same topic. Subscription filters would be the neater form, but the emulator ignores them.
 */
export const STEP_SHARDS = 8;
export const STEP_TOPICS: readonly string[] = Array.from(
  { length: STEP_SHARDS },
  (_, k) => `engine-step-${k}`,
);

/** The step topic of a run (FNV-1a of its id). */
export function stepTopic(runId: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < runId.length; i++) h = Math.imul(h ^ runId.charCodeAt(i), 0x01000193) >>> 0;
  return STEP_TOPICS[h % STEP_SHARDS]!;
}

export const FUNCTIONS: readonly FunctionSpec[] = [
  {
    name: 'api',
    trigger: 'http',
    group: 'api',
    memoryMb: 512,
    timeoutSeconds: 60,
    minInstances: 0,
    localPath: '/',
  },
  {
    name: 'engineStep',
    trigger: 'pubsub',
    group: 'engine',
    memoryMb: 512,
    timeoutSeconds: 120,
    minInstances: 0,
  },
  {
    name: 'engineSweep',
    trigger: 'pubsub',
    group: 'engine',
    memoryMb: 256,
    timeoutSeconds: 120,
    minInstances: 0,
  },
  {
    name: 'museTrendTick',
    trigger: 'pubsub',
    group: 'engine',
    memoryMb: 512,
    timeoutSeconds: 300,
    minInstances: 0,
  },
  {
    name: 'deadLetterSink',
    trigger: 'pubsub',
    group: 'ops',
    memoryMb: 256,
    timeoutSeconds: 60,
    minInstances: 0,
  },
  {
    name: 'heartbeatSweep',
    trigger: 'pubsub',
    group: 'ops',
    memoryMb: 256,
    timeoutSeconds: 300,
    minInstances: 0,
  },
  {
    name: 'dailyReport',
    trigger: 'pubsub',
    group: 'ops',
    memoryMb: 256,
    timeoutSeconds: 300,
    minInstances: 0,
  },
  {
    name: 'weeklyReport',
    trigger: 'pubsub',
    group: 'ops',
    memoryMb: 256,
    timeoutSeconds: 300,
    minInstances: 0,
  },
  {
    name: 'evidenceArchive',
    trigger: 'pubsub',
    group: 'ops',
    memoryMb: 256,
    timeoutSeconds: 540,
    minInstances: 0,
  },
  {
    name: 'slack',
    trigger: 'http',
    group: 'slack',
    memoryMb: 512,
    timeoutSeconds: 60,
    minInstances: 1,
    localPath: '/slack/',
  },
  {
    name: 'slackWork',
    trigger: 'pubsub',
    group: 'slack',
    memoryMb: 512,
    timeoutSeconds: 60,
    minInstances: 0,
  },
  {
    name: 'slackOutbox',
    trigger: 'pubsub',
    group: 'slack',
    memoryMb: 256,
    timeoutSeconds: 120,
    minInstances: 0,
  },
];

export const TOPICS: readonly TopicSpec[] = [
  ...STEP_TOPICS.map((name) => ({
    name,
    subscriber: 'engineStep',
    ackDeadlineSeconds: 120,
    maxDeliveryAttempts: 10,
    minBackoffSeconds: 1,
    maxBackoffSeconds: 60,
  })),
  {
    name: 'engine-sweep',
    subscriber: 'engineSweep',
    ackDeadlineSeconds: 120,
    maxDeliveryAttempts: 5,
    minBackoffSeconds: 10,
    maxBackoffSeconds: 60,
  },
  {
    name: 'slack-work',
    subscriber: 'slackWork',
    ackDeadlineSeconds: 60,
    maxDeliveryAttempts: 5,
    minBackoffSeconds: 1,
    maxBackoffSeconds: 30,
  },
  {
    name: 'slack-outbox',
    subscriber: 'slackOutbox',
    ackDeadlineSeconds: 120,
    maxDeliveryAttempts: 5,
    minBackoffSeconds: 10,
    maxBackoffSeconds: 60,
  },
  {
    name: 'heartbeat-sweep',
    subscriber: 'heartbeatSweep',
    ackDeadlineSeconds: 300,
    maxDeliveryAttempts: 5,
    minBackoffSeconds: 10,
    maxBackoffSeconds: 120,
  },
  {
    name: 'daily-report',
    subscriber: 'dailyReport',
    ackDeadlineSeconds: 300,
    maxDeliveryAttempts: 5,
    minBackoffSeconds: 30,
    maxBackoffSeconds: 600,
  },
  {
    name: 'weekly-report',
    subscriber: 'weeklyReport',
    ackDeadlineSeconds: 300,
    maxDeliveryAttempts: 5,
    minBackoffSeconds: 30,
    maxBackoffSeconds: 600,
  },
  {
    name: 'evidence-archive',
    subscriber: 'evidenceArchive',
    ackDeadlineSeconds: 600,
    maxDeliveryAttempts: 5,
    minBackoffSeconds: 30,
    maxBackoffSeconds: 600,
  },
  {
    name: 'muse-trend-tick',
    subscriber: 'museTrendTick',
    ackDeadlineSeconds: 300,
    maxDeliveryAttempts: 5,
    minBackoffSeconds: 30,
    maxBackoffSeconds: 600,
  },
  {
    name: DEAD_LETTER_TOPIC,
    subscriber: 'deadLetterSink',
    ackDeadlineSeconds: 60,
    maxDeliveryAttempts: 100,
    minBackoffSeconds: 10,
    maxBackoffSeconds: 600,
  },
];

export const SCHEDULER_JOBS: readonly SchedulerJobSpec[] = [
  {
    name: 'muse-trend-tick',
    cron: '0 * * * *',
    topic: 'muse-trend-tick',
    description: 'TrendScout: scan trend sources, score VVS, create intents (skipped while paused)',
  },
  {
    name: 'engine-sweep',
    cron: '* * * * *',
    topic: 'engine-sweep',
    description: 'publish due outbox entries (timers, retries) and resume stranded parked steps',
  },
  {
    name: 'heartbeat-sweep',
    cron: '*/5 * * * *',
    topic: 'heartbeat-sweep',
    description:
      'flag tasks with no heartbeat for 15 minutes and start escalation; alert incident phases past their window',
  },
  {
    name: 'daily-report',
    cron: '0 8 * * *',
    topic: 'daily-report',
    description: 'the daily health check report, kept and posted to Slack',
  },
  {
    name: 'weekly-report',
    cron: '0 9 * * 1',
    topic: 'weekly-report',
    description: 'the weekly review: compliance, coverage, response times',
  },
  {
    name: 'evidence-archive',
    cron: '30 3 * * *',
    topic: 'evidence-archive',
    description: 'archive evidence older than the retention window',
  },
  {
    name: 'slack-outbox',
    cron: '* * * * *',
    topic: 'slack-outbox',
    description: 'deliver pending Slack outbox entries (escalations, alerts, reports); retry failed ones',
  },
];

/** Subscription name for a topic's subscriber. */
export const subscriptionName = (t: Pick<TopicSpec, 'name' | 'subscriber'>) => `${t.name}--${t.subscriber}`;

/** The topic a subscription belongs to (inverse of subscriptionName). */
export const topicOfSubscription = (subscription: string) => subscription.split('/').pop()!.split('--')[0]!;
