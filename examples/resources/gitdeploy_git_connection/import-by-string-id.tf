# The same imports as import blocks (Terraform 1.5+): the connection's id or git_provider_id, optionally
# after "dokploy:".
import {
  to = gitdeploy_git_connection.gitea
  id = "dokploy:Xw2b9KqL0mZt4Rv7NcPa1"
}

import {
  to = gitdeploy_git_connection.bitbucket
  id = "dokploy:Hc8sVn3QyE5uJ1oWdG6iT"
}
