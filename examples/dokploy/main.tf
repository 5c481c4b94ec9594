# The whole chain on Dokploy, which `make demo` applies against the built-in emulator: an application, a
# Dokploy SSH key installed read-only on the repository, the application building from the repository
# over SSH with that key, and the repository's webhook to the application's deploy URL. Against a real
# instance, set DOKPLOY_URL, DOKPLOY_API_KEY, GITHUB_TOKEN and GITLAB_TOKEN, and dokploy_environment_id to one of
# your projects' environments.
terraform {
  required_providers {
    gitdeploy = {
      source = "gitdeploy/gitdeploy"
    }
  }
}

# URLs and keys come from the environment: DOKPLOY_URL, DOKPLOY_API_KEY, GITHUB_BASE_URL, ...
provider "gitdeploy" {}

variable "dokploy_environment_id" {
  description = "The Dokploy environment to create the applications in (a project's production environment)."
  type        = string
}

variable "dokploy_repositories" {
  description = "The repository to link on each git host: owner/name on GitHub, group/subgroup/name on GitLab."
  type        = map(string)
  default = {
    github = "gitdeploy-demo/private-app"
    gitlab = "gitdeploy-demo/frontend/app"
  }
}

# 1. An application in the environment.
resource "gitdeploy_site" "dokploy" {
  for_each = var.dokploy_repositories
  name     = "dokploy-${each.key}"
  dokploy = {
    environment_id = var.dokploy_environment_id
    description    = "Built from ${each.value} on ${each.key}"
  }
}

# 2. An SSH key made by Dokploy, installed read-only on the repository: no pasting of public keys.
resource "gitdeploy_deploy_key" "dokploy" {
  for_each     = var.dokploy_repositories
  git_provider = each.key
  repository   = each.value
  title        = "Dokploy: dokploy-${each.key}"
}

# 3. The application builds from the repository over SSH with that key (checked on the host first).
resource "gitdeploy_repo_link" "dokploy" {
  for_each      = var.dokploy_repositories
  site_id       = gitdeploy_site.dokploy[each.key].id
  git_provider  = each.key
  repository    = each.value
  branch        = "main"
  deploy_key_id = gitdeploy_deploy_key.dokploy[each.key].id
  dokploy = {
    build_type = "nixpacks"
  }
}

# 4. The webhook that deploys on every push: it posts to the application's deploy URL (a secret: the
# URL holds the application's refresh token, so the attribute is sensitive).
resource "gitdeploy_webhook" "dokploy" {
  for_each     = var.dokploy_repositories
  git_provider = each.key
  repository   = each.value
  site_id      = gitdeploy_site.dokploy[each.key].id
  events       = ["push"]
}

output "dokploy_applications" {
  value = {
    for host, app in gitdeploy_site.dokploy : host => {
      application_id = app.id
      app_name       = app.dokploy.app_name
      admin_url      = app.admin_url
      clone_url      = gitdeploy_repo_link.dokploy[host].repo_url
      deploy_key     = gitdeploy_deploy_key.dokploy[host].fingerprint
      webhook_id     = gitdeploy_webhook.dokploy[host].id
    }
  }
}
