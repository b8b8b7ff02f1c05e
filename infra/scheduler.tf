# Cloud Scheduler jobs from the catalog (local.scheduler_jobs, generated), each publishing to its
# topic on its cron in UTC. The payload matches the local scheduler's (scripts/lib/local/scheduler.ts);
# the handler takes the publish time as the firing time.
resource "google_cloud_scheduler_job" "job" {
  for_each    = local.scheduler_jobs
  name        = each.key
  region      = var.region
  description = each.value.description
  schedule    = each.value.cron
  time_zone   = "Etc/UTC"

  pubsub_target {
    topic_name = google_pubsub_topic.topic[each.value.topic].id
    data       = base64encode(jsonencode({ job = each.key }))
    attributes = { job = each.key }
  }

  depends_on = [google_project_service.api]
}
