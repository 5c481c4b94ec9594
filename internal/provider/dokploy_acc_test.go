package provider

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// The chain on Dokploy: an application, a Dokploy SSH key installed on the repository, the application's
// git source over SSH with that key, and the repository's webhook to the application's deploy URL.

const (
	testDokployAPIKey = emulator.DefaultDokployAPIKey
	dokploySiteAddr   = "gitdeploy_site.app"
	dokployKeyAddr    = "gitdeploy_deploy_key.app"
	dokployLinkAddr   = "gitdeploy_repo_link.app"
	dokployHookAddr   = "gitdeploy_webhook.app"
)

// dokployProviderConfig points Dokploy and the git hosts at the emulator: Dokploy is the only platform.
func (e *testEnv) dokployProviderConfig() string {
	return fmt.Sprintf(`
provider "gitdeploy" {
  retry_wait_min = "10ms"
  retry_wait_max = "100ms"
  dokploy {
    url     = "%[1]s/dokploy"
    api_key = %[2]q
  }
  github {
    token    = %[3]q
    base_url = "%[1]s/github/"
  }
  gitlab {
    token    = %[4]q
    base_url = "%[1]s/gitlab/api/v4"
  }
}
`, e.url, testDokployAPIKey, testGitHubToken, testGitLabToken)
}

// dokployChainConfig is the whole chain on Dokploy; site and link carry the extra lines given.
func dokployChainConfig(env *testEnv, kind, repo, siteExtra, linkExtra string) string {
	return env.dokployProviderConfig() + fmt.Sprintf(`
resource "gitdeploy_site" "app" {
  name = "shop"
  dokploy = {
    environment_id = %[3]q
    %[4]s
  }
}

resource "gitdeploy_deploy_key" "app" {
  git_provider = %[1]q
  repository   = %[2]q
}

resource "gitdeploy_repo_link" "app" {
  site_id       = gitdeploy_site.app.id
  git_provider  = %[1]q
  repository    = %[2]q
  branch        = "main"
  deploy_key_id = gitdeploy_deploy_key.app.id
  %[5]s
}

resource "gitdeploy_webhook" "app" {
  git_provider = %[1]q
  repository   = %[2]q
  site_id      = gitdeploy_site.app.id
  events       = ["push"]
}
`, kind, repo, emulator.DefaultDokployEnvironmentID, siteExtra, linkExtra)
}

// checkDokployChain checks the emulator against the state: the application with its git source over SSH
// with the state's key, the key in Dokploy and on the repository, the one hook posting to the deploy URL.
func (e *testEnv) checkDokployChain(kind, repo, buildType string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		attrs := func(addr string) map[string]string { return s.RootModule().Resources[addr].Primary.Attributes }
		site, key, hook := attrs(dokploySiteAddr), attrs(dokployKeyAddr), attrs(dokployHookAddr)
		app, ok := e.emu.DokployApplication(site["id"])
		if !ok {
			return fmt.Errorf("no Dokploy application %s", site["id"])
		}
		if app.SourceType != "git" || app.CustomGitSSHKeyID != key["id"] || app.CustomGitBranch != "main" ||
			!strings.HasSuffix(app.CustomGitURL, repo+".git") || app.BuildType != buildType {
			return fmt.Errorf("application's git source %+v, want git over SSH from %s with key %s, build %s", app, repo, key["id"], buildType)
		}
		keys := e.emu.DokploySSHKeys()
		if len(keys) != 1 || keys[0].ID != key["id"] {
			return fmt.Errorf("want only the SSH key %s in Dokploy, have %+v", key["id"], keys)
		}
		installed := e.gitKeys(kind, repo)
		if len(installed) != 1 || !githost.SameKey(installed[0].Key, keys[0].PublicKey) || !installed[0].ReadOnly {
			return fmt.Errorf("want the Dokploy key installed read-only on %s, the host has %+v", repo, installed)
		}
		hooks := e.hooks(kind, repo)
		want := e.url + "/dokploy/api/deploy/" + app.RefreshToken
		if len(hooks) != 1 || hooks[0].ID != hook["id"] || hooks[0].URL != want {
			return fmt.Errorf("want the one hook %s posting to the deploy URL, the host has %+v", hook["id"], hooks)
		}
		return nil
	}
}

// checkNothingLeftOnDokploy is the destroy check: no application, SSH key, installed key or hook left.
func (e *testEnv) checkNothingLeftOnDokploy(kind, repo string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if apps := e.emu.DokployApplications(); len(apps) != 0 {
			return fmt.Errorf("applications left: %+v", apps)
		}
		if keys := e.emu.DokploySSHKeys(); len(keys) != 0 {
			return fmt.Errorf("SSH keys left: %+v", keys)
		}
		if keys := e.gitKeys(kind, repo); len(keys) != 0 {
			return fmt.Errorf("deploy keys left on %s: %+v", repo, keys)
		}
		if hooks := e.hooks(kind, repo); len(hooks) != 0 {
			return fmt.Errorf("hooks left on %s: %+v", repo, hooks)
		}
		return nil
	}
}

// checkPushDeploys pushes to the branch on the emulated host and checks that Dokploy recorded a
// successful deployment.
func (e *testEnv) checkPushDeploys(kind, repo string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		return e.pushDeploys(kind, repo, s.RootModule().Resources[dokploySiteAddr].Primary.ID, "done", "")
	}
}

// pushDeploys pushes to main on the emulated host and checks the deployment of application appID.
func (e *testEnv) pushDeploys(kind, repo, appID, status, logPart string) error {
	before := len(e.emu.DokployDeployments(appID))
	res, err := e.emu.Push(kind, repo, "main")
	if err != nil {
		return err
	}
	deployments := e.emu.DokployDeployments(appID)
	if len(deployments) != before+1 {
		return fmt.Errorf("the push made %d deployments (deliveries %+v)", len(deployments)-before, res.Deliveries)
	}
	d := deployments[len(deployments)-1]
	if d.Status != status || !strings.Contains(d.Log, logPart) {
		return fmt.Errorf("deployment %+v, want status %s with %q in its log", d, status, logPart)
	}
	return nil
}

func TestAccDokploy_chain(t *testing.T) {
	for _, h := range repoLinkHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			first := dokployChainConfig(env, h.kind, h.private, `description = "the shop"`, "")
			second := dokployChainConfig(env, h.kind, h.private, `description = "the shop, built with a Dockerfile"`, `publish_dir = "dist"
  base_dir    = "web"
  dokploy = {
    build_type  = "dockerfile"
    dockerfile  = "Dockerfile.prod"
    watch_paths = ["web/**"]
  }`)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             env.checkNothingLeftOnDokploy(h.kind, h.private),
				Steps: []resource.TestStep{
					{
						Config: first,
						Check: resource.ComposeAggregateTestCheckFunc(
							resource.TestCheckResourceAttr(dokploySiteAddr, "platform", "dokploy"),
							resource.TestCheckResourceAttr(dokployLinkAddr, "dokploy.build_type", "nixpacks"),
							resource.TestMatchResourceAttr(dokploySiteAddr, "dokploy.app_name", regexp.MustCompile(`^[a-z0-9-]+-[a-z0-9]{6}$`)),
							// Dokploy has no site URLs: null, not "".
							resource.TestCheckNoResourceAttr(dokploySiteAddr, "url"),
							resource.TestCheckNoResourceAttr(dokploySiteAddr, "ssl_url"),
							env.checkDokployChain(h.kind, h.private, "nixpacks"),
							env.checkPushDeploys(h.kind, h.private),
						),
						ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
					},
					{
						// Build settings and the description change in place.
						Config: second,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{
								plancheck.ExpectResourceAction(dokployLinkAddr, plancheck.ResourceActionUpdate),
								plancheck.ExpectResourceAction(dokploySiteAddr, plancheck.ResourceActionUpdate),
								plancheck.ExpectResourceAction(dokployKeyAddr, plancheck.ResourceActionNoop),
							},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: env.checkDokployChain(h.kind, h.private, "dockerfile"),
					},
					importNoOp(dokploySiteAddr, attrsID(dokploySiteAddr, "id")),
					importNoOp(dokployKeyAddr, attrsID(dokployKeyAddr, "id", "git_provider", "repository", "git_key_id")),
					importNoOp(dokployLinkAddr, attrsID(dokployLinkAddr, "id", "git_provider")),
					importNoOp(dokployHookAddr, attrsID(dokployHookAddr, "git_provider", "repository", "id", "site_id")),
				},
			})
		})
	}
}

// Drift on both sides of each resource: changed by hand in Dokploy or on the git host, shown in the plan,
// put back by apply; a rotated deploy token repoints the hook; a removed key fails the deployment and is
// replaced.
func TestAccDokploy_drift(t *testing.T) {
	for _, h := range repoLinkHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			cfg := dokployChainConfig(env, h.kind, h.private, "", "")
			appID := func(s *terraform.State) string { return s.RootModule().Resources[dokploySiteAddr].Primary.ID }
			var app, gitKeyID, hookID string
			update := func(addr string) resource.ConfigPlanChecks {
				return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}}
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             env.checkNothingLeftOnDokploy(h.kind, h.private),
				Steps: []resource.TestStep{
					{Config: cfg, Check: resource.ComposeAggregateTestCheckFunc(
						func(s *terraform.State) error { app = appID(s); return nil },
						captureAttr(dokployKeyAddr, "git_key_id", &gitKeyID), captureAttr(dokployHookAddr, "id", &hookID))},
					{
						PreConfig: func() {
							if err := env.emu.UpdateDokployApplication(app, map[string]any{"name": "renamed-by-hand"}); err != nil {
								t.Fatal(err)
							}
						},
						Config: cfg, ConfigPlanChecks: update(dokploySiteAddr), Check: resource.TestCheckResourceAttr(dokploySiteAddr, "name", "shop"),
					},
					{
						PreConfig: func() {
							if err := env.emu.UpdateDokployApplication(app, map[string]any{"customGitBranch": "develop", "autoDeploy": false}); err != nil {
								t.Fatal(err)
							}
						},
						Config: cfg, ConfigPlanChecks: update(dokployLinkAddr), Check: env.checkDokployChain(h.kind, h.private, "nixpacks"),
					},
					{
						PreConfig: func() {
							if _, err := env.emu.RotateDokployRefreshToken(app); err != nil {
								t.Fatal(err)
							}
						},
						Config: cfg, ConfigPlanChecks: update(dokployHookAddr),
						Check: resource.ComposeAggregateTestCheckFunc(env.checkDokployChain(h.kind, h.private, "nixpacks"),
							env.checkPushDeploys(h.kind, h.private)),
					},
					{
						// The key removed from the repository: the next push fails, and the plan replaces the key.
						PreConfig: func() {
							env.deleteGitKey(h.kind, h.private, gitKeyID)
							if err := env.pushDeploys(h.kind, h.private, app, "error", "Permission denied (publickey)"); err != nil {
								t.Fatal(err)
							}
						},
						Config: cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(dokployKeyAddr, plancheck.ResourceActionReplace),
							plancheck.ExpectResourceAction(dokployLinkAddr, plancheck.ResourceActionUpdate)}},
						Check: resource.ComposeAggregateTestCheckFunc(env.checkDokployChain(h.kind, h.private, "nixpacks"),
							env.checkPushDeploys(h.kind, h.private)),
					},
					{
						// The SSH key deleted in Dokploy: replaced too.
						PreConfig: func() {
							keys := env.emu.DokploySSHKeys()
							if len(keys) != 1 || !env.emu.DeleteDokploySSHKey(keys[0].ID) {
								t.Fatalf("emulator: SSH keys %+v", keys)
							}
						},
						Config: cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
							plancheck.ExpectResourceAction(dokployKeyAddr, plancheck.ResourceActionReplace)}},
						Check: env.checkDokployChain(h.kind, h.private, "nixpacks"),
					},
					{
						// The hook deleted on the host, the application deleted in Dokploy: both made again.
						PreConfig: func() {
							hooks := env.hooks(h.kind, h.private)
							env.deleteHookByHand(t, h.kind, h.private, hooks[0].ID)
							if !env.emu.DeleteDokployApplication(app) {
								t.Fatalf("emulator: no application %s", app)
							}
						},
						Config: cfg,
						Check: resource.ComposeAggregateTestCheckFunc(env.checkDokployChain(h.kind, h.private, "nixpacks"),
							env.checkPushDeploys(h.kind, h.private)),
					},
				},
			})
		})
	}
}

// Plan-time errors: an ambiguous platform, settings the chosen platform does not have.
func TestAccDokploy_planTimeErrors(t *testing.T) {
	env := newTestEnv(t)
	both := strings.Replace(env.providerConfig(), "netlify {", fmt.Sprintf(`dokploy {
    url     = "%s/dokploy"
    api_key = %q
  }
  netlify {`, env.url, testDokployAPIKey), 1)
	step := func(cfg, want string) resource.TestStep {
		return resource.TestStep{Config: cfg, PlanOnly: true, ExpectError: regexp.MustCompile(want)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			step(both+`resource "gitdeploy_site" "x" { name = "x" }`, `(?s)Which platform\?.*platform = "netlify" or\s+"dokploy"`),
			step(env.dokployProviderConfig()+`resource "gitdeploy_site" "x" {
  name          = "x"
  custom_domain = "www.example.com"
  dokploy = { environment_id = "e" }
}`, `(?s)Setting not available on Dokploy.*custom_domain is a Netlify setting`),
			step(env.dokployProviderConfig()+`resource "gitdeploy_site" "x" { name = "x" }`, `Missing Dokploy settings`),
			step(env.dokployProviderConfig()+`resource "gitdeploy_webhook" "x" {
  git_provider = "github"
  repository   = "gitdeploy-demo/website"
  site_id      = "app"
  build_hook = { branch = "main" }
}`, `(?s)Dokploy has no build hooks`),
			step(env.dokployProviderConfig()+`resource "gitdeploy_webhook" "x" {
  git_provider = "github"
  repository   = "gitdeploy-demo/website"
}`, `(?s)Missing site_id.*own deploy URL`),
			step(env.dokployProviderConfig()+`resource "gitdeploy_repo_link" "x" {
  site_id         = "app"
  git_provider    = "github"
  repository      = "gitdeploy-demo/website"
  branch          = "main"
  build_command   = "npm run build"
}`, `(?s)build_command is a Netlify setting`),
			step(env.providerConfig()+`resource "gitdeploy_repo_link" "x" {
  site_id      = "site"
  git_provider = "github"
  repository   = "gitdeploy-demo/website"
  branch       = "main"
  dokploy      = { build_type = "static" }
}`, `(?s)dokploy is a Dokploy setting`),
		},
	})
}
