# On Dokploy, a site is an application in an environment of a project. With both platforms configured in
# the provider, each resource names its platform (platform = "dokploy" is harmless when Dokploy is the only one).
resource "gitdeploy_site" "billing" {
  platform = "dokploy"
  name     = "acme-billing"
  dokploy = {
    # Your project's environment id. This one is the production environment of the emulator's demo
    # project, so the example applies against gitdeploy-emulator.
    environment_id = "Ev4kMz8QwT2nXr6LpB9cH"
    description    = "Billing service"
  }
}
