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

# On Dokploy, every application has its own deploy URL (its refresh token is the secret): the webhook
# posts there. A token rotated in Dokploy shows in the next plan, and apply points the hook at the new URL.
resource "gitdeploy_site" "api" {
  platform = "dokploy"
  name     = "acme-api"
  dokploy  = { environment_id = "Ev4kMz8QwT2nXr6LpB9cH" }
}

resource "gitdeploy_webhook" "api" {
  platform     = "dokploy"
  git_provider = "github"
  repository   = "acme/platform"
  site_id      = gitdeploy_site.api.id
  events       = ["push"]
}

# Bitbucket Cloud: pushes and pull requests post to Netlify's /hooks/bitbucket (Bitbucket has no tag event:
# tag pushes arrive as pushes).
resource "gitdeploy_webhook" "storefront" {
  git_provider = "bitbucket"
  repository   = "acme/storefront"
  events       = ["push", "pull_request"]
}
