# Every block is optional: configure the systems your resources use. Tokens are best left to the
# environment (NETLIFY_AUTH_TOKEN, DOKPLOY_API_KEY, GITHUB_TOKEN, GITLAB_TOKEN, BITBUCKET_API_TOKEN,
# GITEA_TOKEN, ...) so they stay out of your configuration.
provider "gitdeploy" {
  netlify {
    # token = ... (or NETLIFY_AUTH_TOKEN)
  }

  dokploy {
    # A self-hosted Dokploy instance (or DOKPLOY_URL); api_key from DOKPLOY_API_KEY.
    url = "https://dokploy.example.com"
  }

  github {
    # GitHub Enterprise Server: the host's root; api/v3/ is added.
    base_url = "https://github.example.com/"
  }

  gitlab {
    # Self-managed GitLab (default https://gitlab.com/api/v4).
    base_url = "https://gitlab.example.com/api/v4"
  }

  bitbucket {
    # An Atlassian API token goes with its account's e-mail (BITBUCKET_EMAIL, BITBUCKET_API_TOKEN);
    # or a workspace access token (BITBUCKET_ACCESS_TOKEN), which cannot manage deploy keys.
    email = "ci@acme.example"
  }

  gitea {
    # Gitea and Forgejo are self-hosted: base_url (or GITEA_BASE_URL) is required; token from GITEA_TOKEN.
    base_url = "https://git.acme.example/"
  }
}
