# The live stream (functions/src/stream/main.ts) on Cloud Run: same source as the functions, built
# into an image from infra/stream/Dockerfile. WebSockets on Cloud Run are long HTTP requests, so:
# the request timeout is Cloud Run's maximum (clients reconnect with their last seq after it),
# session affinity keeps a reconnecting client on its instance when it can, HTTP/1.1 end to end
# (no h2c: the upgrade handshake is HTTP/1.1), and CPU stays allocated between frames so the
# Firestore listeners and the ping/pong sweep keep running. Every instance listens to Firestore
# itself, so any instance can serve any client. It signs the media URLs the page shows (frames and
# clips, through the media store), so it gets the bucket's environment and, in media.tf, the
# signers' grants (objectViewer on the bucket, serviceAccountTokenCreator on its own account).
resource "google_artifact_registry_repository" "images" {
  location      = var.region
  repository_id = "muse"
  format        = "DOCKER"
  depends_on    = [google_project_service.api]
}

resource "google_cloud_run_v2_service" "stream" {
  name                = "muse-stream"
  location            = var.region
  ingress             = "INGRESS_TRAFFIC_ALL"
  deletion_protection = false

  template {
    service_account                  = google_service_account.group["stream"].email
    timeout                          = "3600s"
    session_affinity                 = true
    max_instance_request_concurrency = 1000

    scaling {
      min_instance_count = var.stream_min_instances
      max_instance_count = var.stream_max_instances
    }

    containers {
      image = var.stream_image

      ports {
        name           = "http1"
        container_port = 8080
      }

      resources {
        limits = {
          cpu    = "1"
          memory = "512Mi"
        }
        cpu_idle          = false
        startup_cpu_boost = true
      }

      dynamic "env" {
        for_each = merge(local.env_common, local.env_public, local.env_media)
        content {
          name  = env.key
          value = env.value
        }
      }

      dynamic "env" {
        for_each = toset(local.groups["stream"].secrets)
        content {
          name = env.value
          value_source {
            secret_key_ref {
              secret  = google_secret_manager_secret.secret[env.value].secret_id
              version = "latest"
            }
          }
        }
      }

      startup_probe {
        http_get {
          path = "/livez"
        }
      }
      liveness_probe {
        http_get {
          path = "/livez"
        }
      }
    }
  }

  depends_on = [
    google_secret_manager_secret_iam_member.accessor,
    google_project_iam_member.group_role,
    google_storage_bucket_iam_member.media_signer_viewer,
    google_service_account_iam_member.media_signer_self,
  ]
}

# Viewers hold a signed stream token; the service checks it on upgrade.
resource "google_cloud_run_v2_service_iam_member" "stream_public" {
  name     = google_cloud_run_v2_service.stream.name
  location = var.region
  role     = "roles/run.invoker"
  member   = "allUsers"
}
