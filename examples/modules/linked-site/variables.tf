variable "platform" {
  description = "The deploy platform: \"netlify\" or \"dokploy\"."
  type        = string
  validation {
    condition     = contains(["netlify", "dokploy"], var.platform)
    error_message = "platform must be \"netlify\" or \"dokploy\"."
  }
}

variable "name" {
  description = "The site's name (Netlify: unique, lower-case letters, digits and hyphens)."
  type        = string
}

variable "repository_url" {
  description = "The repository as a clone URL (https, ssh or scp-like); or set git_provider and repository."
  type        = string
  default     = null
}

variable "git_provider" {
  description = "The git host: github, gitlab, bitbucket or gitea. Overrides what repository_url says."
  type        = string
  default     = null
}

variable "repository" {
  description = "The repository (owner/name, group/subgroup/name, workspace/repo_slug). Overrides repository_url."
  type        = string
  default     = null
}

variable "branch" {
  description = "The production branch; it must exist."
  type        = string
  default     = "main"
}

variable "build_command" {
  description = "Netlify: the build command."
  type        = string
  default     = null
}

variable "publish_dir" {
  description = "The directory to publish."
  type        = string
  default     = null
}

variable "base_dir" {
  description = "The directory to build in (a monorepo's package)."
  type        = string
  default     = null
}

variable "events" {
  description = "Events that build: push, pull_request, tag."
  type        = set(string)
  default     = ["push"]
}

variable "dokploy_environment_id" {
  description = "Dokploy: the environment to create the application in."
  type        = string
  default     = null
}

variable "dokploy_build_type" {
  description = "Dokploy: nixpacks (default), dockerfile, static, railpack, heroku_buildpacks or paketo_buildpacks."
  type        = string
  default     = "nixpacks"
}

variable "description" {
  description = "Dokploy: the application's description."
  type        = string
  default     = null
}
