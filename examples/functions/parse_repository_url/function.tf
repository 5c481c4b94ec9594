# Repositories kept as clone URLs in an inventory become the arguments the resources take.
locals {
  sites = {
    website = "git@github.com:gitdeploy-demo/website.git"
    app     = "https://gitlab.com/gitdeploy-demo/frontend/app.git"
  }
  repos = { for name, url in local.sites : name => provider::gitdeploy::parse_repository_url(url) }
}

resource "gitdeploy_deploy_key" "site" {
  for_each = local.repos

  git_provider = each.value.git_provider # "github", "gitlab"; null for a self-hosted host: set it yourself
  repository   = each.value.repository   # "gitdeploy-demo/website", "gitdeploy-demo/frontend/app"
}

output "hosts" {
  value = { for name, repo in local.repos : name => repo.host } # github.com, gitlab.com
}
