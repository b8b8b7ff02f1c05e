# Cloud Functions (2nd gen) for every catalog function (local.functions, generated): runtime
# nodejs22, entry point = the name registered in functions/src/index.ts, one service account per
# catalog group. The source is the zip Cloud Build uploads (the bundled functions/bundle + package files).
locals {
  env_common = {
    GOOGLE_CLOUD_PROJECT = var.project
    MUSE_ENV             = "production"
    LOG_LEVEL            = var.log_level
    MODEL_PROVIDER       = var.model_provider
    GEMINI_LOCATION      = var.region
  }
  # Cloud Run URLs are deterministic (https://<service>-<project number>.<region>.run.app), so the
  # api's URL is known before it exists and no resource depends on its own output.
  api_url         = "https://api-${data.google_project.this.number}.${var.region}.run.app"
  public_base_url = var.public_base_url == "" ? local.api_url : var.public_base_url
  # The stream's URL is deterministic too; links handed out by the API and Slack point at it.
  stream_url = "https://muse-stream-${data.google_project.this.number}.${var.region}.run.app"
  env_public = { PUBLIC_BASE_URL = local.public_base_url, STREAM_PUBLIC_URL = local.stream_url }

  # I/O-bound handlers: several requests share an instance (needs a whole vCPU). HTTP endpoints take
  # more at once; Pub/Sub steps fewer, so a slow step does not hold many messages.
  concurrency = { http = 40, pubsub = 8 }
}

resource "google_storage_bucket" "source" {
  name                        = "${var.project}-muse-source"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  lifecycle_rule {
    condition {
      age = 30
    }
    action {
      type = "Delete"
    }
  }
}

resource "google_cloudfunctions2_function" "fn" {
  for_each = local.functions
  name     = lower(replace(each.key, "/([A-Z])/", "-$1"))
  location = var.region

  build_config {
    runtime     = "nodejs22"
    entry_point = each.value.entry_point
    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = var.source_object
      }
    }
    # The zip carries the built bundle (package.json `main`): of the package's scripts, run only
    # gcp-build, which rewrites the bundle's V8 code cache with the runtime's own Node (a cache from
    # another Node is refused and only costs time; see scripts/lib/bundle.ts).
    environment_variables = { GOOGLE_NODE_RUN_SCRIPTS = "gcp-build" }
  }

  service_config {
    available_memory                 = "${each.value.memory_mb}Mi"
    available_cpu                    = "1"
    timeout_seconds                  = each.value.timeout_seconds
    min_instance_count               = each.value.min_instances
    max_instance_count               = var.function_max_instances
    max_instance_request_concurrency = local.concurrency[each.value.trigger]
    service_account_email            = google_service_account.group[each.value.group].email
    # HTTP functions are public and authenticate each request themselves (API keys, Slack
    # signatures); Pub/Sub-driven ones take only authenticated pushes from inside Google.
    ingress_settings               = each.value.trigger == "http" ? "ALLOW_ALL" : "ALLOW_INTERNAL_ONLY"
    all_traffic_on_latest_revision = true

    environment_variables = merge(local.env_common, local.env_public, local.env_media)

    dynamic "secret_environment_variables" {
      for_each = toset(local.groups[each.value.group].secrets)
      content {
        key        = secret_environment_variables.value
        project_id = var.project
        secret     = google_secret_manager_secret.secret[secret_environment_variables.value].secret_id
        version    = "latest"
      }
    }
  }

  depends_on = [
    google_project_service.api,
    google_secret_manager_secret_iam_member.accessor,
    google_project_iam_member.group_role,
  ]
}

# Public HTTP endpoints: anyone may call; the code checks API keys and Slack signatures.
resource "google_cloud_run_service_iam_member" "public_invoker" {
  for_each = { for k, f in local.functions : k => f if f.trigger == "http" }
  location = var.region
  service  = google_cloudfunctions2_function.fn[each.key].service_config[0].service
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# Pub/Sub-driven functions: only the push identity may invoke them.
resource "google_cloud_run_service_iam_member" "push_invoker" {
  for_each = { for k, f in local.functions : k => f if f.trigger == "pubsub" }
  location = var.region
  service  = google_cloudfunctions2_function.fn[each.key].service_config[0].service
  role     = "roles/run.invoker"
  member   = "serviceAccount:${google_service_account.pubsub_push.email}"
}
