# Pushes and pull requests on GitHub build on Netlify: the webhook posts to https://api.netlify.com/hooks/github.
resource "gitdeploy_webhook" "website" {
  git_provider = "github"
  repository   = "acme/website"
  events       = ["push", "pull_request"]

  # A write-only secret (Terraform 1.11+) stays out of the state; bump the version to send a new one.
  secret_wo         = var.webhook_secret
  secret_wo_version = 1
}

variable "webhook_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}

# On GitLab, only pushes to release branches, to a Netlify build hook of a site that builds "release".
resource "gitdeploy_site" "docs" {
  name = "acme-docs"
}

resource "gitdeploy_webhook" "docs" {
  git_provider  = "gitlab"
  repository    = "acme/frontend/docs"
  events        = ["push"]
  branch_filter = "release/*"

  site_id = gitdeploy_site.docs.id
  build_hook = {
    title  = "GitLab release pushes"
    branch = "release"
  }
}
