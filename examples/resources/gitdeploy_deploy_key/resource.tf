# A Netlify deploy key installed, read-only, on a GitHub repository.
resource "gitdeploy_deploy_key" "website" {
  git_provider = "github"
  repository   = "acme/website"
}

# The same on a GitLab project in a nested subgroup, with a title of your own.
resource "gitdeploy_deploy_key" "app" {
  git_provider = "gitlab"
  repository   = "acme/frontend/app"
  title        = "Netlify: app production builds"
}

# A platform key only: install public_key yourself, e.g. on a host this provider does not manage.
resource "gitdeploy_deploy_key" "manual" {}

output "manual_public_key" {
  value = gitdeploy_deploy_key.manual.public_key
}
