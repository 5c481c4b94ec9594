# A small module of your own, with the terraform test suite in tests/ that runs it against gitdeploy-emulator:
# one repository built by a site per environment (production from main, a staging site from another
# branch), one read-only deploy key that every site clones with, and one webhook that makes pushes build.
terraform {
  required_version = ">= 1.7" # run.<name>.<output> in tests
  required_providers {
    gitdeploy = {
      source = "gitdeploy/gitdeploy"
    }
  }
}

variable "name" {
  description = "The production site's name; other environments get \"<name>-<environment>\"."
  type        = string
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,40}$", var.name))
    error_message = "name must be lower-case letters, digits and hyphens (Netlify site names), at most 41 characters."
  }
}

variable "git_provider" {
  description = "The git host: github, gitlab or bitbucket (Netlify builds from these)."
  type        = string
}

variable "repository" {
  description = "The repository: owner/name, group/subgroup/name or workspace/repo_slug."
  type        = string
}

variable "environments" {
  description = "The branch each environment builds, e.g. { production = \"main\", staging = \"develop\" }."
  type        = map(string)
  default     = { production = "main" }
  validation {
    condition     = contains(keys(var.environments), "production")
    error_message = "environments must have a production branch."
  }
}

variable "build_command" {
  type    = string
  default = "npm run build"
}

variable "publish_dir" {
  type    = string
  default = "dist"
}

resource "gitdeploy_deploy_key" "this" {
  platform     = "netlify" # named, so the module works where Dokploy is configured too
  git_provider = var.git_provider
  repository   = var.repository
  title        = "Netlify: ${var.name}"
}

resource "gitdeploy_site" "this" {
  for_each = var.environments
  platform = "netlify"
  name     = each.key == "production" ? var.name : "${var.name}-${each.key}"
}

resource "gitdeploy_repo_link" "this" {
  for_each      = var.environments
  platform      = "netlify"
  site_id       = gitdeploy_site.this[each.key].id
  git_provider  = var.git_provider
  repository    = var.repository
  branch        = each.value
  deploy_key_id = gitdeploy_deploy_key.this.id # one key serves every environment's site
  build_command = var.build_command
  publish_dir   = var.publish_dir
}

resource "gitdeploy_webhook" "this" {
  platform     = "netlify"
  git_provider = var.git_provider
  repository   = var.repository
  events       = ["push", "pull_request"]
}

output "site_ids" {
  value = { for env, site in gitdeploy_site.this : env => site.id }
}

output "urls" {
  value = { for env, site in gitdeploy_site.this : env => site.ssl_url }
}

output "repo_id" {
  description = "The repository's id on the git host, as the platform holds it."
  value       = gitdeploy_repo_link.this["production"].repo_id
}

output "key_fingerprint" {
  value = gitdeploy_deploy_key.this.fingerprint
}
