output "site_id" {
  description = "The site's (or Dokploy application's) id."
  value       = gitdeploy_site.this.id
}

output "url" {
  description = "The site's HTTPS URL (empty on Dokploy, where domains are set apart)."
  value       = gitdeploy_site.this.ssl_url
}

output "admin_url" {
  description = "The site's page in the platform's dashboard."
  value       = gitdeploy_site.this.admin_url
}

output "key_fingerprint" {
  description = "The deploy key's SHA256 fingerprint, as ssh-keygen -l prints it."
  value       = gitdeploy_deploy_key.this.fingerprint
}

output "webhook_id" {
  description = "The git host's id of the webhook."
  value       = gitdeploy_webhook.this.id
}
