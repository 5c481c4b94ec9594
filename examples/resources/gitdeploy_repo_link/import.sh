# A repository link is imported by the id of its site; the repository and build settings are read
# from the site.
terraform import gitdeploy_repo_link.website 5b0c3e4a-6d7f-4081-8c2d-3e4f5a6b7c8d

# One instance of a for_each link (quote the address for the shell).
terraform import 'gitdeploy_repo_link.monorepo["docs"]' 4a9b2d3f-5c6e-4f70-9b1c-2d3e4f5a6b7c

# Dokploy does not keep the git host's kind: name it after the application id.
terraform import gitdeploy_repo_link.api dokploy:R7tpHBge9GOF96P9dM_vP:github

# A Dokploy link through a git-provider connection: the application id alone (its source names the
# connection and its kind).
terraform import gitdeploy_repo_link.handbook dokploy:Lp3vQ8xZk2NcR7tWm5YbE
