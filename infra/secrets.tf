# Secret Manager secrets, one per config.ts SECRET_VARIABLES entry (local.secrets, generated).
# Terraform creates the secret containers only: values are added with `gcloud secrets versions add`
# (README, Deploy), so no secret value is ever in a variable, in state, or in an output.
resource "google_secret_manager_secret" "secret" {
  for_each  = toset(local.secrets)
  secret_id = each.value

  replication {
    auto {}
  }

  depends_on = [google_project_service.api]
}

# Each group's service account may read only the secrets its services mount.
resource "google_secret_manager_secret_iam_member" "accessor" {
  for_each = {
    for pair in flatten([
      for group, g in local.groups : [for s in g.secrets : { group = group, secret = s }]
    ]) : "${pair.group}/${pair.secret}" => pair
  }
  secret_id = google_secret_manager_secret.secret[each.value.secret].id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.group[each.value.group].email}"
}
