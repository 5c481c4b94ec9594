# On Dokploy, through a git-provider connection instead of a deploy key: here the GitHub App connection
# made in Dokploy's dashboard, found by its name. Dokploy clones with the app's installation token; the
# pre-flight checks through the connection that it sees the repository and the branch. No GitHub
# credentials are needed for the link itself (a gitdeploy_webhook to the application's deploy URL still
# needs the provider's github block).
data "gitdeploy_git_connections" "dashboard_github" {
  kind       = "github"
  name_regex = "^GitHub \\(acme\\)$"
}

resource "gitdeploy_site" "handbook" {
  platform = "dokploy"
  name     = "acme-handbook"
  dokploy  = { environment_id = "Ev4kMz8QwT2nXr6LpB9cH" } # your project's environment (here the emulator's)
}

resource "gitdeploy_repo_link" "handbook" {
  platform      = "dokploy"
  site_id       = gitdeploy_site.handbook.id
  git_provider  = "github" # the connection's kind
  repository    = "acme/internal-docs"
  branch        = "main"
  connection_id = one(data.gitdeploy_git_connections.dashboard_github.ids)
  dokploy = {
    build_type = "static"
  }
  publish_dir = "public"
}
