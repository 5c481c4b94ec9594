# A connection is imported by its id (the id attribute: Dokploy's gitlabId, bitbucketId or giteaId) or by
# its git_provider_id, optionally after "dokploy:"; the kind is found in Dokploy's listing. Credentials are
# not imported: the first apply after the import sends the configured one.
terraform import gitdeploy_git_connection.gitea dokploy:Xw2b9KqL0mZt4Rv7NcPa1

# By its git_provider_id.
terraform import gitdeploy_git_connection.bitbucket dokploy:Hc8sVn3QyE5uJ1oWdG6iT
