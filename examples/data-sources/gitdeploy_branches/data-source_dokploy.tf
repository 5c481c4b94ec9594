# The branches of a repository as Dokploy sees them through one of its git-provider connections.
data "gitdeploy_git_connections" "branches_github" {
  kind       = "github"
  name_regex = "^GitHub \\(acme\\)$"
}

data "gitdeploy_branches" "through_dokploy" {
  platform      = "dokploy"
  connection_id = one(data.gitdeploy_git_connections.branches_github.ids)
  repository    = "acme/release-train"
  name_regex    = "^release/"
}

output "release_branches_dokploy_sees" {
  value = data.gitdeploy_branches.through_dokploy.names
}
