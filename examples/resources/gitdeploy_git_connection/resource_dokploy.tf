# A Gitea (or Forgejo) connection with a personal access token (scopes read:repository and read:user).
# Create tests it: a token Gitea refuses fails the apply, names access_token_wo, and leaves nothing behind.
resource "gitdeploy_git_connection" "gitea" {
  platform = "dokploy"
  kind     = "gitea"
  name     = "Gitea"
  url      = "https://gitea.com" # or your own instance, e.g. https://git.acme.example

  # Write-only (Terraform 1.11+): only its SHA-256 is kept, so a token changed in Dokploy's dashboard still
  # shows in the next plan. Bump the version to send a new token.
  access_token_wo         = var.gitea_token
  access_token_wo_version = 1
}

# Bitbucket Cloud: an Atlassian API token with its account's e-mail, and the workspace whose repositories
# Dokploy lists (create tests the connection by listing it).
resource "gitdeploy_git_connection" "bitbucket" {
  platform  = "dokploy"
  kind      = "bitbucket"
  name      = "Bitbucket (acme)"
  email     = "ci@acme.example"
  workspace = "acme"

  api_token_wo         = var.bitbucket_api_token
  api_token_wo_version = 1
}

# GitLab: an OAuth application registered on GitLab (scopes api, read_user, read_repository) whose callback
# URL is this connection's redirect_uri. A person authorises it once in Dokploy's dashboard: until then
# the apply warns, authorized is false, and links through it fail their pre-flight.
resource "gitdeploy_git_connection" "gitlab" {
  platform       = "dokploy"
  kind           = "gitlab"
  name           = "GitLab (acme)"
  application_id = "3c5e0d9a8b7f6e5d4c3b2a1908f7e6d5c4b3a29180f7e6d5c4b3a2918a7b6c5d"
  group_name     = "acme"

  secret_wo         = var.gitlab_oauth_secret
  secret_wo_version = 1
}

output "gitlab_connection_authorize_url" {
  description = "Open it signed in to GitLab to authorise Dokploy's GitLab connection."
  value       = gitdeploy_git_connection.gitlab.authorized ? null : gitdeploy_git_connection.gitlab.authorize_url
}

variable "gitea_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "bitbucket_api_token" {
  type      = string
  sensitive = true
  ephemeral = true
}

variable "gitlab_oauth_secret" {
  type      = string
  sensitive = true
  ephemeral = true
}
