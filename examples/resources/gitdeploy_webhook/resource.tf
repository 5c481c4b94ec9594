# Pushes and pull requests on GitHub build on Netlify: the webhook posts to https://api.netlify.com/hooks/github.
resource "gitdeploy_webhook" "status_page" {
  git_provider = "github"
  repository   = "acme/status-page"
  events       = ["push", "pull_request"]

  # A write-only secret (Terraform 1.11+) stays out of the state; bump the version to send a new one.
  secret_wo         = var.status_page_webhook_secret
  secret_wo_version = 1
}

variable "status_page_webhook_secret" {
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

# Bitbucket Cloud: pushes and pull requests post to Netlify's /hooks/bitbucket (Bitbucket has no tag event:
# tag pushes arrive as pushes).
resource "gitdeploy_webhook" "storefront" {
  git_provider = "bitbucket"
  repository   = "acme/storefront"
  events       = ["push", "pull_request"]
}
