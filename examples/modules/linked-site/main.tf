# A linked site: the whole chain for one repository on one platform — a site, a deploy key installed
# read-only on the repository, the repository link with its build settings, and the webhook that makes
# every push build. Call it with for_each to turn a map of repositories into a fleet of sites.
terraform {
  required_version = ">= 1.8" # provider-defined functions
  required_providers {
    gitdeploy = {
      source = "gitdeploy/gitdeploy"
    }
  }
}

locals {
  # A clone URL, when given, says the host and the repository; git_provider and repository override it
  # (a self-hosted host cannot be told from its URL).
  parsed       = var.repository_url == null ? null : provider::gitdeploy::parse_repository_url(var.repository_url)
  git_provider = coalesce(var.git_provider, try(local.parsed.git_provider, null))
  repository   = coalesce(var.repository, try(local.parsed.repository, null))
  dokploy      = var.platform == "dokploy"
}

resource "gitdeploy_site" "this" {
  platform = var.platform
  name     = var.name
  dokploy  = local.dokploy ? { environment_id = var.dokploy_environment_id, description = var.description } : null
}

resource "gitdeploy_deploy_key" "this" {
  platform     = var.platform
  git_provider = local.git_provider
  repository   = local.repository
  title        = "${var.platform}: ${var.name}"
}

resource "gitdeploy_repo_link" "this" {
  platform      = var.platform
  site_id       = gitdeploy_site.this.id
  git_provider  = local.git_provider
  repository    = local.repository
  branch        = var.branch
  deploy_key_id = gitdeploy_deploy_key.this.id
  publish_dir   = var.publish_dir
  base_dir      = var.base_dir
  # Netlify runs a build command; Dokploy builds with a build type.
  build_command = local.dokploy ? null : var.build_command
  dokploy       = local.dokploy ? { build_type = var.dokploy_build_type } : null
}

resource "gitdeploy_webhook" "this" {
  platform     = var.platform
  git_provider = local.git_provider
  repository   = local.repository
  events       = var.events
  # Dokploy posts to the application's own deploy URL; Netlify to its endpoint for the git host.
  site_id = local.dokploy ? gitdeploy_site.this.id : null
}
