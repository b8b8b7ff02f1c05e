# Inputs. No secret is an input: secret values go straight into Secret Manager (README, Deploy).

variable "project" {
  description = "Google Cloud project id."
  type        = string
}

variable "region" {
  description = "Region for functions, Cloud Run, Scheduler and Artifact Registry."
  type        = string
  default     = "us-central1"
}

variable "firestore_location" {
  description = "Firestore location (a region or multi-region such as nam5). Fixed once created."
  type        = string
  default     = "nam5"
}

variable "source_object" {
  description = "Object name of the functions source zip in the source bucket (Cloud Build sets it per commit)."
  type        = string
}

variable "stream_image" {
  description = "Container image of the live stream service (Cloud Build builds it from infra/stream/Dockerfile)."
  type        = string
}

variable "public_base_url" {
  description = "Public base URL of the HTTP API, used in links (PUBLIC_BASE_URL). Empty: the api function's URL."
  type        = string
  default     = ""
}

variable "model_provider" {
  description = "MODEL_PROVIDER: gemini on Vertex AI in production, or the deterministic local model."
  type        = string
  default     = "gemini"
  validation {
    condition     = contains(["local", "gemini"], var.model_provider)
    error_message = "model_provider must be local or gemini."
  }
}

variable "log_level" {
  description = "LOG_LEVEL for every service."
  type        = string
  default     = "info"
}

variable "slack_channels" {
  description = "Slack channel id per channel key the code posts to (alerts, incidents, level-3, finance, reports ...). Seeded into Firestore slackSettings/channels."
  type        = map(string)
  default     = {}
  validation {
    condition     = alltrue([for id in values(var.slack_channels) : can(regex("^[CG][A-Z0-9]{6,}$", id))])
    error_message = "slack_channels values must be Slack channel ids (C0123ABCD), not names."
  }
}

variable "escalation_deadlines_minutes" {
  description = "Minutes at each escalation level before the incident rises, per severity. Seeded into Firestore incidentSettings/escalation; /v1 edits win afterwards."
  type = object({
    sev1 = list(number)
    sev2 = list(number)
    sev3 = list(number)
    sev4 = list(number)
  })
  default = {
    sev1 = [5, 10, 15]
    sev2 = [15, 30, 60]
    sev3 = [30, 60, 240]
    sev4 = [60, 240, 1440]
  }
}

variable "alert_email" {
  description = "Where Cloud Monitoring sends alerts (dead letters piling up, 5xx on the Slack endpoint). Empty: no alert policies."
  type        = string
  default     = ""
}

variable "stream_min_instances" {
  description = "Live stream instances kept warm (WebSocket clients reconnect to a warm instance on deploys)."
  type        = number
  default     = 1
}

variable "stream_max_instances" {
  description = "Upper bound on live stream instances."
  type        = number
  default     = 20
}

variable "function_max_instances" {
  description = "Upper bound on instances per function (caps cost and Firestore contention)."
  type        = number
  default     = 50
}
