# URLs only: no secret, and nothing derived from one, is ever an output.
output "api_url" {
  value = google_cloudfunctions2_function.fn["api"].service_config[0].uri
}

output "slack_url" {
  description = "Request URL for the Slack app (slash command, interactivity)."
  value       = try(google_cloudfunctions2_function.fn["slack"].service_config[0].uri, null)
}

output "stream_url" {
  value = google_cloud_run_v2_service.stream.uri
}

output "source_bucket" {
  value = google_storage_bucket.source.name
}
