# What Dokploy sees through its GitHub App connection "GitHub (acme)" (listed by Dokploy with the app's
# installation token: no GitHub credentials in the provider needed), e.g. to link each repository.
data "gitdeploy_git_connections" "repositories_github" {
  kind       = "github"
  name_regex = "^GitHub \\(acme\\)$"
}

data "gitdeploy_repositories" "through_dokploy" {
  platform      = "dokploy"
  connection_id = one(data.gitdeploy_git_connections.repositories_github.ids)
  owner         = "acme"
  name_regex    = "^site-"
}

output "repositories_dokploy_sees" {
  value = data.gitdeploy_repositories.through_dokploy.full_names
}
