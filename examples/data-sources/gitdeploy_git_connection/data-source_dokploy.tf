# A GitHub App connection made in Dokploy's dashboard, read and tested: a connection that no longer works
# (its app uninstalled, its key rotated) fails the plan with Dokploy's answer, before anything links
# through it.
data "gitdeploy_git_connection" "acme_github" {
  id = "q7Zt2mVb9XcL4nRw8KpYd" # its id (githubId), from Dokploy or gitdeploy_git_connections
}

output "acme_github_repositories_visible" {
  value = data.gitdeploy_git_connection.acme_github.repository_count
}
