# Terraform and provider versions. State lives in a GCS bucket; Cloud Build passes the bucket with
# `terraform init -backend-config="bucket=<project>-tfstate"` (see cloudbuild.yaml and the README).
terraform {
  required_version = ">= 1.6"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = "~> 6.0"
    }
  }

  backend "gcs" {
    prefix = "muse-ops"
  }
}

provider "google" {
  project = var.project
  region  = var.region
}

data "google_project" "this" {}
