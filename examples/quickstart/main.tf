# The quickstart that `make demo` applies against the built-in emulator: the whole chain that links a
# private repository to Netlify, on GitHub and on GitLab. Against the real services, set NETLIFY_AUTH_TOKEN,
# GITHUB_TOKEN and GITLAB_TOKEN and point the variables at your own repositories.
terraform {
  required_providers {
    gitdeploy = {
      source = "gitdeploy/gitdeploy"
    }
  }
}

# URLs and tokens come from the environment: NETLIFY_API_URL, GITHUB_BASE_URL, GITLAB_BASE_URL, ...
provider "gitdeploy" {}

variable "repositories" {
  description = "The repository to link on each git host: owner/name on GitHub, group/subgroup/name on GitLab."
  type        = map(string)
  default = {
    github = "gitdeploy-demo/private-app"
    gitlab = "gitdeploy-demo/frontend/app"
  }
}

variable "branch" {
  description = "The production branch; it must exist on the repositories."
  type        = string
  default     = "main"
}

# 1. A site on the platform.
resource "gitdeploy_site" "quickstart" {
  for_each = var.repositories
  name     = "quickstart-${each.key}"
}

# 2. A Netlify deploy key, installed read-only on the repository (not on your profile).
resource "gitdeploy_deploy_key" "quickstart" {
  for_each     = var.repositories
  git_provider = each.key
  repository   = each.value
}

# 3. The site's repository link; the repository, the branch and the key are checked before it is written.
resource "gitdeploy_repo_link" "quickstart" {
  for_each      = var.repositories
  site_id       = gitdeploy_site.quickstart[each.key].id
  git_provider  = each.key
  repository    = each.value
  branch        = var.branch
  deploy_key_id = gitdeploy_deploy_key.quickstart[each.key].id
  build_command = "npm run build"
  publish_dir   = "dist"
}

# 4. The webhook that makes every push build: it posts to Netlify's incoming endpoint for the git host.
resource "gitdeploy_webhook" "quickstart" {
  for_each     = var.repositories
  git_provider = each.key
  repository   = each.value
  events       = ["push", "pull_request"]
}

output "quickstart_sites" {
  value = {
    for host, site in gitdeploy_site.quickstart : host => {
      site_id    = site.id
      url        = site.ssl_url
      repo_id    = gitdeploy_repo_link.quickstart[host].repo_id
      deploy_key = gitdeploy_deploy_key.quickstart[host].fingerprint
      # target_url is sensitive (a build hook's URL starts builds); Netlify's incoming endpoint is public.
      webhook_url = nonsensitive(gitdeploy_webhook.quickstart[host].target_url)
    }
  }
}
