# One service account per function group (catalog `group`), plus `stream` for the Cloud Run
# service and `pubsub-push` for authenticated push delivery. Roles are the few each group uses:
# Firestore (datastore.user), publishing to the catalog's topics (topic-level, not project-wide),
# Vertex AI for the model, and secretAccessor on named secrets only (secrets.tf).
locals {
  groups = {
    # The /v1 API: API keys (pepper), stream tokens, starts runs (publishes engine steps).
    api = {
      secrets = ["API_KEY_PEPPER", "STREAM_TOKEN_SECRET"]
      roles   = ["roles/datastore.user", "roles/aiplatform.user", "roles/logging.logWriter"]
      publish = true
    }
    # The Slack app and its slow work: signs and posts to Slack, hands out stream links.
    slack = {
      secrets = ["SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "STREAM_TOKEN_SECRET"]
      roles   = ["roles/datastore.user", "roles/aiplatform.user", "roles/logging.logWriter"]
      publish = true
    }
    # The durable step engine: workflow steps call the model and write Firestore.
    engine = {
      secrets = []
      roles   = ["roles/datastore.user", "roles/aiplatform.user", "roles/logging.logWriter"]
      publish = true
    }
    # Scheduled ops jobs and the dead-letter sink: Firestore only, plus publishing follow-ups.
    ops = {
      secrets = []
      roles   = ["roles/datastore.user", "roles/logging.logWriter"]
      publish = true
    }
    # The live stream on Cloud Run: listens to Firestore, verifies stream tokens, talks to the model.
    stream = {
      secrets = ["STREAM_TOKEN_SECRET"]
      roles   = ["roles/datastore.user", "roles/aiplatform.user", "roles/logging.logWriter"]
      publish = false
    }
  }
}

resource "google_service_account" "group" {
  for_each     = local.groups
  account_id   = "muse-${lower(each.key)}"
  display_name = "Muse Ops ${each.key} services"
  depends_on   = [google_project_service.api]
}

resource "google_project_iam_member" "group_role" {
  for_each = {
    for pair in flatten([
      for group, g in local.groups : [for r in g.roles : { group = group, role = r }]
    ]) : "${pair.group}/${pair.role}" => pair
  }
  project = var.project
  role    = each.value.role
  member  = "serviceAccount:${google_service_account.group[each.value.group].email}"
}

# Publishing is granted per topic, and never on the dead-letter topic (only Pub/Sub writes there).
resource "google_pubsub_topic_iam_member" "group_publisher" {
  for_each = {
    for pair in flatten([
      for group, g in local.groups : [
        for t in keys(local.topics) : { group = group, topic = t } if g.publish && t != local.dead_letter_topic
      ]
    ]) : "${pair.group}/${pair.topic}" => pair
  }
  topic  = google_pubsub_topic.topic[each.value.topic].name
  role   = "roles/pubsub.publisher"
  member = "serviceAccount:${google_service_account.group[each.value.group].email}"
}

# The identity Pub/Sub pushes as (OIDC token); it may invoke the Pub/Sub-triggered functions only.
resource "google_service_account" "pubsub_push" {
  account_id   = "muse-pubsub-push"
  display_name = "Muse Ops Pub/Sub push delivery"
  depends_on   = [google_project_service.api]
}

locals {
  pubsub_agent = "serviceAccount:service-${data.google_project.this.number}@gcp-sa-pubsub.iam.gserviceaccount.com"
}

# Pub/Sub mints the push OIDC tokens as pubsub_push.
resource "google_service_account_iam_member" "pubsub_token_creator" {
  service_account_id = google_service_account.pubsub_push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_agent
}
