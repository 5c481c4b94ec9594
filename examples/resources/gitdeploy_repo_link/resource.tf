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

resource "gitdeploy_site" "app" {
  for_each = toset(["shop", "docs", "blog"])
  name     = "acme-${each.key}"
}

resource "gitdeploy_repo_link" "app" {
  for_each      = gitdeploy_site.app
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
resource "gitdeploy_site" "internal" {}

resource "gitdeploy_repo_link" "internal" {
  site_id         = gitdeploy_site.internal.id
  git_provider    = "github"
  repository      = "acme/internal-docs"
  branch          = "main"
  installation_id = 12345678
}

# On Dokploy: the application builds from the repository over SSH with a Dokploy SSH key installed on it,
# with a Dockerfile, and deploys only on pushes that touch the service's directory.
resource "gitdeploy_deploy_key" "api" {
  platform     = "dokploy"
  git_provider = "github"
  repository   = "acme/platform"
}

resource "gitdeploy_repo_link" "api" {
  platform      = "dokploy"
  site_id       = gitdeploy_site.api.id
  git_provider  = "github"
  repository    = "acme/platform"
  branch        = "main"
  deploy_key_id = gitdeploy_deploy_key.api.id
  base_dir      = "services/api"
  dokploy = {
    build_type  = "dockerfile"
    dockerfile  = "Dockerfile"
    watch_paths = ["services/api/**"]
  }
}

resource "gitdeploy_site" "api" {
  platform = "dokploy"
  name     = "acme-api"
  dokploy  = { environment_id = "Ev4kMz8QwT2nXr6LpB9cH" }
}
