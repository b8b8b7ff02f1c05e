# GENERATED from functions/src/platform/catalog.ts and functions/src/config.ts.
# Do not edit: change the catalog, then run `npx tsx scripts/lib/infra-catalog.ts`.
# test/infra/catalog.test.ts fails when this file and the code disagree.

locals {
  dead_letter_topic = "dead-letter"

  functions = {
    api             = { entry_point = "api", trigger = "http", group = "api", memory_mb = 512, timeout_seconds = 60, min_instances = 0 }
    engineStep      = { entry_point = "engineStep", trigger = "pubsub", group = "engine", memory_mb = 512, timeout_seconds = 120, min_instances = 0 }
    engineSweep     = { entry_point = "engineSweep", trigger = "pubsub", group = "engine", memory_mb = 256, timeout_seconds = 120, min_instances = 0 }
    museTrendTick   = { entry_point = "museTrendTick", trigger = "pubsub", group = "engine", memory_mb = 512, timeout_seconds = 300, min_instances = 0 }
    deadLetterSink  = { entry_point = "deadLetterSink", trigger = "pubsub", group = "ops", memory_mb = 256, timeout_seconds = 60, min_instances = 0 }
    heartbeatSweep  = { entry_point = "heartbeatSweep", trigger = "pubsub", group = "ops", memory_mb = 256, timeout_seconds = 300, min_instances = 0 }
    dailyReport     = { entry_point = "dailyReport", trigger = "pubsub", group = "ops", memory_mb = 256, timeout_seconds = 300, min_instances = 0 }
    weeklyReport    = { entry_point = "weeklyReport", trigger = "pubsub", group = "ops", memory_mb = 256, timeout_seconds = 300, min_instances = 0 }
    evidenceArchive = { entry_point = "evidenceArchive", trigger = "pubsub", group = "ops", memory_mb = 256, timeout_seconds = 540, min_instances = 0 }
    slack           = { entry_point = "slack", trigger = "http", group = "slack", memory_mb = 512, timeout_seconds = 60, min_instances = 1 }
    slackWork       = { entry_point = "slackWork", trigger = "pubsub", group = "slack", memory_mb = 512, timeout_seconds = 60, min_instances = 0 }
    slackOutbox     = { entry_point = "slackOutbox", trigger = "pubsub", group = "slack", memory_mb = 256, timeout_seconds = 120, min_instances = 0 }
  }

  topics = {
    "engine-step-0"    = { subscriber = "engineStep", subscription = "engine-step-0--engineStep", ack_deadline_seconds = 120, max_delivery_attempts = 10, min_backoff_seconds = 1, max_backoff_seconds = 60 }
    "engine-step-1"    = { subscriber = "engineStep", subscription = "engine-step-1--engineStep", ack_deadline_seconds = 120, max_delivery_attempts = 10, min_backoff_seconds = 1, max_backoff_seconds = 60 }
    "engine-step-2"    = { subscriber = "engineStep", subscription = "engine-step-2--engineStep", ack_deadline_seconds = 120, max_delivery_attempts = 10, min_backoff_seconds = 1, max_backoff_seconds = 60 }
    "engine-step-3"    = { subscriber = "engineStep", subscription = "engine-step-3--engineStep", ack_deadline_seconds = 120, max_delivery_attempts = 10, min_backoff_seconds = 1, max_backoff_seconds = 60 }
    "engine-step-4"    = { subscriber = "engineStep", subscription = "engine-step-4--engineStep", ack_deadline_seconds = 120, max_delivery_attempts = 10, min_backoff_seconds = 1, max_backoff_seconds = 60 }
    "engine-step-5"    = { subscriber = "engineStep", subscription = "engine-step-5--engineStep", ack_deadline_seconds = 120, max_delivery_attempts = 10, min_backoff_seconds = 1, max_backoff_seconds = 60 }
    "engine-step-6"    = { subscriber = "engineStep", subscription = "engine-step-6--engineStep", ack_deadline_seconds = 120, max_delivery_attempts = 10, min_backoff_seconds = 1, max_backoff_seconds = 60 }
    "engine-step-7"    = { subscriber = "engineStep", subscription = "engine-step-7--engineStep", ack_deadline_seconds = 120, max_delivery_attempts = 10, min_backoff_seconds = 1, max_backoff_seconds = 60 }
    "engine-sweep"     = { subscriber = "engineSweep", subscription = "engine-sweep--engineSweep", ack_deadline_seconds = 120, max_delivery_attempts = 5, min_backoff_seconds = 10, max_backoff_seconds = 60 }
    "slack-work"       = { subscriber = "slackWork", subscription = "slack-work--slackWork", ack_deadline_seconds = 60, max_delivery_attempts = 5, min_backoff_seconds = 1, max_backoff_seconds = 30 }
    "slack-outbox"     = { subscriber = "slackOutbox", subscription = "slack-outbox--slackOutbox", ack_deadline_seconds = 120, max_delivery_attempts = 5, min_backoff_seconds = 10, max_backoff_seconds = 60 }
    "heartbeat-sweep"  = { subscriber = "heartbeatSweep", subscription = "heartbeat-sweep--heartbeatSweep", ack_deadline_seconds = 300, max_delivery_attempts = 5, min_backoff_seconds = 10, max_backoff_seconds = 120 }
    "daily-report"     = { subscriber = "dailyReport", subscription = "daily-report--dailyReport", ack_deadline_seconds = 300, max_delivery_attempts = 5, min_backoff_seconds = 30, max_backoff_seconds = 600 }
    "weekly-report"    = { subscriber = "weeklyReport", subscription = "weekly-report--weeklyReport", ack_deadline_seconds = 300, max_delivery_attempts = 5, min_backoff_seconds = 30, max_backoff_seconds = 600 }
    "evidence-archive" = { subscriber = "evidenceArchive", subscription = "evidence-archive--evidenceArchive", ack_deadline_seconds = 600, max_delivery_attempts = 5, min_backoff_seconds = 30, max_backoff_seconds = 600 }
    "muse-trend-tick"  = { subscriber = "museTrendTick", subscription = "muse-trend-tick--museTrendTick", ack_deadline_seconds = 300, max_delivery_attempts = 5, min_backoff_seconds = 30, max_backoff_seconds = 600 }
    "dead-letter"      = { subscriber = "deadLetterSink", subscription = "dead-letter--deadLetterSink", ack_deadline_seconds = 60, max_delivery_attempts = 100, min_backoff_seconds = 10, max_backoff_seconds = 600 }
  }

  scheduler_jobs = {
    "muse-trend-tick"  = { cron = "0 * * * *", topic = "muse-trend-tick", description = "TrendScout: scan trend sources, score VVS, create intents (skipped while paused)" }
    "engine-sweep"     = { cron = "* * * * *", topic = "engine-sweep", description = "publish due outbox entries (timers, retries) and resume stranded parked steps" }
    "heartbeat-sweep"  = { cron = "*/5 * * * *", topic = "heartbeat-sweep", description = "flag tasks with no heartbeat for 15 minutes and start escalation; alert incident phases past their window" }
    "daily-report"     = { cron = "0 8 * * *", topic = "daily-report", description = "the daily health check report, kept and posted to Slack" }
    "weekly-report"    = { cron = "0 9 * * 1", topic = "weekly-report", description = "the weekly review: compliance, coverage, response times" }
    "evidence-archive" = { cron = "30 3 * * *", topic = "evidence-archive", description = "archive evidence older than the retention window" }
    "slack-outbox"     = { cron = "* * * * *", topic = "slack-outbox", description = "deliver pending Slack outbox entries (escalations, alerts, reports); retry failed ones" }
  }

  secrets = ["API_KEY_PEPPER", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "STREAM_TOKEN_SECRET"]

  required_env = ["GOOGLE_CLOUD_PROJECT"]
}
