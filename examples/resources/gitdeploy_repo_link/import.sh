# A repository link is imported by the id of its site; the repository and build settings are read
# from the site.
terraform import gitdeploy_repo_link.website 3f8a1c2e-4b5d-4e6f-8a9b-0c1d2e3f4a5b

# Dokploy does not keep the git host's kind: name it after the application id.
terraform import gitdeploy_repo_link.api dokploy:C6ynGAfd8FNE85O8cL_uO:github
