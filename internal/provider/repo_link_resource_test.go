package provider

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

const (
	repoLinkAddr    = "gitdeploy_repo_link.test"
	repoLinkSite    = "gitdeploy_site.test"
	repoLinkKeyAddr = "gitdeploy_deploy_key.test"
)

// The hosts every repo-link test runs on, each with a private repository (GitLab's in a nested subgroup)
// and a public one, as DefaultSeed has them.
var repoLinkHosts = []struct{ kind, private, public string }{
	{githost.GitHub, "gitdeploy-demo/private-app", "gitdeploy-demo/website"},
	{githost.GitLab, "gitdeploy-demo/frontend/app", "gitdeploy-demo/website"},
}

// repoLinkChainConfig is what a user writes: a site, a deploy key on the repository, and the link.
func repoLinkChainConfig(env *testEnv, kind, repo, linkBody string) string {
	return env.providerConfig() + fmt.Sprintf(`
resource "gitdeploy_site" "test" {}

resource "gitdeploy_deploy_key" "test" {
  git_provider = %[1]q
  repository   = %[2]q
}

resource "gitdeploy_repo_link" "test" {
  site_id       = gitdeploy_site.test.id
  git_provider  = %[1]q
  repository    = %[2]q
  deploy_key_id = gitdeploy_deploy_key.test.id
  %[3]s
}
`, kind, repo, linkBody)
}

// linkWant is what the emulator's site must hold after a write.
type linkWant struct {
	branch, cmd, dir, base, functionsDir, installationID string
	allowed                                              []string
	keyAddr                                              string // the deploy key resource whose id is linked; "" for none
}

func TestAccRepoLink_fullChain(t *testing.T) {
	for _, h := range repoLinkHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			noop := func(addr string) plancheck.PlanCheck {
				return plancheck.ExpectResourceAction(addr, plancheck.ResourceActionNoop)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             env.checkNothingLeft(h.kind, h.private),
				Steps: []resource.TestStep{
					{
						Config: repoLinkChainConfig(env, h.kind, h.private, `branch        = "main"
  build_command = "npm run build"
  publish_dir   = "dist"`),
						Check: resource.ComposeAggregateTestCheckFunc(
							env.checkRepoLink(repoLinkAddr, h.kind, h.private, linkWant{branch: "main", cmd: "npm run build",
								dir: "dist", allowed: []string{"main"}, keyAddr: repoLinkKeyAddr}),
							resource.TestCheckResourceAttrPair(repoLinkAddr, "id", repoLinkSite, "id"),
							resource.TestCheckResourceAttrPair(repoLinkAddr, "deploy_key_id", repoLinkKeyAddr, "id"),
							resource.TestMatchResourceAttr(repoLinkAddr, "repo_id", regexp.MustCompile(`^[0-9]+$`)),
							resource.TestMatchResourceAttr(repoLinkAddr, "repo_url", regexp.MustCompile(`^https?://.+/`+regexp.QuoteMeta(h.private)+`$`)),
							resource.TestCheckNoResourceAttr(repoLinkAddr, "allowed_branches.#"),
							resource.TestCheckNoResourceAttr(repoLinkAddr, "base_dir"),
						),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
					},
					{
						// Build settings change in place; the site and the key stay.
						Config: repoLinkChainConfig(env, h.kind, h.private, `branch           = "main"
  build_command    = "hugo --minify"
  publish_dir      = "public"
  base_dir         = "site"
  functions_dir    = "netlify/functions"
  allowed_branches = ["staging", "main"]`),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(repoLinkAddr, plancheck.ResourceActionUpdate),
								noop(repoLinkSite), noop(repoLinkKeyAddr),
							},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							env.checkRepoLink(repoLinkAddr, h.kind, h.private, linkWant{branch: "main", cmd: "hugo --minify",
								dir: "public", base: "site", functionsDir: "netlify/functions",
								allowed: []string{"main", "staging"}, keyAddr: repoLinkKeyAddr}),
							resource.TestCheckResourceAttr(repoLinkAddr, "allowed_branches.#", "2"),
						),
					},
					{
						// A new production branch is an in-place update too, once the branch exists.
						PreConfig: func() {
							if err := env.emu.AddBranch(h.kind, h.private, "develop"); err != nil {
								t.Fatal(err)
							}
						},
						Config: repoLinkChainConfig(env, h.kind, h.private, `branch           = "develop"
  build_command    = "hugo --minify"
  publish_dir      = "public"
  base_dir         = "site"
  functions_dir    = "netlify/functions"
  allowed_branches = ["staging"]`),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(repoLinkAddr, plancheck.ResourceActionUpdate),
								plancheck.ExpectKnownValue(repoLinkAddr, tfjsonpath.New("repo_id"), knownvalue.StringRegexp(regexp.MustCompile(`^[0-9]+$`))),
								noop(repoLinkSite), noop(repoLinkKeyAddr),
							},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							env.checkRepoLink(repoLinkAddr, h.kind, h.private, linkWant{branch: "develop", cmd: "hugo --minify",
								dir: "public", base: "site", functionsDir: "netlify/functions",
								allowed: []string{"develop", "staging"}, keyAddr: repoLinkKeyAddr}),
							resource.TestCheckResourceAttr(repoLinkAddr, "branch", "develop"),
							resource.TestCheckResourceAttr(repoLinkAddr, "allowed_branches.#", "1"),
						),
					},
					{ResourceName: repoLinkAddr, ImportState: true, ImportStateVerify: true},
					{ResourceName: repoLinkSite, ImportState: true, ImportStateVerify: true},
				},
			})
		})
	}
}

// A public repository needs no deploy key.
func TestAccRepoLink_publicRepository(t *testing.T) {
	for _, h := range repoLinkHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			cfg := env.providerConfig() + fmt.Sprintf(`
resource "gitdeploy_site" "test" {}

resource "gitdeploy_repo_link" "test" {
  site_id      = gitdeploy_site.test.id
  git_provider = %q
  repository   = %q
  branch       = "develop"
}
`, h.kind, h.public)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             env.checkNothingLeft(h.kind, h.public),
				Steps: []resource.TestStep{
					{
						Config: cfg,
						Check: resource.ComposeAggregateTestCheckFunc(
							env.checkRepoLink(repoLinkAddr, h.kind, h.public, linkWant{branch: "develop", allowed: []string{"develop"}}),
							resource.TestCheckNoResourceAttr(repoLinkAddr, "deploy_key_id"),
						),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
					},
					{ResourceName: repoLinkAddr, ImportState: true, ImportStateVerify: true},
				},
			})
		})
	}
}

// Drift: every field the link writes, changed on the platform behind Terraform's back, shows in the
// plan as an in-place update, and applying restores it.
func TestAccRepoLink_drift(t *testing.T) {
	for _, h := range repoLinkHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			cfg := repoLinkChainConfig(env, h.kind, h.private, `branch           = "main"
  build_command    = "npm run build"
  publish_dir      = "dist"
  base_dir         = "web"
  functions_dir    = "functions"
  allowed_branches = ["staging"]`)
			want := linkWant{branch: "main", cmd: "npm run build", dir: "dist", base: "web", functionsDir: "functions",
				allowed: []string{"main", "staging"}, keyAddr: repoLinkKeyAddr}
			var siteID string
			changeByHand := func(repo map[string]any) func() {
				return func() {
					if err := env.emu.UpdateNetlifySite(siteID, map[string]any{"repo": repo}); err != nil {
						t.Fatalf("emulator: %v", err)
					}
				}
			}
			steps := []resource.TestStep{{
				Config: cfg,
				Check: resource.ComposeTestCheckFunc(
					captureAttr(repoLinkSite, "id", &siteID),
					env.checkRepoLink(repoLinkAddr, h.kind, h.private, want),
				),
			}, {
				// The production branch missing from allowed_branches is not drift: it is always allowed.
				PreConfig: changeByHand(map[string]any{"allowed_branches": []string{"staging"}}),
				Config:    cfg,
				PlanOnly:  true,
			}}
			for _, drift := range []map[string]any{
				{"provider": "bitbucket"},
				{"repo_path": "someone/else"},
				{"repo_branch": "develop"},
				{"id": 999999},
				{"repo_url": "https://example.com/someone/else"},
				{"deploy_key_id": "5f0000000000000000000abc"},
				{"installation_id": 4242},
				{"cmd": "make"},
				{"cmd": ""},
				{"dir": "out"},
				{"base": "other"},
				{"functions_dir": "lambda"},
				{"allowed_branches": []string{"main", "staging", "rogue"}},
				{"allowed_branches": []string{"main"}},
			} {
				steps = append(steps, resource.TestStep{
					PreConfig: changeByHand(drift),
					Config:    cfg,
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(repoLinkAddr, plancheck.ResourceActionUpdate),
							plancheck.ExpectResourceAction(repoLinkSite, plancheck.ResourceActionNoop),
						},
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					Check: env.checkRepoLink(repoLinkAddr, h.kind, h.private, want),
				})
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             env.checkNothingLeft(h.kind, h.private),
				Steps:                    steps,
			})
		})
	}
}

// A site deleted by hand is created again and linked again; a link removed by hand is written again.
func TestAccRepoLink_removedByHand(t *testing.T) {
	for _, h := range repoLinkHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			cfg := repoLinkChainConfig(env, h.kind, h.private, `branch = "main"
  publish_dir = "dist"`)
			want := linkWant{branch: "main", dir: "dist", allowed: []string{"main"}, keyAddr: repoLinkKeyAddr}
			var siteID string
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             env.checkNothingLeft(h.kind, h.private),
				Steps: []resource.TestStep{
					{Config: cfg, Check: captureAttr(repoLinkSite, "id", &siteID)},
					{
						PreConfig: func() {
							if !env.emu.DeleteNetlifySite(siteID) {
								t.Fatalf("emulator: no site %s", siteID)
							}
						},
						Config: cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(repoLinkSite, plancheck.ResourceActionCreate),
								plancheck.ExpectResourceAction(repoLinkAddr, plancheck.ResourceActionCreate),
								plancheck.ExpectResourceAction(repoLinkKeyAddr, plancheck.ResourceActionNoop),
							},
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							env.checkRepoLink(repoLinkAddr, h.kind, h.private, want),
							env.checkSiteCount(1),
							captureAttr(repoLinkSite, "id", &siteID),
						),
					},
					{
						PreConfig: func() {
							err := env.emu.UpdateNetlifySite(siteID, map[string]any{"repo": map[string]any{
								"provider": "", "repo_path": "", "repo_branch": "", "repo_url": "", "id": nil,
								"deploy_key_id": "", "cmd": "", "dir": "", "allowed_branches": []string{},
							}})
							if err != nil {
								t.Fatalf("emulator: %v", err)
							}
						},
						Config: cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(repoLinkAddr, plancheck.ResourceActionCreate),
								plancheck.ExpectResourceAction(repoLinkSite, plancheck.ResourceActionNoop),
							},
						},
						Check: env.checkRepoLink(repoLinkAddr, h.kind, h.private, want),
					},
				},
			})
		})
	}
}

// Each pre-flight failure is an error on the attribute concerned, and nothing is written.
func TestAccRepoLink_preflight(t *testing.T) {
	for _, h := range repoLinkHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			missingRepo := h.private[:strings.LastIndex(h.private, "/")] + "/no-such-repo"
			// The site, a key installed on the public repository, and another key on the private one, so
			// that the private repository has a key, just not the one the link names.
			base := env.providerConfig() + fmt.Sprintf(`
resource "gitdeploy_site" "test" {}

resource "gitdeploy_deploy_key" "test" {
  git_provider = %[1]q
  repository   = %[2]q
}

resource "gitdeploy_deploy_key" "other" {
  git_provider = %[1]q
  repository   = %[3]q
}
`, h.kind, h.public, h.private)
			link := func(body string) string {
				return base + fmt.Sprintf(`
resource "gitdeploy_repo_link" "test" {
  site_id      = gitdeploy_site.test.id
  git_provider = %q
  %s
}
`, h.kind, body)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy: resource.ComposeAggregateTestCheckFunc(
					env.checkNothingLeft(h.kind, h.public), env.checkNoKeysLeft(h.kind, h.private)),
				Steps: []resource.TestStep{
					{
						Config: link(fmt.Sprintf(`repository = %q
  branch = "main"`, missingRepo)),
						ExpectError: regexp.MustCompile(`(?s)Error: Repository not found.*repository\s+=\s+"` +
							regexp.QuoteMeta(missingRepo) + `".*does\s+not\s+exist`),
					},
					{
						Config: link(fmt.Sprintf(`repository = %q
  branch = "prod"`, h.public)),
						ExpectError: regexp.MustCompile(`(?s)Error: Branch not found.*branch\s+=\s+"prod".*` +
							`branch\s+"prod"\s+does\s+not\s+exist.*Push\s+the\s+branch\s+first,\s+or\s+set\s+branch\s+to\s+an\s+existing\s+one`),
					},
					{
						Config: link(fmt.Sprintf(`repository = %q
  branch = "main"`, h.private)),
						ExpectError: regexp.MustCompile(`(?s)Error: Private repository needs a deploy key.*gitdeploy_deploy_key`),
					},
					{
						// The key exists but is installed on the public repository only.
						Config: link(fmt.Sprintf(`repository = %q
  branch = "main"
  deploy_key_id = gitdeploy_deploy_key.test.id`, h.private)),
						ExpectError: regexp.MustCompile(`(?s)Error: Deploy key not installed on the repository.*deploy_key_id\s+=.*` +
							`Permission\s+denied\s+\(publickey\)`),
					},
					{
						Config: link(fmt.Sprintf(`repository = %q
  branch = "main"
  deploy_key_id = "5f0000000000000000000abc"`, h.public)),
						ExpectError: regexp.MustCompile(`(?s)Error: Deploy key not found.*5f0000000000000000000abc`),
					},
					{
						// Nothing was written by the failed applies.
						Config: base,
						Check: func(*terraform.State) error {
							for _, s := range env.emu.NetlifySites() {
								if s.Linked {
									return fmt.Errorf("site %s was linked by a failed apply: %+v", s.ID, s.BuildSettings)
								}
							}
							return nil
						},
					},
				},
			})
		})
	}
}

// GitHub App installations: a private repository needs no key, and dropping the installation id for a
// key clears it on the platform.
func TestAccRepoLink_installationID(t *testing.T) {
	env := newTestEnv(t)
	kind, repo := githost.GitHub, "gitdeploy-demo/private-app"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNothingLeft(kind, repo),
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig() + fmt.Sprintf(`
resource "gitdeploy_site" "test" {}

resource "gitdeploy_repo_link" "test" {
  site_id         = gitdeploy_site.test.id
  git_provider    = %q
  repository      = %q
  branch          = "main"
  installation_id = 12345
}
`, kind, repo),
				Check: resource.ComposeAggregateTestCheckFunc(
					env.checkRepoLink(repoLinkAddr, kind, repo, linkWant{branch: "main", installationID: "12345", allowed: []string{"main"}}),
					resource.TestCheckResourceAttr(repoLinkAddr, "installation_id", "12345"),
				),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
			{
				Config: repoLinkChainConfig(env, kind, repo, `branch = "main"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(repoLinkAddr, plancheck.ResourceActionUpdate)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					env.checkRepoLink(repoLinkAddr, kind, repo, linkWant{branch: "main", allowed: []string{"main"}, keyAddr: repoLinkKeyAddr}),
					resource.TestCheckNoResourceAttr(repoLinkAddr, "installation_id"),
				),
			},
		},
	})
}

func TestAccRepoLink_planTimeValidation(t *testing.T) {
	env := newTestEnv(t)
	step := func(body, want string) resource.TestStep {
		return resource.TestStep{
			Config: env.providerConfig() + "resource \"gitdeploy_repo_link\" \"test\" {\n  site_id = \"abc\"\n" +
				body + "\n}\n",
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(want),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			step(`git_provider = "sourcehut"
repository = "a/b"
branch = "main"`, `(?s)git_provider.*value must be one of`),
			step(`git_provider = "github"
repository = "acme/site/extra"
branch = "main"`, `(?s)Invalid repository.*owner/name`),
			step(`git_provider = "gitlab"
repository = "group"
branch = "main"`, `(?s)Invalid repository.*group/name`),
			step(`git_provider = "github"
repository = "acme/site"
branch = "feature..x"`, `(?s)Invalid branch.*"feature..x"`),
			step(`git_provider = "github"
repository = "acme/site"
branch = "main"
allowed_branches = ["ok", "bad branch"]`, `(?s)Invalid branch in allowed_branches.*"bad branch"`),
			step(`git_provider = "gitlab"
repository = "acme/site"
branch = "main"
installation_id = 7`, `(?s)installation_id needs GitHub`),
		},
	})
}

// One key serves three sites of a monorepo; removing one link from the configuration leaves the other
// two linked and the key in place on both systems.
func TestAccRepoLink_sharedKey(t *testing.T) {
	for _, h := range repoLinkHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			cfg := func(links int) string {
				return env.providerConfig() + fmt.Sprintf(`
resource "gitdeploy_site" "mono" {
  count = 3
}

resource "gitdeploy_deploy_key" "shared" {
  git_provider = %[1]q
  repository   = %[2]q
}

resource "gitdeploy_repo_link" "mono" {
  count         = %[3]d
  site_id       = gitdeploy_site.mono[count.index].id
  git_provider  = %[1]q
  repository    = %[2]q
  branch        = "main"
  deploy_key_id = gitdeploy_deploy_key.shared.id
  base_dir      = "apps/app${count.index}"
}
`, h.kind, h.private, links)
			}
			linked := func(i int) resource.TestCheckFunc {
				return env.checkRepoLink(fmt.Sprintf("gitdeploy_repo_link.mono.%d", i), h.kind, h.private, linkWant{
					branch: "main", base: fmt.Sprintf("apps/app%d", i), allowed: []string{"main"},
					keyAddr: "gitdeploy_deploy_key.shared",
				})
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             env.checkNothingLeft(h.kind, h.private),
				Steps: []resource.TestStep{
					{
						Config: cfg(3),
						Check:  resource.ComposeAggregateTestCheckFunc(linked(0), linked(1), linked(2), env.checkSharedKeyInPlace(h.kind, h.private)),
					},
					{
						Config: cfg(2),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction("gitdeploy_repo_link.mono[2]", plancheck.ResourceActionDestroy),
								plancheck.ExpectResourceAction("gitdeploy_repo_link.mono[0]", plancheck.ResourceActionNoop),
								plancheck.ExpectResourceAction("gitdeploy_repo_link.mono[1]", plancheck.ResourceActionNoop),
								plancheck.ExpectResourceAction("gitdeploy_deploy_key.shared", plancheck.ResourceActionNoop),
							},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							linked(0), linked(1), env.checkSharedKeyInPlace(h.kind, h.private),
							func(s *terraform.State) error {
								rs, ok := s.RootModule().Resources["gitdeploy_site.mono.2"]
								if !ok {
									return fmt.Errorf("gitdeploy_site.mono[2] not in state")
								}
								site, ok := env.emu.NetlifySite(rs.Primary.ID)
								if !ok {
									return fmt.Errorf("site %s is gone: only its link was removed", rs.Primary.ID)
								}
								if site.Linked {
									return fmt.Errorf("site %s is still linked: %+v", site.ID, site.BuildSettings)
								}
								return nil
							},
						),
					},
				},
			})
		})
	}
}

// checkSharedKeyInPlace checks that the one Netlify key is still there and still installed on the repository.
func (e *testEnv) checkSharedKeyInPlace(kind, repo string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources["gitdeploy_deploy_key.shared"]
		if !ok {
			return fmt.Errorf("gitdeploy_deploy_key.shared not in state")
		}
		platKeys := e.emu.NetlifyDeployKeys()
		if len(platKeys) != 1 || platKeys[0].ID != rs.Primary.ID {
			return fmt.Errorf("want exactly the Netlify deploy key %s, the emulator has %+v", rs.Primary.ID, platKeys)
		}
		gitKeys := e.gitKeys(kind, repo)
		if len(gitKeys) != 1 || !githost.SameKey(gitKeys[0].Key, platKeys[0].PublicKey) {
			return fmt.Errorf("want the shared key installed on %s, the emulator has %+v", repo, gitKeys)
		}
		return nil
	}
}

// checkRepoLink compares the emulator's build settings of the link's site with the state and with want.
func (e *testEnv) checkRepoLink(addr, kind, repo string, want linkWant) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		a := rs.Primary.Attributes
		if a["id"] != a["site_id"] {
			return fmt.Errorf("%s: id %q is not site_id %q", addr, a["id"], a["site_id"])
		}
		site, ok := e.emu.NetlifySite(a["site_id"])
		if !ok {
			return fmt.Errorf("the emulator has no site %s", a["site_id"])
		}
		if !site.Linked {
			return fmt.Errorf("site %s is not linked", site.ID)
		}
		wantKeyID := ""
		if want.keyAddr != "" {
			key, ok := s.RootModule().Resources[want.keyAddr]
			if !ok {
				return fmt.Errorf("%s not in state", want.keyAddr)
			}
			wantKeyID = key.Primary.ID
		}
		repoID, err := e.repoID(kind, repo)
		if err != nil {
			return err
		}
		bs := site.BuildSettings
		allowed := slices.Sorted(slices.Values(bs.AllowedBranches))
		wantAllowed := slices.Sorted(slices.Values(want.allowed))
		for _, c := range []struct{ field, got, want string }{
			{"provider", bs.Provider, kind},
			{"repo_path", bs.RepoPath, repo},
			{"repo_branch", bs.RepoBranch, want.branch},
			{"id", bs.RepoID, repoID},
			{"state repo_id", a["repo_id"], repoID},
			{"repo_url", bs.RepoURL, a["repo_url"]},
			{"deploy_key_id", bs.DeployKeyID, wantKeyID},
			{"installation_id", bs.InstallationID, want.installationID},
			{"cmd", bs.Cmd, want.cmd},
			{"dir", bs.Dir, want.dir},
			{"base", bs.Base, want.base},
			{"functions_dir", bs.FunctionsDir, want.functionsDir},
			{"allowed_branches", strings.Join(allowed, ","), strings.Join(wantAllowed, ",")},
		} {
			if c.got != c.want {
				return fmt.Errorf("site %s build_settings %s = %q, want %q", site.ID, c.field, c.got, c.want)
			}
		}
		if bs.RepoURL == "" {
			return fmt.Errorf("site %s has no repo_url", site.ID)
		}
		return nil
	}
}

// repoID is the git host's id of a repository, from the emulator.
func (e *testEnv) repoID(kind, repo string) (string, error) {
	st := e.emu.State()
	switch kind {
	case githost.GitHub:
		for _, r := range st.GitHub.Repos {
			if strings.EqualFold(r.FullName, repo) {
				return r.ID, nil
			}
		}
	case githost.GitLab:
		for _, p := range st.GitLab.Projects {
			if p.PathWithNamespace == repo {
				return p.ID, nil
			}
		}
	}
	return "", fmt.Errorf("the emulator has no %s repository %s", kind, repo)
}

// checkNothingLeft is the destroy check of a chain: no site, no Netlify key, no key on the repository.
func (e *testEnv) checkNothingLeft(kind, repo string) resource.TestCheckFunc {
	return resource.ComposeAggregateTestCheckFunc(e.checkNoSitesLeft(), e.checkNoKeysLeft(kind, repo))
}
