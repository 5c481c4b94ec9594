# Runs against the emulator (its seeded tokens below). By hand, with the provider installed or under
# dev_overrides: `go run ./cmd/gitdeploy-emulator -listen 127.0.0.1:8080 &` then `terraform init && terraform test`.
# `make test` runs it against an emulator of its own (TestModuleLinkedSite puts that one's address here).
# Both platforms are configured, so every resource names its platform.
variables {
  emulator_url = "http://127.0.0.1:8080"
}

provider "gitdeploy" {
  retry_wait_min = "10ms"
  retry_wait_max = "100ms"
  netlify {
    token   = "emulator-netlify-token"
    api_url = "${var.emulator_url}/netlify/api/v1"
  }
  dokploy {
    url     = "${var.emulator_url}/dokploy"
    api_key = "emulator-dokploy-api-key"
  }
  github {
    token          = "emulator-github-token"
    base_url       = "${var.emulator_url}/github/"
    write_interval = "0s"
  }
  gitlab {
    token    = "emulator-gitlab-token"
    base_url = "${var.emulator_url}/gitlab/api/v4"
  }
}

run "netlify_github" {
  variables {
    platform       = "netlify"
    name           = "fleet-website"
    repository_url = "git@github.com:gitdeploy-demo/private-app.git"
    build_command  = "npm run build"
    publish_dir    = "dist"
  }
  assert {
    condition     = output.url == "https://fleet-website.netlify.app"
    error_message = "the site's URL is ${output.url}"
  }
  assert {
    condition     = startswith(output.key_fingerprint, "SHA256:")
    error_message = "no key fingerprint"
  }
  assert {
    condition     = gitdeploy_repo_link.this.repository == "gitdeploy-demo/private-app" && gitdeploy_repo_link.this.git_provider == "github"
    error_message = "the URL was not parsed into the link's repository"
  }
}

run "dokploy_gitlab" {
  variables {
    platform               = "dokploy"
    name                   = "fleet-app"
    git_provider           = "gitlab"
    repository             = "gitdeploy-demo/frontend/app"
    dokploy_environment_id = "Ev4kMz8QwT2nXr6LpB9cH"
    dokploy_build_type     = "static"
    publish_dir            = "dist"
  }
  assert {
    condition     = gitdeploy_repo_link.this.dokploy.build_type == "static"
    error_message = "the build type was not set"
  }
  assert {
    condition     = output.webhook_id != ""
    error_message = "no webhook"
  }
}

run "bad_platform" {
  command = plan
  variables {
    platform       = "heroku"
    name           = "x"
    repository_url = "https://github.com/gitdeploy-demo/website"
  }
  expect_failures = [var.platform]
}
