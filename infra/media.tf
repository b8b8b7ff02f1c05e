# Media (issue 16): frames and clips the muse produces, in one private bucket. Objects are named by
# the sha256 of their bytes and written create-only (ifGenerationMatch=0), so nothing is ever
# replaced; people see them through short-lived V4 signed URLs, never public access.
#
# Who may do what:
# - the writer (the engine group: the Visual and Motion steps) creates and reads objects; it cannot
#   delete or replace them (objectCreator has no delete, and the code writes create-only);
# - the signers (the api, Slack and stream groups: asset routes, Slack image blocks, the live loop)
#   read objects, and may sign as themselves: on Cloud Run there is no private key, so the client
#   library calls IAM signBlob, which needs serviceAccountTokenCreator on the account itself. A
#   signed URL carries its signer's access, hence their objectViewer.
# Nobody else is granted anything on the bucket.

variable "media_rejected_retention_days" {
  description = "Days a rejected draft's media are kept (objects under <prefix>/drafts/rejected/) before Cloud Storage deletes them."
  type        = number
  default     = 14
  validation {
    condition     = var.media_rejected_retention_days >= 1
    error_message = "media_rejected_retention_days must be at least 1."
  }
}

locals {
  media_prefix  = "media"
  media_writers = ["engine"]
  media_signers = ["api", "slack", "stream"]
  # Merged into every function's environment (functions.tf): config.ts reads MEDIA_BUCKET, MEDIA_PREFIX.
  env_media = { MEDIA_BUCKET = google_storage_bucket.media.name, MEDIA_PREFIX = local.media_prefix }
}

resource "google_storage_bucket" "media" {
  name                        = "${var.project}-muse-media"
  location                    = var.region
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  # Media are written once under their hash: versions would only keep copies of the same bytes.
  versioning {
    enabled = false
  }
  lifecycle_rule {
    condition {
      age            = var.media_rejected_retention_days
      matches_prefix = ["${local.media_prefix}/drafts/rejected/"]
    }
    action {
      type = "Delete"
    }
  }
  depends_on = [google_project_service.api]
}

resource "google_storage_bucket_iam_member" "media_writer" {
  for_each = {
    for pair in flatten([
      for g in local.media_writers : [
        for role in ["roles/storage.objectCreator", "roles/storage.objectViewer"] : { group = g, role = role }
      ]
    ]) : "${pair.group}/${pair.role}" => pair
  }
  bucket = google_storage_bucket.media.name
  role   = each.value.role
  member = "serviceAccount:${google_service_account.group[each.value.group].email}"
}

resource "google_storage_bucket_iam_member" "media_signer_viewer" {
  for_each = toset(local.media_signers)
  bucket   = google_storage_bucket.media.name
  role     = "roles/storage.objectViewer"
  member   = "serviceAccount:${google_service_account.group[each.value].email}"
}

# signBlob as itself: each signer may mint signatures for its own account, and no other.
resource "google_service_account_iam_member" "media_signer_self" {
  for_each           = toset(local.media_signers)
  service_account_id = google_service_account.group[each.value].name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = "serviceAccount:${google_service_account.group[each.value].email}"
}

output "media_bucket" {
  description = "The private media bucket (MEDIA_BUCKET)."
  value       = google_storage_bucket.media.name
}
