# GitHub (or GitHub Enterprise Server) as a GitHub App installation instead of a personal token. The
# provider exchanges the app's key for installation tokens and renews them before they expire. The values
# may also come from GITHUB_APP_ID, GITHUB_APP_INSTALLATION_ID and GITHUB_APP_PEM_FILE (then write an
# empty `app_auth {}`). pem_file holds the key's content, as in integrations/github, not a path.
provider "gitdeploy" {
  github {
    base_url = "https://github.example.com/"
    app_auth {
      id              = "123456"
      installation_id = "7890123"
      pem_file        = file("${path.module}/gitdeploy-ci.private-key.pem")
    }
  }
}
