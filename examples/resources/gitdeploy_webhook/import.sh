# A webhook to the platform's incoming endpoint or an explicit url: <git_provider>:<repository>:<hook_id>
terraform import gitdeploy_webhook.status_page github:acme/status-page:12345678

# A webhook that posts to a Netlify build hook: ...:<site_id>:<build_hook_id>
terraform import gitdeploy_webhook.docs gitlab:acme/frontend/docs:42:6c1d4f5b-7e80-4192-9d3e-4f5a6b7c8d9e:5f1a2b3c4d5e6f7a8b9c0d1e

# Bitbucket webhook ids are UUIDs in braces.
terraform import gitdeploy_webhook.storefront 'bitbucket:acme/storefront:{0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0}'

# A webhook that posts to a Dokploy application's deploy URL: dokploy:...:<hook_id>:<application_id>
terraform import gitdeploy_webhook.worker dokploy:github:acme/worker:12345679:S8uqICgf0HPG07Q0eN_wQ

# The secret cannot be imported (no host returns it). Set secret or secret_wo in the configuration
# after the import and apply once: the update sends it. Until then an update of the imported webhook fails
# at plan time instead of removing the host's secret (unless the host reports the hook has none); set
# secret = "" if it should have none.
