# A Netlify deploy key installed, read-only, on a GitHub repository.
resource "gitdeploy_deploy_key" "website" {
  git_provider = "github"
  repository   = "acme/website"
}

# The same on a GitLab project in a nested subgroup, with a title of your own (renamed in place on GitLab).
resource "gitdeploy_deploy_key" "app" {
  git_provider = "gitlab"
  repository   = "acme/frontend/app"
  title        = "Netlify: app production builds"

  # Rotating the key (e.g. taint it, or change read_only) creates and installs the new key and updates
  # the links that use it before the old key is removed: builds never lose their key.
  lifecycle {
    create_before_destroy = true
  }
}

# A platform key only: install public_key yourself, e.g. on a host this provider does not manage.
resource "gitdeploy_deploy_key" "manual" {}

output "manual_public_key" {
  value = gitdeploy_deploy_key.manual.public_key
}

# Bitbucket Cloud (workspace/repo_slug): deploy keys there are always read-only.
resource "gitdeploy_deploy_key" "bitbucket" {
  git_provider = "bitbucket"
  repository   = "acme/storefront"
}

# A self-hosted Gitea or Forgejo repository, for a Dokploy application (Netlify cannot build from Gitea).
resource "gitdeploy_deploy_key" "gitea" {
  platform     = "dokploy"
  git_provider = "gitea"
  repository   = "acme/intranet"
}
