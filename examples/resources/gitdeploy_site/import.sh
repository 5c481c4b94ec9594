# A Netlify site by its site id.
terraform import gitdeploy_site.landing 3f8a1c2e-4b5d-4e6f-8a9b-0c1d2e3f4a5b

# A Dokploy application by its application id, after "dokploy:" (needed when both platforms are configured;
# "netlify:" likewise names a Netlify site).
terraform import gitdeploy_site.billing dokploy:C6ynGAfd8FNE85O8cL_uO
