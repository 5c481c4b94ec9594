package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
)

const siteAddr = "gitdeploy_site.test"

func siteConfig(env *testEnv, body string) string {
	return env.providerConfig() + "resource \"gitdeploy_site\" \"test\" {\n" + body + "\n}\n"
}

func TestAccSite_lifecycle(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoSitesLeft(),
		Steps: []resource.TestStep{
			{
				Config: siteConfig(env, `name = "acc-site"
custom_domain = "www.example.com"`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrSet(siteAddr, "id"),
					resource.TestCheckResourceAttr(siteAddr, "name", "acc-site"),
					resource.TestCheckResourceAttr(siteAddr, "custom_domain", "www.example.com"),
					resource.TestCheckResourceAttr(siteAddr, "ssl_url", "https://www.example.com"),
					resource.TestMatchResourceAttr(siteAddr, "admin_url", regexp.MustCompile(`/acc-site$`)),
					resource.TestCheckResourceAttr(siteAddr, "team_slug", "gitdeploy-demo"), // the token owner's default team
					env.checkSite("acc-site", "www.example.com"),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				// Rename and move the domain: both in place, the URLs follow.
				Config: siteConfig(env, `name = "acc-site-renamed"
custom_domain = "docs.example.com"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction(siteAddr, plancheck.ResourceActionUpdate),
						plancheck.ExpectUnknownValue(siteAddr, tfjsonpath.New("ssl_url")),
					},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(siteAddr, "name", "acc-site-renamed"),
					resource.TestCheckResourceAttr(siteAddr, "ssl_url", "https://docs.example.com"),
					resource.TestMatchResourceAttr(siteAddr, "admin_url", regexp.MustCompile(`/acc-site-renamed$`)),
					env.checkSite("acc-site-renamed", "docs.example.com"),
					env.checkSiteCount(1),
				),
			},
			{
				// Removing the domain removes it from the site; leaving the name out keeps it.
				Config: siteConfig(env, ``),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(siteAddr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr(siteAddr, "custom_domain"),
					resource.TestCheckResourceAttr(siteAddr, "name", "acc-site-renamed"),
					resource.TestCheckResourceAttr(siteAddr, "ssl_url", "https://acc-site-renamed.netlify.app"),
					env.checkSite("acc-site-renamed", ""),
				),
			},
			{ResourceName: siteAddr, ImportState: true, ImportStateVerify: true},
		},
	})
}

// Left out, the name is Netlify's choice, and it stays stable across plans.
func TestAccSite_generatedName(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoSitesLeft(),
		Steps: []resource.TestStep{
			{
				Config: siteConfig(env, ``),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestMatchResourceAttr(siteAddr, "name", regexp.MustCompile(`^[a-z0-9-]+$`)),
					resource.TestCheckNoResourceAttr(siteAddr, "custom_domain"),
					func(s *terraform.State) error {
						a := s.RootModule().Resources[siteAddr].Primary.Attributes
						return env.checkSite(a["name"], "")(s)
					},
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{ResourceName: siteAddr, ImportState: true, ImportStateVerify: true},
		},
	})
}

func TestAccSite_drift(t *testing.T) {
	env := newTestEnv(t)
	cfg := siteConfig(env, `name = "acc-drift"
custom_domain = "www.example.org"`)
	var siteID string
	changeByHand := func(patch map[string]any) func() {
		return func() {
			if err := env.emu.UpdateNetlifySite(siteID, patch); err != nil {
				t.Fatalf("emulator: %v", err)
			}
		}
	}
	expectUpdate := resource.ConfigPlanChecks{
		PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(siteAddr, plancheck.ResourceActionUpdate)},
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoSitesLeft(),
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureAttr(siteAddr, "id", &siteID)},
			{
				PreConfig:        changeByHand(map[string]any{"name": "renamed-by-hand"}),
				Config:           cfg,
				ConfigPlanChecks: expectUpdate,
				Check:            env.checkSite("acc-drift", "www.example.org"),
			},
			{
				PreConfig:        changeByHand(map[string]any{"custom_domain": "hijacked.example.net"}),
				Config:           cfg,
				ConfigPlanChecks: expectUpdate,
				Check:            env.checkSite("acc-drift", "www.example.org"),
			},
			{
				PreConfig:        changeByHand(map[string]any{"custom_domain": ""}),
				Config:           cfg,
				ConfigPlanChecks: expectUpdate,
				Check:            env.checkSite("acc-drift", "www.example.org"),
			},
			{
				// Deleted by hand: created again.
				PreConfig: func() {
					if !env.emu.DeleteNetlifySite(siteID) {
						t.Fatalf("emulator: no site %s", siteID)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(siteAddr, plancheck.ResourceActionCreate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					env.checkSite("acc-drift", "www.example.org"),
					env.checkSiteCount(1),
					func(s *terraform.State) error {
						if id := s.RootModule().Resources[siteAddr].Primary.ID; id == siteID {
							return fmt.Errorf("the site id is still the deleted %s", siteID)
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccSite_teamSlug(t *testing.T) {
	env := newTestEnv(t)
	if err := env.emu.Seed(&emulator.Seed{Netlify: emulator.NetlifySeed{Accounts: []string{"acc-other-team"}}}); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoSitesLeft(),
		Steps: []resource.TestStep{
			{
				Config: siteConfig(env, `team_slug = "gitdeploy-demo"`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(siteAddr, "team_slug", "gitdeploy-demo"),
					env.checkSiteAccount("gitdeploy-demo"),
				),
			},
			{
				// Another team is another site.
				Config: siteConfig(env, `team_slug = "acc-other-team"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(siteAddr, plancheck.ResourceActionReplace)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					env.checkSiteAccount("acc-other-team"),
					env.checkSiteCount(1),
				),
			},
			{ResourceName: siteAddr, ImportState: true, ImportStateVerify: true},
			importNoOp(siteAddr, attrsID(siteAddr, "id")),
		},
	})
}

func TestAccSite_errors(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoSitesLeft(),
		Steps: []resource.TestStep{
			{
				Config:      siteConfig(env, `name = "Not_A_Name"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)name.*lower-case\s+letters,\s+digits\s+and\s+hyphens`),
			},
			{
				Config:      siteConfig(env, `custom_domain = "https://www.example.com/"`),
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)custom_domain.*without\s+scheme\s+or\s+path`),
			},
			{
				Config:      siteConfig(env, `team_slug = "no-such-team"`),
				ExpectError: regexp.MustCompile(`(?s)no\s+team\s+"no-such-team"`),
			},
			{
				Config: env.providerConfig() + `
resource "gitdeploy_site" "first" {
  name = "acc-taken"
}
resource "gitdeploy_site" "second" {
  name       = "acc-taken"
  depends_on = [gitdeploy_site.first]
}
`,
				ExpectError: regexp.MustCompile(`(?s)name\s+"acc-taken"\s+is\s+taken`),
			},
		},
	})
}

// checkSite compares the emulator's site of gitdeploy_site.test with the state and with what the test expects.
func (e *testEnv) checkSite(name, customDomain string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[siteAddr]
		if !ok {
			return fmt.Errorf("%s not in state", siteAddr)
		}
		site, ok := e.emu.NetlifySite(rs.Primary.ID)
		if !ok {
			return fmt.Errorf("the emulator has no site %s", rs.Primary.ID)
		}
		if site.Name != name || site.CustomDomain != customDomain {
			return fmt.Errorf("emulator site %s: name %q, custom domain %q; want %q, %q",
				site.ID, site.Name, site.CustomDomain, name, customDomain)
		}
		if got := rs.Primary.Attributes["name"]; got != site.Name {
			return fmt.Errorf("state name %q, emulator %q", got, site.Name)
		}
		return nil
	}
}

func (e *testEnv) checkSiteAccount(account string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[siteAddr]
		if !ok {
			return fmt.Errorf("%s not in state", siteAddr)
		}
		site, ok := e.emu.NetlifySite(rs.Primary.ID)
		if !ok {
			return fmt.Errorf("the emulator has no site %s", rs.Primary.ID)
		}
		if site.AccountSlug != account {
			return fmt.Errorf("site %s is in account %q, want %q", site.ID, site.AccountSlug, account)
		}
		return nil
	}
}

func (e *testEnv) checkSiteCount(want int) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if sites := e.emu.NetlifySites(); len(sites) != want {
			return fmt.Errorf("want %d Netlify sites, the emulator has %d: %+v", want, len(sites), sites)
		}
		return nil
	}
}

func (e *testEnv) checkNoSitesLeft() resource.TestCheckFunc { return e.checkSiteCount(0) }
