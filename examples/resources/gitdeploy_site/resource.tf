# A Netlify site with a name of your choice (unique across Netlify) and a custom domain.
resource "gitdeploy_site" "website" {
  name          = "acme-website"
  custom_domain = "www.acme.example"
}

# A site whose name Netlify picks, created in a team other than the token owner's default one.
resource "gitdeploy_site" "preview" {
  team_slug = "acme-marketing"
}

output "website_url" {
  value = gitdeploy_site.website.ssl_url
}

# On Dokploy, a site is an application in an environment of a project (with both platforms configured in
# the provider, each resource names its platform).
resource "gitdeploy_site" "api" {
  platform = "dokploy"
  name     = "acme-api"
  dokploy = {
    environment_id = "Ev4kMz8QwT2nXr6LpB9cH" # the production environment of a project
    description    = "The public API"
  }
}
