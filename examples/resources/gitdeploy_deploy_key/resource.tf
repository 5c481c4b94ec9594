# A Netlify deploy key installed, read-only, on a GitHub repository.
resource "gitdeploy_deploy_key" "blog" {
  git_provider = "github"
  repository   = "acme/blog"
}

# The same on a GitLab project in a nested subgroup, with a title of your own (renamed in place on GitLab).
resource "gitdeploy_deploy_key" "handbook" {
  git_provider = "gitlab"
  repository   = "acme/frontend/handbook"
  title        = "Netlify: handbook production builds"

  # Rotating the key (e.g. taint it, or change read_only) creates and installs the new key and updates
  # the links that use it before the old key is removed: builds never lose their key.
  lifecycle {
    create_before_destroy = true
  }
}

# A platform key only: install public_key yourself, e.g. on a host this provider does not manage.
resource "gitdeploy_deploy_key" "standalone" {}

output "standalone_public_key" {
  value = gitdeploy_deploy_key.standalone.public_key
}

# Bitbucket Cloud (workspace/repo_slug): deploy keys there are always read-only.
resource "gitdeploy_deploy_key" "catalog" {
  git_provider = "bitbucket"
  repository   = "acme/catalog"
}
