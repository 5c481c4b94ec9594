# The whole chain for a private GitHub repository: a site, a deploy key installed on the repository,
# and the link with its build settings.
resource "gitdeploy_site" "website" {
  name = "acme-website"
}

resource "gitdeploy_deploy_key" "website" {
  git_provider = "github"
  repository   = "acme/website"
}

resource "gitdeploy_repo_link" "website" {
  site_id       = gitdeploy_site.website.id
  git_provider  = "github"
  repository    = "acme/website"
  branch        = "main" # must exist on the repository
  deploy_key_id = gitdeploy_deploy_key.website.id

  build_command    = "npm run build"
  publish_dir      = "dist"
  allowed_branches = ["staging"] # "main" is always allowed
}

# A monorepo on GitLab: one deploy key serves every site; each site builds its own directory.
resource "gitdeploy_deploy_key" "monorepo" {
  git_provider = "gitlab"
  repository   = "acme/frontend/monorepo"
}

resource "gitdeploy_site" "monorepo" {
  for_each = toset(["shop", "docs", "blog"])
  name     = "acme-monorepo-${each.key}"
}

resource "gitdeploy_repo_link" "monorepo" {
  for_each      = gitdeploy_site.monorepo
  site_id       = each.value.id
  git_provider  = "gitlab"
  repository    = "acme/frontend/monorepo"
  branch        = "main"
  deploy_key_id = gitdeploy_deploy_key.monorepo.id

  base_dir      = "apps/${each.key}"
  build_command = "npm run build"
  publish_dir   = "apps/${each.key}/dist"
}

# A private GitHub repository linked through the Netlify GitHub App instead of a deploy key.
resource "gitdeploy_site" "internal_docs" {}

resource "gitdeploy_repo_link" "internal_docs" {
  site_id      = gitdeploy_site.internal_docs.id
  git_provider = "github"
  repository   = "acme/internal-docs"
  branch       = "main"
  # The last number in the URL of the app's "Configure" page on GitHub: no API of the provider's gives it.
  installation_id = 12345678
}
