# On Dokploy, every application has its own deploy URL (its refresh token is the secret): the webhook
# posts there. A token rotated in Dokploy shows in the next plan, and apply points the hook at the new URL.
resource "gitdeploy_site" "worker" {
  platform = "dokploy"
  name     = "acme-worker"
  dokploy  = { environment_id = "Ev4kMz8QwT2nXr6LpB9cH" } # your project's environment (here the emulator's)
}

resource "gitdeploy_webhook" "worker" {
  platform     = "dokploy"
  git_provider = "github"
  repository   = "acme/worker"
  site_id      = gitdeploy_site.worker.id
  events       = ["push"]
}
