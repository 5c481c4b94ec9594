package provider

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
)

// fastRetriesConfig is the test provider configuration with the documented retry_wait_* settings turned
// down, so that retries cost milliseconds.
func fastRetriesConfig(env *testEnv) string {
	return fmt.Sprintf(`
provider "gitdeploy" {
  retry_wait_min = "5ms"
  retry_wait_max = "20ms"
  netlify {
    token   = %q
    api_url = "%s/netlify/api/v1"
  }
}
`, testNetlifyToken, env.url)
}

// Just after a create, the service may not show the object to every reader yet: a 404 then is read again,
// and the object stays in the state (the plan after the apply is empty).
func TestAccReliability_readAfterCreate(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoSitesLeft(),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				// The first two reads of the site after its create answer 404, as a lagging replica would.
				env.emu.InjectFault(emulator.Fault{Route: "GET /netlify/api/v1/sites/{site_id}", Status: 404, Times: 2})
			},
			Config: fastRetriesConfig(env) + `resource "gitdeploy_site" "test" {}`,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
			},
			Check: env.checkSiteCount(1),
		}, {
			PreConfig: func() {
				if n := env.emu.RequestCounts()["GET /netlify/api/v1/sites/{site_id}"]; n < 3 {
					t.Errorf("the site was read %d times: the 404s were not read again", n)
				}
			},
			Config:   fastRetriesConfig(env) + `resource "gitdeploy_site" "test" {}`,
			PlanOnly: true,
		}},
	})
}

// A rate limit whose reset lies past the operation's timeout fails at once, naming the time the service
// gave, instead of waiting into the timeout.
func TestAccReliability_rateLimitPastTimeoutFailsAtOnce(t *testing.T) {
	env := newTestEnv(t)
	var started time.Time
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoSitesLeft(),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				env.emu.InjectFault(emulator.Fault{Route: "POST /netlify/api/v1/sites", Status: 429, RetryAfter: 1800, Times: -1})
				started = time.Now()
			},
			Config: fastRetriesConfig(env) + `
resource "gitdeploy_site" "test" {
  timeouts {
    create = "20s"
  }
}`,
			ExpectError: regexp.MustCompile(`(?s)Could not create the site.*wait until \S+.*after this operation's\s+deadline.*timeouts`),
		}, {
			// Nothing waited for the reset: the failed apply returned well inside the 20s timeout.
			PreConfig: func() {
				if d := time.Since(started); d > 15*time.Second {
					t.Errorf("the failing apply took %s: it waited instead of failing at once", d)
				}
				env.emu.ClearFaults()
			},
			Config: fastRetriesConfig(env),
		}},
	})
}

// Plan-time safety: a write-enabled deploy key draws a warning, and a webhook URL that is not https is
// refused unless allow_insecure_url says otherwise.
func TestAccSecurity_planTimeChecks(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	env := newTestEnv(t)
	d := newTFDriver(t)
	plan := func(body string) (string, error) {
		d.writeConfig(env.providerConfig() + body)
		return d.run("plan", "-input=false", "-no-color", "-lock=false")
	}

	out, err := plan(`
resource "gitdeploy_deploy_key" "w" {
  git_provider = "github"
  repository   = "gitdeploy-demo/website"
  read_only    = false
}`)
	if err != nil || !regexp.MustCompile(`(?s)Warning: Write-enabled deploy key.*read_only`).MatchString(out) {
		t.Errorf("write-enabled key: want a plan with a warning, got %v:\n%s", err, out)
	}
	out, err = plan(`
resource "gitdeploy_deploy_key" "r" {
  git_provider = "github"
  repository   = "gitdeploy-demo/website"
}`)
	if err != nil || strings.Contains(out, "Write-enabled") {
		t.Errorf("read-only key: want a plan without a warning, got %v:\n%s", err, out)
	}

	hook := `
resource "gitdeploy_webhook" "h" {
  git_provider = "github"
  repository   = "gitdeploy-demo/website"
  url          = "http://hooks.example.com/build"
  %s
}`
	if out, err = plan(fmt.Sprintf(hook, "")); err == nil || !regexp.MustCompile(`(?s)Invalid webhook url.*not https`).MatchString(out) {
		t.Errorf("http webhook URL: want a refusal, got %v:\n%s", err, out)
	}
	if out, err = plan(fmt.Sprintf(hook, "allow_insecure_url = true")); err != nil {
		t.Errorf("http webhook URL with allow_insecure_url: want a plan, got %v:\n%s", err, out)
	}
}
