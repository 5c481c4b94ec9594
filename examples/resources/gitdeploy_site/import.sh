# A site is imported by its Netlify site id.
terraform import gitdeploy_site.website 3f8a1c2e-4b5d-4e6f-8a9b-0c1d2e3f4a5b

# A Dokploy application by its application id, after "dokploy:" when both platforms are configured.
terraform import gitdeploy_site.api dokploy:C6ynGAfd8FNE85O8cL_uO
