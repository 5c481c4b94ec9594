# The same imports as import blocks (Terraform 1.5+). The id is the site id; on Dokploy
# "dokploy:<application_id>:<git_provider>", as Dokploy does not keep the git host's kind of an SSH link
# (a link through a git-provider connection needs only "dokploy:<application_id>").
import {
  to = gitdeploy_repo_link.website
  id = "5b0c3e4a-6d7f-4081-8c2d-3e4f5a6b7c8d"
}

import {
  to = gitdeploy_repo_link.monorepo["docs"]
  id = "4a9b2d3f-5c6e-4f70-9b1c-2d3e4f5a6b7c"
}

import {
  to = gitdeploy_repo_link.api
  id = "dokploy:R7tpHBge9GOF96P9dM_vP:github"
}

import {
  to = gitdeploy_repo_link.handbook
  id = "dokploy:Lp3vQ8xZk2NcR7tWm5YbE"
}
