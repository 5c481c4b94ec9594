# The quickstart that `make demo` applies against the built-in emulator. Against the real services, set
# NETLIFY_AUTH_TOKEN, GITHUB_TOKEN and GITLAB_TOKEN and point the variables at your own repositories.
terraform {
  required_providers {
    gitdeploy = {
      source = "gitdeploy/gitdeploy"
    }
  }
}

# URLs and tokens come from the environment: NETLIFY_API_URL, GITHUB_BASE_URL, GITLAB_BASE_URL, ...
provider "gitdeploy" {}

variable "github_repository" {
  description = "GitHub repository (owner/name) to give Netlify read access to."
  type        = string
  default     = "gitdeploy-demo/website"
}

variable "gitlab_repository" {
  description = "GitLab project (group/subgroup/name) to give Netlify read access to."
  type        = string
  default     = "gitdeploy-demo/frontend/app"
}

# Step 1 and 2 of linking a repository by API: a Netlify deploy key, installed read-only on the repository.
resource "gitdeploy_deploy_key" "github" {
  git_provider = "github"
  repository   = var.github_repository
}

resource "gitdeploy_deploy_key" "gitlab" {
  git_provider = "gitlab"
  repository   = var.gitlab_repository
}

output "github_deploy_key" {
  value = {
    netlify_key_id = gitdeploy_deploy_key.github.id
    github_key_id  = gitdeploy_deploy_key.github.git_key_id
    fingerprint    = gitdeploy_deploy_key.github.fingerprint
  }
}

output "gitlab_deploy_key" {
  value = {
    netlify_key_id = gitdeploy_deploy_key.gitlab.id
    gitlab_key_id  = gitdeploy_deploy_key.gitlab.git_key_id
    fingerprint    = gitdeploy_deploy_key.gitlab.fingerprint
  }
}
