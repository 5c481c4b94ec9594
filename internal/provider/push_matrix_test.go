package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// The push matrix: every platform × git host pair the provider supports applies the chain (site, deploy
// key, link, webhook), and a push to the branch on the emulated host makes the platform build or deploy;
// the key removed by hand makes the next push fail, and the next plan replaces the key. Netlify cannot
// build from Gitea: that pair fails at plan time.

// pushMatrixRepos is the private repository of each host's default seed.
var pushMatrixRepos = map[string]string{
	githost.GitHub:    "gitdeploy-demo/private-app",
	githost.GitLab:    "gitdeploy-demo/frontend/app",
	githost.Bitbucket: "gitdeploy-demo/private-app",
	githost.Gitea:     "gitdeploy-demo/private-app",
}

// allHostsProviderConfig configures one platform and every git host against the emulator.
func (e *testEnv) allHostsProviderConfig(platformKind string) string {
	platformBlock := fmt.Sprintf(`netlify {
    token   = %q
    api_url = "%s/netlify/api/v1"
  }`, testNetlifyToken, e.url)
	if platformKind == platform.Dokploy {
		platformBlock = fmt.Sprintf(`dokploy {
    url     = "%s/dokploy"
    api_key = %q
  }`, e.url, testDokployAPIKey)
	}
	return fmt.Sprintf(`
provider "gitdeploy" {
  retry_wait_min = "10ms"
  retry_wait_max = "100ms"
  %[1]s
  github {
    token    = %[3]q
    base_url = "%[2]s/github/"
  }
  gitlab {
    token    = %[4]q
    base_url = "%[2]s/gitlab/api/v4"
  }
  bitbucket {
    email     = %[5]q
    api_token = %[6]q
    base_url  = "%[2]s/bitbucket/2.0"
  }
  gitea {
    token    = %[7]q
    base_url = "%[2]s/gitea"
  }
}
`, platformBlock, e.url, testGitHubToken, testGitLabToken, emulator.DefaultBitbucketEmail, emulator.DefaultBitbucketAPIToken,
		emulator.DefaultGiteaToken)
}

// pushMatrixChain is the chain of one pair: on Dokploy the webhook posts to the application's deploy URL.
func pushMatrixChain(env *testEnv, platformKind, kind, repo string) string {
	site, hookTarget := `name = "matrix"`, ""
	if platformKind == platform.Dokploy {
		site = fmt.Sprintf(`name    = "matrix"
  dokploy = { environment_id = %q }`, emulator.DefaultDokployEnvironmentID)
		hookTarget = "site_id = gitdeploy_site.m.id"
	}
	return env.allHostsProviderConfig(platformKind) + fmt.Sprintf(`
resource "gitdeploy_site" "m" {
  %[3]s
}

resource "gitdeploy_deploy_key" "m" {
  git_provider = %[1]q
  repository   = %[2]q
}

resource "gitdeploy_repo_link" "m" {
  site_id       = gitdeploy_site.m.id
  git_provider  = %[1]q
  repository    = %[2]q
  branch        = "main"
  deploy_key_id = gitdeploy_deploy_key.m.id
}

resource "gitdeploy_webhook" "m" {
  git_provider = %[1]q
  repository   = %[2]q
  events       = ["push"]
  %[4]s
}
`, kind, repo, site, hookTarget)
}

// pushOutcome pushes to main and returns the state of the one build or deployment the platform recorded
// for site siteID ("ready"/"done" or "error") and its message or log.
func (e *testEnv) pushOutcome(platformKind, kind, repo, siteID string) (string, string, error) {
	var before int
	if platformKind == platform.Dokploy {
		before = len(e.emu.DokployDeployments(siteID))
	} else {
		before = len(e.emu.Builds(siteID))
	}
	res, err := e.emu.Push(kind, repo, "main")
	if err != nil {
		return "", "", err
	}
	if len(res.Deliveries) != 1 || res.Deliveries[0].StatusCode/100 != 2 {
		return "", "", fmt.Errorf("want one delivered webhook, got %+v", res.Deliveries)
	}
	if platformKind == platform.Dokploy {
		d := e.emu.DokployDeployments(siteID)
		if len(d) != before+1 {
			return "", "", fmt.Errorf("the push made %d deployments", len(d)-before)
		}
		return d[len(d)-1].Status, d[len(d)-1].Log, nil
	}
	b := e.emu.Builds(siteID)
	if len(b) != before+1 {
		return "", "", fmt.Errorf("the push made %d builds", len(b)-before)
	}
	return b[len(b)-1].State, b[len(b)-1].ErrorMessage, nil
}

func TestAccPushMatrix(t *testing.T) {
	pairs := []struct{ platform, kind string }{
		{platform.Netlify, githost.GitHub}, {platform.Netlify, githost.GitLab}, {platform.Netlify, githost.Bitbucket},
		{platform.Dokploy, githost.GitHub}, {platform.Dokploy, githost.GitLab}, {platform.Dokploy, githost.Bitbucket},
		{platform.Dokploy, githost.Gitea},
	}
	for _, p := range pairs {
		t.Run(p.platform+"+"+p.kind, func(t *testing.T) {
			env := newTestEnv(t)
			repo := pushMatrixRepos[p.kind]
			cfg := pushMatrixChain(env, p.platform, p.kind, repo)
			succeeded := "ready"
			if p.platform == platform.Dokploy {
				succeeded = "done"
			}
			var siteID, gitKeyID string
			pushes := func(state, part string) resource.TestCheckFunc {
				return func(*terraform.State) error {
					got, msg, err := env.pushOutcome(p.platform, p.kind, repo, siteID)
					if err != nil {
						return err
					}
					if got != state || !regexp.MustCompile(regexp.QuoteMeta(part)).MatchString(msg) {
						return fmt.Errorf("the push's build is %s (%q), want %s with %q", got, msg, state, part)
					}
					return nil
				}
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             env.checkNoKeysLeft(p.kind, repo),
				Steps: []resource.TestStep{
					{
						Config: cfg,
						Check: resource.ComposeAggregateTestCheckFunc(
							captureAttr("gitdeploy_site.m", "id", &siteID),
							captureAttr("gitdeploy_deploy_key.m", "git_key_id", &gitKeyID),
							pushes(succeeded, ""),
						),
						ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
					{
						// The key removed by hand: the push fails; the plan shows it and replaces the key.
						PreConfig: func() {
							env.deleteGitKey(p.kind, repo, gitKeyID)
							if err := pushes("error", "Permission denied (publickey")(nil); err != nil {
								t.Fatal(err)
							}
						},
						Config: cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction("gitdeploy_deploy_key.m", plancheck.ResourceActionReplace),
						}},
						Check: pushes(succeeded, ""),
					},
				},
			})
		})
	}
	t.Run("netlify+gitea", func(t *testing.T) {
		env := newTestEnv(t)
		resource.ParallelTest(t, resource.TestCase{
			ProtoV6ProviderFactories: testAccProviders,
			Steps: []resource.TestStep{{
				Config:      pushMatrixChain(env, platform.Netlify, githost.Gitea, pushMatrixRepos[githost.Gitea]),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Platform cannot build from this git host.*Netlify cannot build from gitea`),
			}},
		})
	})
}
