# Provider-defined functions (Terraform 1.8+) need the provider in required_providers, as the resources do
# not: write this block once per configuration.
terraform {
  required_providers {
    gitdeploy = {
      source = "gitdeploy/gitdeploy"
    }
  }
}

# Repositories kept as clone URLs in an inventory become the arguments the resources take.
locals {
  inventory_urls = {
    portfolio = "git@github.com:acme/portfolio.git"
    portal    = "https://gitlab.com/acme/frontend/portal.git"
  }
  inventory_repos = { for name, url in local.inventory_urls : name => provider::gitdeploy::parse_repository_url(url) }
}

resource "gitdeploy_deploy_key" "inventory" {
  for_each = local.inventory_repos

  git_provider = each.value.git_provider # "github", "gitlab"; null for a self-hosted host: set it yourself
  repository   = each.value.repository   # "acme/portfolio", "acme/frontend/portal"
}

output "inventory_hosts" {
  value = { for name, repo in local.inventory_repos : name => repo.host } # github.com, gitlab.com
}
