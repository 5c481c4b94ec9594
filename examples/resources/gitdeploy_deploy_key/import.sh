# A key installed on a repository: <platform_key_id>:<git_provider>:<repository>:<git_key_id>
terraform import gitdeploy_deploy_key.blog 5f1a2b3c4d5e6f7a8b9c0d1e:github:acme/blog:123456

# The same without the git key's id: the key installed on the repository is found by its public key
# (and when it is not installed, the next plan replaces the key).
terraform import gitdeploy_deploy_key.handbook 6a7b8c9d0e1f2a3b4c5d6e7f:gitlab:acme/frontend/handbook

# A platform key that is not installed anywhere: <platform_key_id>
terraform import gitdeploy_deploy_key.standalone 7b8c9d0e1f2a3b4c5d6e7f8a

# Bitbucket's deploy key ids are numbers too.
terraform import gitdeploy_deploy_key.catalog 8c9d0e1f2a3b4c5d6e7f8a9b:bitbucket:acme/catalog:42

# A Dokploy SSH key, after "dokploy:" (needed when both platforms are configured).
terraform import gitdeploy_deploy_key.intranet dokploy:Xk3pQ9vLm2TrW8yZc4BnH:gitea:acme/intranet:17
