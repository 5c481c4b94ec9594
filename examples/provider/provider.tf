# Every block is optional: configure the systems your resources use. Tokens are best left to the
# environment (NETLIFY_AUTH_TOKEN, GITHUB_TOKEN, GITLAB_TOKEN) so they stay out of your configuration.
provider "gitdeploy" {
  netlify {
    # token = ... (or NETLIFY_AUTH_TOKEN)
  }

  github {
    # GitHub Enterprise Server: the host's root; api/v3/ is added.
    base_url = "https://github.example.com/"
  }

  gitlab {
    # Self-managed GitLab (default https://gitlab.com/api/v4).
    base_url = "https://gitlab.example.com/api/v4"
  }
}
