# On Dokploy: the application builds from the repository over SSH with a Dokploy SSH key installed on it,
# with a Dockerfile, and deploys only on pushes that touch the service's directory.
resource "gitdeploy_site" "api" {
  platform = "dokploy"
  name     = "acme-api"
  dokploy  = { environment_id = "Ev4kMz8QwT2nXr6LpB9cH" } # your project's environment (here the emulator's)
}

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
