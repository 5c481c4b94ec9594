package provider

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
)

const (
	routeGetSite    = "GET " + emulator.NetlifyPrefix + "/sites/{site_id}"
	routeListSites  = "GET " + emulator.NetlifyPrefix + "/sites"
	routeGetKey     = "GET " + emulator.NetlifyPrefix + "/deploy_keys/{key_id}"
	routeListKeys   = "GET " + emulator.NetlifyPrefix + "/deploy_keys"
	coalescedChains = 8
)

// coalescedConfig is eight sites and eight Netlify deploy keys, one site linked: enough reads of each kind
// in one refresh for listings to answer most of them.
func coalescedConfig(env *testEnv) string {
	return env.providerConfig() + fmt.Sprintf(`
resource "gitdeploy_site" "fleet" {
  count = %[1]d
  name  = "coalesced-${count.index}"
}

resource "gitdeploy_deploy_key" "fleet" {
  count        = %[1]d
  git_provider = "github"
  repository   = "gitdeploy-demo/private-app"
  title        = "fleet key ${count.index}"
}

resource "gitdeploy_repo_link" "first" {
  site_id       = gitdeploy_site.fleet[0].id
  git_provider  = "github"
  repository    = "gitdeploy-demo/private-app"
  branch        = "main"
  deploy_key_id = gitdeploy_deploy_key.fleet[0].id
  build_command = "npm run build"
}
`, coalescedChains)
}

// requestsSoFar checks the emulator's request counts at the moment the plan is made, before any apply.
type requestsSoFar struct {
	env   *testEnv
	check func(counts map[string]int) error
}

func (c requestsSoFar) CheckPlan(_ context.Context, _ plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if err := c.check(c.env.emu.RequestCounts()); err != nil {
		resp.Error = err
	}
}

// A refresh of many sites and keys reads them from listings, and still reports a deleted site, a deleted
// key and a build setting changed by hand.
func TestAccCoalescedRefresh_showsDrift(t *testing.T) {
	env := newTestEnv(t)
	cfg := coalescedConfig(env)
	var deletedSite, deletedKey, linkedSite string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{
			Config: cfg,
			Check: resource.ComposeTestCheckFunc(
				captureAttr("gitdeploy_site.fleet.5", "id", &deletedSite),
				captureAttr("gitdeploy_deploy_key.fleet.6", "id", &deletedKey),
				captureAttr("gitdeploy_site.fleet.0", "id", &linkedSite),
			),
		}, {
			PreConfig: func() {
				env.emu.ResetRequestCounts()
			},
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
				requestsSoFar{env, func(counts map[string]int) error {
					// 8 sites: 3 read on their own, then one page answers the rest (the link uses its site's read).
					if got := counts[routeGetSite] + counts[routeListSites]; got >= coalescedChains {
						return fmt.Errorf("the refresh of %d sites made %d site requests (%d reads, %d pages), want fewer than one each",
							coalescedChains, got, counts[routeGetSite], counts[routeListSites])
					}
					if got := counts[routeGetKey] + counts[routeListKeys]; got >= coalescedChains {
						return fmt.Errorf("the refresh of %d keys made %d key requests, want fewer than one each", coalescedChains, got)
					}
					return nil
				}},
			}},
		}, {
			PreConfig: func() {
				if !env.emu.DeleteNetlifySite(deletedSite) || !env.emu.DeleteNetlifyDeployKey(deletedKey) {
					t.Fatal("emulator: the site or the key to delete is not there")
				}
				if err := env.emu.UpdateNetlifySite(linkedSite, map[string]any{"repo": map[string]any{"cmd": "make by-hand"}}); err != nil {
					t.Fatalf("emulator: %v", err)
				}
			},
			Config: cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("gitdeploy_site.fleet[5]", plancheck.ResourceActionCreate),
				plancheck.ExpectResourceAction("gitdeploy_deploy_key.fleet[6]", plancheck.ResourceActionReplace),
				plancheck.ExpectResourceAction("gitdeploy_repo_link.first", plancheck.ResourceActionUpdate),
				plancheck.ExpectResourceAction("gitdeploy_site.fleet[4]", plancheck.ResourceActionNoop),
			}},
		}},
	})
}

// A refresh of three sites in an account of hundreds reads the three, and lists nothing.
func TestAccCoalescedRefresh_fewAmongManyDoNotList(t *testing.T) {
	env := newTestEnv(t)
	for i := range 250 {
		env.createNetlifySite(t, fmt.Sprintf("someone-elses-%03d", i))
	}
	cfg := env.providerConfig() + `
resource "gitdeploy_site" "few" {
  count = 3
  name  = "few-among-many-${count.index}"
}
`
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{{Config: cfg}, {
			PreConfig: env.emu.ResetRequestCounts,
			Config:    cfg,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectEmptyPlan(),
				requestsSoFar{env, func(counts map[string]int) error {
					if counts[routeListSites] != 0 || counts[routeGetSite] != 3 {
						return fmt.Errorf("3 sites among 253: %d site reads and %d listing pages, want 3 reads and no listing",
							counts[routeGetSite], counts[routeListSites])
					}
					return nil
				}},
			}},
		}},
	})
}

// createNetlifySite makes a site through the emulated API, as another user of the account would.
func (e *testEnv) createNetlifySite(t *testing.T, name string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.url+emulator.NetlifyPrefix+"/sites", strings.NewReader(fmt.Sprintf(`{"name":%q}`, name)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testNetlifyToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("create site %s: status %d", name, resp.StatusCode)
	}
}
