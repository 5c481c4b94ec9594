# Runs the module against gitdeploy-emulator: see ../README.md. The emulator's address is a variable
# (`make test` puts its own emulator's here); the tokens are the ones the emulator's built-in seed accepts.
variables {
  emulator_url = "http://127.0.0.1:8080"
}

provider "gitdeploy" {
  retry_wait_min = "10ms" # the emulator answers at once; the defaults (1s-30s) suit the real services
  retry_wait_max = "100ms"
  netlify {
    token   = "emulator-netlify-token"
    api_url = "${var.emulator_url}/netlify/api/v1"
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

# A plan needs no apply: what the configuration decides is known, and checked, before anything exists.
run "plan_names_every_environment" {
  command = plan
  variables {
    name         = "testing-website"
    git_provider = "github"
    repository   = "gitdeploy-demo/website"
    environments = { production = "main", staging = "develop" }
  }
  assert {
    condition     = gitdeploy_site.this["staging"].name == "testing-website-staging"
    error_message = "the staging site is named ${gitdeploy_site.this["staging"].name}"
  }
  assert {
    condition     = gitdeploy_deploy_key.this.read_only
    error_message = "the deploy key would be installed read-write"
  }
}

# Apply against the emulator: the site, the key on the repository, the link (its repository and branch
# checked on GitHub first) and the webhook.
run "production" {
  variables {
    name         = "testing-website"
    git_provider = "github"
    repository   = "gitdeploy-demo/website"
  }
  assert {
    condition     = output.urls["production"] == "https://testing-website.netlify.app"
    error_message = "the production URL is ${output.urls["production"]}"
  }
  assert {
    # Netlify's repository id is the git host's: GitHub's numeric repository id (1001 in the emulator's seed).
    condition     = output.repo_id == "1001"
    error_message = "the link holds repository id ${output.repo_id}"
  }
  assert {
    condition     = startswith(output.key_fingerprint, "SHA256:")
    error_message = "the deploy key has no fingerprint"
  }
}

# The next run changes the same state: a staging site is added, and production is left as it was.
run "add_staging" {
  variables {
    name         = "testing-website"
    git_provider = "github"
    repository   = "gitdeploy-demo/website"
    environments = { production = "main", staging = "develop" }
  }
  assert {
    condition     = output.site_ids["production"] == run.production.site_ids["production"]
    error_message = "the production site was replaced"
  }
  assert {
    condition     = gitdeploy_repo_link.this["staging"].deploy_key_id == gitdeploy_deploy_key.this.id
    error_message = "the staging site does not clone with the module's deploy key"
  }
  assert {
    condition     = gitdeploy_repo_link.this["staging"].branch == "develop"
    error_message = "the staging site builds ${gitdeploy_repo_link.this["staging"].branch}"
  }
}

# The module's own input checks fail the plan: expect_failures says which one must fail.
run "rejects_a_name_netlify_would_refuse" {
  command = plan
  variables {
    name         = "Testing_Website"
    git_provider = "github"
    repository   = "gitdeploy-demo/website"
  }
  expect_failures = [var.name]
}
