# Firestore in native mode. Composite indexes and TTL fields come from ../firestore.indexes.json
# (the file the Firebase CLI also reads), so there is one list, checked against the code's queries
# by test/infra/indexes.test.ts.
locals {
  firestore_spec = jsondecode(file("${path.module}/../firestore.indexes.json"))
  composite_indexes = {
    for ix in local.firestore_spec.indexes :
    "${ix.collectionGroup}:${ix.queryScope}:${join(",", [for f in ix.fields : "${f.fieldPath}:${lookup(f, "order", lookup(f, "arrayConfig", ""))}"])}" => ix
  }
  ttl_fields = {
    for o in local.firestore_spec.fieldOverrides : "${o.collectionGroup}.${o.fieldPath}" => o if lookup(o, "ttl", false)
  }
}

resource "google_firestore_database" "main" {
  name                    = "(default)"
  location_id             = var.firestore_location
  type                    = "FIRESTORE_NATIVE"
  concurrency_mode        = "OPTIMISTIC"
  delete_protection_state = "DELETE_PROTECTION_ENABLED"
  depends_on              = [google_project_service.api]
}

resource "google_firestore_index" "composite" {
  for_each    = local.composite_indexes
  database    = google_firestore_database.main.name
  collection  = each.value.collectionGroup
  query_scope = each.value.queryScope

  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path   = fields.value.fieldPath
      order        = lookup(fields.value, "order", null)
      array_config = lookup(fields.value, "arrayConfig", null)
    }
  }
}

# TTL: Firestore deletes a document some time after the timestamp in this field passes.
resource "google_firestore_field" "ttl" {
  for_each   = local.ttl_fields
  database   = google_firestore_database.main.name
  collection = each.value.collectionGroup
  field      = each.value.fieldPath
  ttl_config {}
  # A TTL field is never queried: no single-field index to maintain on it.
  index_config {}
}

# Seeds the runtime settings the code reads, from variables. /v1 edits win afterwards: Terraform
# creates the documents and then leaves them alone.
resource "google_firestore_document" "escalation" {
  database    = google_firestore_database.main.name
  collection  = "incidentSettings"
  document_id = "escalation"
  fields = jsonencode({
    deadlinesMinutes = {
      mapValue = {
        fields = {
          for sev, steps in var.escalation_deadlines_minutes : sev => {
            arrayValue = { values = [for m in steps : { integerValue = tostring(m) }] }
          }
        }
      }
    }
  })
  lifecycle {
    ignore_changes = [fields]
  }
}

resource "google_firestore_document" "slack_channels" {
  database    = google_firestore_database.main.name
  collection  = "slackSettings"
  document_id = "channels"
  fields      = jsonencode({ for key, id in var.slack_channels : key => { stringValue = id } })
  lifecycle {
    ignore_changes = [fields]
  }
}
