package provider

import (
	"fmt"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// The acceptance tests of honoured timeouts: an operation past its timeout stops there with an error that
// names the timeouts attribute, its value and what exists on which system; an object whose create was
// applied but answered after the timeout is kept in state (tainted), not orphaned.

// slowAnswer is how long a slow service takes: far past every timeout these tests set, and past the
// provider's own lookup after a timeout, so that a test passes only when the provider stops waiting.
const slowAnswer = 30 * time.Second

// slow is a fault that keeps the request waiting for slowAnswer and, when the client gives up first,
// applies nothing.
func slow(route string) emulator.Fault {
	return emulator.Fault{Route: route, Latency: slowAnswer}
}

// appliedLate is a fault that applies the request at once and answers (a 502) only after slowAnswer: a
// client that gives up at its timeout has had its request applied without hearing so.
func appliedLate(route string) emulator.Fault {
	return emulator.Fault{Route: route, AfterApply: true, Status: 502, Latency: slowAnswer}
}

// timed records when an apply starts (a step's PreConfig) and checks how long it took (the next step's).
type timed struct {
	t       *testing.T
	started time.Time
}

func (w *timed) start() { w.started = time.Now() }

// within fails the test when the apply started last took longer than limit.
func (w *timed) within(limit time.Duration) {
	if d := time.Since(w.started); d > limit {
		w.t.Errorf("the failing apply took %s, more than %s: the provider waited past the timeout", d, limit)
	}
}

// expectReplacedAndClean is a step that applies cfg again, faults cleared: the resource the failed create
// kept in state (tainted) is replaced, then check holds and the plan is empty.
func expectReplacedAndClean(env *testEnv, cfg, addr string, check resource.TestCheckFunc) resource.TestStep {
	return resource.TestStep{
		PreConfig: env.emu.ClearFaults,
		Config:    cfg,
		ConfigPlanChecks: resource.ConfigPlanChecks{
			PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionReplace)},
			PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
		},
		Check: check,
	}
}

func TestAccTimeouts_site(t *testing.T) {
	env := newTestEnv(t)
	clock := &timed{t: t}
	cfg := func(extra string) string {
		return siteConfig(env, `name = "slow-site"
`+extra+`
timeouts {
  create = "1s"
  update = "1s"
  delete = "1s"
}`)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoSitesLeft(),
		Steps: []resource.TestStep{
			{
				// Every request is slow, the lookup after the timeout too: the create stops a few seconds past
				// its timeout, and says that nothing of it is known to exist.
				PreConfig: func() {
					env.emu.InjectFault(emulator.Fault{Latency: slowAnswer, Times: -1})
					clock.start()
				},
				Config: cfg(""),
				ExpectError: phrases(`Could not create the site in time`, `The create stopped at its timeout, timeouts.create = "1s", while creating the Netlify site`,
					"No Netlify site of this resource is known to exist", `a site named "slow-site"`,
					"terraform import <address of this resource> '<site id>'", "raise timeouts.create"),
			},
			{
				// Applied, answered after the timeout: found, kept in state and named in the error.
				PreConfig: func() {
					clock.within(15 * time.Second)
					env.emu.ClearFaults()
					if n := len(env.emu.NetlifySites()); n != 0 {
						t.Errorf("a create that was never applied left %d sites", n)
					}
					env.emu.InjectFault(appliedLate("POST /netlify/api/v1/sites"))
				},
				Config: cfg(""),
				ExpectError: phrases(`timeouts.create = "1s"`, "while waiting for Netlify's answer", "The Netlify site", "(slow-site) was created all the same",
					"kept in Terraform's state, marked tainted", "terraform untaint <address of this resource>"),
			},
			// The kept site is the one replaced: no second site, no orphan.
			expectReplacedAndClean(env, cfg(""), siteAddr, env.checkSiteCount(1)),
			{
				PreConfig: func() { env.emu.InjectFault(slow("PATCH /netlify/api/v1/sites/{site_id}")) },
				Config:    cfg(`custom_domain = "www.example.com"`),
				ExpectError: phrases(`The update stopped at its timeout, timeouts.update = "1s", while updating the Netlify site`,
					"may or may not have been applied", "the next plan shows what Netlify holds now"),
			},
			{
				// The delete's one slow request is used up by the failing destroy; the test's own then works.
				PreConfig: func() { env.emu.InjectFault(slow("DELETE /netlify/api/v1/sites/{site_id}")) },
				Config:    cfg(`custom_domain = "www.example.com"`),
				Destroy:   true,
				ExpectError: phrases(`The delete stopped at its timeout, timeouts.delete = "1s"`, "may or may not have been deleted",
					"stays in Terraform's state"),
			},
		},
	})
}

func TestAccTimeouts_deployKey(t *testing.T) {
	const kind, repo = githost.GitHub, "gitdeploy-demo/website"
	const installKey = "POST /github/api/v3/repos/{owner}/{repo}/keys"
	env := newTestEnv(t)
	cfg := func(extra string) string {
		return deployKeyConfig(env, kind, repo, extra+`
  timeouts {
    create = "2s"
    delete = "2s"
  }`)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoKeysLeft(kind, repo),
		Steps: []resource.TestStep{
			{
				// The platform key is made; the install is slow and never applied: the key is kept, the error
				// says what is where.
				PreConfig: func() { env.emu.InjectFault(slow(installKey)) },
				Config:    cfg(""),
				ExpectError: phrases(`timeouts.create = "2s"`, "while installing it on GitHub repository gitdeploy-demo/website",
					"The Netlify deploy key", "was created; installing it on GitHub repository gitdeploy-demo/website did not finish",
					"kept in Terraform's state, marked tainted"),
			},
			expectReplacedAndClean(env, cfg(""), deployKeyAddr, env.checkKeysMatchState(kind, repo)),
			{
				// A new key (read_only changes) whose install is applied but answered after the timeout.
				PreConfig: func() { env.emu.InjectFault(appliedLate(installKey)) },
				Config:    cfg(`read_only = false`),
				ExpectError: phrases(`timeouts.create = "2s"`, "while waiting for GitHub's answer", "was created, and installed on GitHub repository",
					"found it after the timeout", "Both are kept in Terraform's state, marked tainted", "terraform untaint"),
			},
			expectReplacedAndClean(env, cfg(`read_only = false`), deployKeyAddr, env.checkKeysMatchState(kind, repo)),
			{
				// One half is deleted, the other is slow: the error says which; the test's destroy ends it.
				PreConfig: func() { env.emu.InjectFault(slow("DELETE /github/api/v3/repos/{owner}/{repo}/keys/{key_id}")) },
				Config:    cfg(`read_only = false`),
				Destroy:   true,
				ExpectError: phrases(`The delete stopped at its timeout, timeouts.delete = "2s"`, "The Netlify deploy key", "was deleted; deleting the deploy key",
					"of GitHub repository gitdeploy-demo/website did not finish", "the next apply or destroy deletes what is left"),
			},
		},
	})
}

func TestAccTimeouts_webhook(t *testing.T) {
	const kind, repo = githost.GitHub, "gitdeploy-demo/website"
	const createHook = "POST /github/api/v3/repos/{owner}/{repo}/hooks"
	env := newTestEnv(t)
	timeouts := `
  timeouts {
    create = "2s"
    delete = "2s"
  }`
	withBuildHook := webhookConfig(env, kind, repo, `site_id = gitdeploy_site.test.id
  build_hook = {
    branch = "main"
  }`+timeouts) + "resource \"gitdeploy_site\" \"test\" {}\n"
	plain := webhookConfig(env, kind, repo, timeouts)
	var siteID string
	oneBuildHook := func(s *terraform.State) error {
		hooks := env.emu.NetlifyBuildHooks(siteID)
		if want := s.RootModule().Resources[webhookAddr].Primary.Attributes["build_hook_id"]; len(hooks) != 1 || hooks[0].ID != want {
			return fmt.Errorf("want only the build hook %s, the emulator has %+v", want, hooks)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoHooks(kind, repo),
		Steps: []resource.TestStep{
			{
				// The build hook is made; the repository webhook is slow and never applied: the build hook is
				// kept in state, and the next apply leaves one of each.
				PreConfig: func() { env.emu.InjectFault(slow(createHook)) },
				Config:    withBuildHook,
				ExpectError: phrases(`timeouts.create = "2s"`, "while creating the webhook on GitHub repository gitdeploy-demo/website",
					"The Netlify build hook", "was created; creating the webhook on GitHub repository gitdeploy-demo/website did not finish",
					"kept in Terraform's state, marked tainted"),
			},
			expectReplacedAndClean(env, withBuildHook, webhookAddr, resource.ComposeAggregateTestCheckFunc(
				captureAttr("gitdeploy_site.test", "id", &siteID),
				env.checkHook(kind, repo, "", githost.EventPullRequest, githost.EventPush),
				oneBuildHook,
			)),
			{
				// A webhook to Netlify's endpoint (the build hook webhook replaced), applied but answered late.
				PreConfig: func() { env.emu.InjectFault(appliedLate(createHook)) },
				Config:    plain,
				ExpectError: phrases(`timeouts.create = "2s"`, "while waiting for GitHub's answer", "The webhook",
					"on GitHub repository gitdeploy-demo/website was created all the same", "marked tainted", "terraform untaint"),
			},
			expectReplacedAndClean(env, plain, webhookAddr, env.checkHook(kind, repo, "", githost.EventPullRequest, githost.EventPush)),
			{
				// Slow and never applied, nothing kept: the error says how to import a hook that appears later.
				PreConfig: func() { env.emu.InjectFault(slow(createHook)) },
				Config: plain + `resource "gitdeploy_webhook" "second" {
  git_provider = "github"
  repository   = "gitdeploy-demo/private-app"
  timeouts {
    create = "2s"
  }
}`,
				ExpectError: phrases(`timeouts.create = "2s"`, "No webhook of this resource is known to exist on GitHub repository gitdeploy-demo/private-app",
					"terraform import <address of this resource> 'github:gitdeploy-demo/private-app:<hook id>'"),
			},
			{
				// The delete's one slow request is used up by the failing destroy; the test's own then works.
				PreConfig: func() { env.emu.InjectFault(slow("DELETE /github/api/v3/repos/{owner}/{repo}/hooks/{hook_id}")) },
				Config:    plain,
				Destroy:   true,
				ExpectError: phrases(`The delete stopped at its timeout, timeouts.delete = "2s"`, "Deleting the webhook",
					"of GitHub repository gitdeploy-demo/website did not finish", "stays in Terraform's state"),
			},
		},
	})
}

func TestAccTimeouts_repoLink(t *testing.T) {
	const kind, repo = githost.GitHub, "gitdeploy-demo/private-app"
	const writeLink = "PATCH /netlify/api/v1/sites/{site_id}"
	env := newTestEnv(t)
	cfg := func(extra string) string {
		return repoLinkChainConfig(env, kind, repo, `branch = "main"
  `+extra+`
  timeouts {
    create = "2s"
    update = "2s"
    delete = "2s"
  }`)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNothingLeft(kind, repo),
		Steps: []resource.TestStep{
			{
				// The site's only PATCH is the link's write: applied, answered after the timeout.
				PreConfig: func() { env.emu.InjectFault(appliedLate(writeLink)) },
				Config:    cfg(""),
				ExpectError: phrases(`The create stopped at its timeout, timeouts.create = "2s"`, "The link was written all the same",
					"repository gitdeploy-demo/private-app, branch main", "marked tainted", "terraform untaint"),
			},
			expectReplacedAndClean(env, cfg(""), repoLinkAddr, env.checkRepoLink(repoLinkAddr, kind, repo, linkWant{branch: "main",
				allowed: []string{"main"}, keyAddr: repoLinkKeyAddr})),
			{
				// Slow and never applied: the state keeps the link as it was, and says what the site holds.
				PreConfig: func() { env.emu.InjectFault(slow(writeLink)) },
				Config:    cfg(`build_command = "make"`),
				ExpectError: phrases(`The update stopped at its timeout, timeouts.update = "2s"`, "may or may not have been applied",
					"shows repository gitdeploy-demo/private-app, branch main", "The state keeps the link as it was before"),
			},
			{
				PreConfig: env.emu.ClearFaults,
				Config:    cfg(`build_command = "make"`),
				Check: env.checkRepoLink(repoLinkAddr, kind, repo, linkWant{branch: "main", cmd: "make", allowed: []string{"main"},
					keyAddr: repoLinkKeyAddr}),
			},
			{
				// Unlinking is slow: the link stays in the state, and the site and key are not destroyed before it.
				PreConfig: func() { env.emu.InjectFault(slow(writeLink)) },
				Config:    cfg(`build_command = "make"`),
				Destroy:   true,
				ExpectError: phrases(`The delete stopped at its timeout, timeouts.delete = "2s"`,
					"Deleting the repository settings of Netlify site", "did not finish", "stays in Terraform's state"),
			},
		},
	})
}
