# The same imports as import blocks (Terraform 1.5+). The id is "<platform_key_id>", or
# "<platform_key_id>:<git_provider>:<repository>" (the installed key is found by its public key), or
# "<platform_key_id>:<git_provider>:<repository>:<git_key_id>"; after "dokploy:" for a Dokploy SSH key.
import {
  to = gitdeploy_deploy_key.blog
  id = "5f1a2b3c4d5e6f7a8b9c0d1e:github:acme/blog:123456"
}

import {
  to = gitdeploy_deploy_key.handbook
  id = "6a7b8c9d0e1f2a3b4c5d6e7f:gitlab:acme/frontend/handbook"
}

import {
  to = gitdeploy_deploy_key.standalone
  id = "7b8c9d0e1f2a3b4c5d6e7f8a"
}

import {
  to = gitdeploy_deploy_key.catalog
  id = "8c9d0e1f2a3b4c5d6e7f8a9b:bitbucket:acme/catalog:42"
}

import {
  to = gitdeploy_deploy_key.intranet
  id = "dokploy:Xk3pQ9vLm2TrW8yZc4BnH:gitea:acme/intranet:17"
}
