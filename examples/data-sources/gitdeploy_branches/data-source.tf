# The release branches of a repository, to let each of them build on a site.
data "gitdeploy_branches" "release_train" {
  git_provider = "github"
  repository   = "acme/release-train"
  name_regex   = "^release/"
}

resource "gitdeploy_site" "release_train" {
  name = "acme-release-train"
}

resource "gitdeploy_repo_link" "release_train" {
  site_id          = gitdeploy_site.release_train.id
  git_provider     = "github"
  repository       = "acme/release-train"
  branch           = data.gitdeploy_branches.release_train.default_branch
  allowed_branches = data.gitdeploy_branches.release_train.names
}
