# Every non-archived repository of an organisation whose name starts with "site-", every page.
data "gitdeploy_repositories" "site_repos" {
  git_provider = "github"
  owner        = "acme"
  name_regex   = "^site-"
}

# A deploy key on each of them, and a webhook that makes pushes build.
resource "gitdeploy_deploy_key" "site_repos" {
  for_each     = toset(data.gitdeploy_repositories.site_repos.full_names)
  git_provider = "github"
  repository   = each.key
}

resource "gitdeploy_webhook" "site_repos" {
  for_each     = toset(data.gitdeploy_repositories.site_repos.full_names)
  git_provider = "github"
  repository   = each.key
}

# The private projects of a GitLab group and its subgroups, at most 500.
data "gitdeploy_repositories" "private_projects" {
  git_provider      = "gitlab"
  owner             = "acme"
  include_subgroups = true
  visibility        = "private"
  max_items         = 500
}

output "private_projects_truncated" {
  value = data.gitdeploy_repositories.private_projects.truncated
}
