# Every catalog topic (local.topics, generated) with one push subscription to its subscriber
# function, named subscriptionName(t) = "<topic>--<subscriber>" as on the emulator.
#
# Why push subscriptions rather than Eventarc-managed ones: Eventarc creates its own subscription
# whose dead-letter policy and backoff Terraform cannot set. A push subscription with an OIDC token
# is the same delivery Eventarc does (the functions framework turns the push body into the
# CloudEvent the handler receives, exactly as in the local stack and its tests), with the catalog's
# ack deadline, retry backoff, max delivery attempts and dead-letter topic under our control.
resource "google_pubsub_topic" "topic" {
  for_each                   = local.topics
  name                       = each.key
  message_retention_duration = "604800s"
  depends_on                 = [google_project_service.api]
}

resource "google_pubsub_subscription" "push" {
  for_each = local.topics
  name     = each.value.subscription
  topic    = google_pubsub_topic.topic[each.key].id

  ack_deadline_seconds       = each.value.ack_deadline_seconds
  message_retention_duration = "604800s"
  expiration_policy {
    ttl = "" # never expire for inactivity: quiet topics (weekly jobs) must keep their subscription
  }

  retry_policy {
    minimum_backoff = "${each.value.min_backoff_seconds}s"
    maximum_backoff = "${each.value.max_backoff_seconds}s"
  }

  # Every topic dead-letters to the shared dead-letter topic, except the dead-letter topic itself:
  # its sink records what it gets, and a message it cannot record is retried until retention ends.
  dynamic "dead_letter_policy" {
    for_each = each.key == local.dead_letter_topic ? [] : [1]
    content {
      dead_letter_topic     = google_pubsub_topic.topic[local.dead_letter_topic].id
      max_delivery_attempts = each.value.max_delivery_attempts
    }
  }

  push_config {
    # The functions framework reads the topic from this path when it builds the CloudEvent.
    push_endpoint = "${google_cloudfunctions2_function.fn[each.value.subscriber].service_config[0].uri}/projects/${var.project}/topics/${each.key}"
    oidc_token {
      service_account_email = google_service_account.pubsub_push.email
    }
  }

  depends_on = [google_cloud_run_service_iam_member.push_invoker]
}

# Dead-lettering needs the Pub/Sub service agent to publish to the dead-letter topic and to
# acknowledge on the source subscriptions.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  topic  = google_pubsub_topic.topic[local.dead_letter_topic].name
  role   = "roles/pubsub.publisher"
  member = local.pubsub_agent
}

resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  for_each     = { for k, t in local.topics : k => t if k != local.dead_letter_topic }
  subscription = google_pubsub_subscription.push[each.key].name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}
