# Every GitHub App connection of the Dokploy instance (only its dashboard makes them), and whether each is
# configured (the meaning of configured per kind is in the attribute's description).
data "gitdeploy_git_connections" "github" {
  kind = "github"
}

output "github_connections_configured" {
  value = { for c in data.gitdeploy_git_connections.github.connections : c.name => c.configured }
}

# The one named "GitHub (acme)": its id is what connection_id of gitdeploy_repo_link takes.
data "gitdeploy_git_connections" "acme_github" {
  kind       = "github"
  name_regex = "^GitHub \\(acme\\)$"
}

output "acme_github_connection_id" {
  value = one(data.gitdeploy_git_connections.acme_github.ids)
}
