# The same imports as import blocks (Terraform 1.5+). The id is "<git_provider>:<repository>:<hook_id>",
# with ":<site_id>:<build_hook_id>" for a webhook to a Netlify build hook; "dokploy:" before it and
# ":<application_id>" after it for a webhook to a Dokploy application's deploy URL. The secret is not
# imported: set secret or secret_wo, and apply once.
import {
  to = gitdeploy_webhook.status_page
  id = "github:acme/status-page:12345678"
}

import {
  to = gitdeploy_webhook.docs
  id = "gitlab:acme/frontend/docs:42:6c1d4f5b-7e80-4192-9d3e-4f5a6b7c8d9e:5f1a2b3c4d5e6f7a8b9c0d1e"
}

import {
  to = gitdeploy_webhook.storefront
  id = "bitbucket:acme/storefront:{0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0}"
}

import {
  to = gitdeploy_webhook.worker
  id = "dokploy:github:acme/worker:12345679:S8uqICgf0HPG07Q0eN_wQ"
}
