# A key installed on a repository: <platform_key_id>:<git_provider>:<repository>:<git_key_id>
terraform import gitdeploy_deploy_key.website 5f1a2b3c4d5e6f7a8b9c0d1e:github:acme/website:123456

# The same without the git key's id: the key installed on the repository is found by its public key
# (and when it is not installed, the next plan replaces the key).
terraform import gitdeploy_deploy_key.website 5f1a2b3c4d5e6f7a8b9c0d1e:github:acme/website

# A platform key that is not installed anywhere: <platform_key_id>
terraform import gitdeploy_deploy_key.manual 5f1a2b3c4d5e6f7a8b9c0d1e

# A Dokploy SSH key, after "dokploy:" when both platforms are configured.
terraform import gitdeploy_deploy_key.api dokploy:Xk3pQ9vLm2TrW8yZc4BnH:github:acme/platform
