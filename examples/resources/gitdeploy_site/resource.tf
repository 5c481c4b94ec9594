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
