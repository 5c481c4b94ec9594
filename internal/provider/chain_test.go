package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
)

// The whole chain proven with a push: after apply, a push to the production branch builds the linked
// site; after the deploy key is removed from the repository by hand, the next push's build fails the way
// Netlify's does, and the next plan shows the drift and repairs it.
func TestAccChain_pushBuilds(t *testing.T) {
	for _, h := range repoLinkHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			var siteID, gitKeyID string
			cfg := repoLinkChainConfig(env, h.kind, h.private, `branch = "main"`) + fmt.Sprintf(`
resource "gitdeploy_webhook" "test" {
  git_provider = %q
  repository   = %q
  secret       = "tfacc-hook-secret-push"
}
`, h.kind, h.private)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy: resource.ComposeAggregateTestCheckFunc(
					env.checkNothingLeft(h.kind, h.private),
					env.checkNoHooks(h.kind, h.private),
				),
				Steps: []resource.TestStep{
					{
						Config: cfg,
						Check: resource.ComposeAggregateTestCheckFunc(
							captureAttr("gitdeploy_site.test", "id", &siteID),
							captureAttr("gitdeploy_deploy_key.test", "git_key_id", &gitKeyID),
							env.checkPushBuilds(h.kind, h.private, "main", &siteID, "ready", ""),
							// A branch the site does not build: no build.
							env.checkPushBuilds(h.kind, h.private, "develop", &siteID, "", ""),
						),
					},
					{
						// The key removed from the repository by hand: the next build fails ...
						PreConfig: func() {
							env.deleteGitKey(h.kind, h.private, gitKeyID)
							if err := env.checkPushBuilds(h.kind, h.private, "main", &siteID, "error", "Permission denied (publickey")(nil); err != nil {
								t.Fatal(err)
							}
						},
						// ... and the plan shows it: the key is replaced, and the link follows the new key id.
						Config: cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction("gitdeploy_deploy_key.test", plancheck.ResourceActionReplace),
								plancheck.ExpectResourceAction(repoLinkAddr, plancheck.ResourceActionUpdate),
							},
						},
						Check: env.checkPushBuilds(h.kind, h.private, "main", &siteID, "ready", ""),
					},
				},
			})
		})
	}
}

// checkPushBuilds pushes to branch and checks the one build it starts for the site, by state and by a part
// of the error message; state "" means the push must start no build of the site.
func (e *testEnv) checkPushBuilds(kind, repo, branch string, siteID *string, state, errorPart string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		before := len(e.emu.Builds(*siteID))
		result, err := e.emu.Push(kind, repo, branch)
		if err != nil {
			return fmt.Errorf("push: %w", err)
		}
		for _, d := range result.Deliveries {
			if d.StatusCode/100 != 2 {
				return fmt.Errorf("delivery to %s answered %d %s", d.URL, d.StatusCode, d.Error)
			}
		}
		if len(result.Deliveries) != 1 {
			return fmt.Errorf("want one webhook delivery, got %+v", result.Deliveries)
		}
		builds := e.emu.Builds(*siteID)[before:]
		if state == "" {
			if len(builds) != 0 {
				return fmt.Errorf("a push to %s started builds: %+v", branch, builds)
			}
			return nil
		}
		if len(builds) != 1 {
			return fmt.Errorf("want one build of site %s after the push to %s, got %+v", *siteID, branch, builds)
		}
		b := builds[0]
		if b.State != state || b.Branch != branch || b.SHA != result.After || !strings.Contains(b.ErrorMessage, errorPart) {
			return fmt.Errorf("build %+v: want state %q on %s at %s with an error containing %q", b, state, branch, result.After, errorPart)
		}
		return nil
	}
}

// A link to a branch that does not exist fails at apply, naming branch.
func TestAccChain_missingBranchNamesBranch(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config:      repoLinkChainConfig(env, "gitlab", "gitdeploy-demo/frontend/app", `branch = "prod"`),
			ExpectError: regexp.MustCompile(`(?s)branch.*prod`),
		}},
	})
}
