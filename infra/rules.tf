# Firestore security rules: ../firestore.rules, the file test/infra/rules.int.test.ts tests on the
# emulator and the local stack enforces (scripts/lib/emulators.ts). Every client is denied; the
# functions use service-account credentials, which rules do not apply to.
resource "google_firebaserules_ruleset" "firestore" {
  project = var.project
  source {
    files {
      name    = "firestore.rules"
      content = file("${path.module}/../firestore.rules")
    }
  }
  depends_on = [google_project_service.api, google_firestore_database.main]
}

# `cloud.firestore` is the release the (default) database serves. A changed file makes a new
# ruleset, and the release is replaced to point at it.
resource "google_firebaserules_release" "firestore" {
  project      = var.project
  name         = "cloud.firestore"
  ruleset_name = "projects/${var.project}/rulesets/${google_firebaserules_ruleset.firestore.name}"
  lifecycle {
    replace_triggered_by = [google_firebaserules_ruleset.firestore]
  }
}
