# A Netlify site with a name of your choice (unique across Netlify) and a custom domain.
resource "gitdeploy_site" "landing" {
  name          = "acme-landing"
  custom_domain = "www.acme.example"
}

output "landing_url" {
  value = gitdeploy_site.landing.ssl_url
}

# A site whose name Netlify picks, created in a team other than the token owner's default one.
resource "gitdeploy_site" "campaign" {
  team_slug = "acme-marketing"
}
