# The release branches of a repository, to allow each of them to build.
data "gitdeploy_branches" "releases" {
  git_provider = "github"
  repository   = "acme/website"
  name_regex   = "^release/"
}

resource "gitdeploy_repo_link" "website" {
  site_id          = "3f2a0c9e-0000-4000-8000-000000000000"
  git_provider     = "github"
  repository       = "acme/website"
  branch           = data.gitdeploy_branches.releases.default_branch
  allowed_branches = data.gitdeploy_branches.releases.names
}
