# A Dokploy SSH key installed read-only on a self-hosted Gitea or Forgejo repository (Netlify cannot build
# from Gitea; Dokploy can build from any host).
resource "gitdeploy_deploy_key" "intranet" {
  platform     = "dokploy"
  git_provider = "gitea"
  repository   = "acme/intranet"
}
