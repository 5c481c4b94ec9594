package provider

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// The acceptance tests of the hardening issue: lost answers, partial failures, verified unlinking, kept
// secrets, renamed branches and renamed keys. Each one fails when its fix is taken out.

// hostRequest calls an emulated git host's API as a user would by hand and decodes the JSON answer.
func (e *testEnv) hostRequest(t *testing.T, kind, method, path string, body any, want int) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&buf).Encode(body); err != nil {
			t.Fatal(err)
		}
	}
	base, auth := e.url+"/github/api/v3", "Bearer "+testGitHubToken
	if kind == githost.GitLab {
		base, auth = e.url+"/gitlab/api/v4", "Bearer "+testGitLabToken
	}
	req, err := http.NewRequest(method, base+path, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", auth)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }() // read below
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out) // an empty answer leaves out nil
	if resp.StatusCode != want {
		t.Fatalf("%s %s answered %d, want %d: %v", method, path, resp.StatusCode, want, out)
	}
	return out
}

// hooksPath is the webhooks collection of repo on kind's API.
func hooksPath(kind, repo string) string {
	if kind == githost.GitLab {
		return "/projects/" + escapePath(repo) + "/hooks"
	}
	return "/repos/" + repo + "/hooks"
}

// phrases is a pattern that matches the phrases in order, across Terraform's line wrapping.
func phrases(parts ...string) *regexp.Regexp {
	quoted := make([]string, 0, len(parts))
	for _, p := range parts {
		quoted = append(quoted, regexp.MustCompile(`\s+`).ReplaceAllString(regexp.QuoteMeta(p), `\s+`))
	}
	return regexp.MustCompile(`(?s)` + strings.Join(quoted, `.*`))
}

func escapePath(repo string) string { return regexp.MustCompile(`/`).ReplaceAllString(repo, "%2F") }

// checkKeysMatchState fails unless the platform's deploy keys and the repository's deploy keys are
// exactly the ones the state holds: no duplicate, no orphan.
func (e *testEnv) checkKeysMatchState(kind, repo string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[deployKeyAddr]
		if !ok {
			return fmt.Errorf("%s not in state", deployKeyAddr)
		}
		nl := e.emu.NetlifyDeployKeys()
		if len(nl) != 1 || nl[0].ID != rs.Primary.ID {
			return fmt.Errorf("want only the Netlify key %s, the emulator has %+v", rs.Primary.ID, nl)
		}
		keys := e.gitKeys(kind, repo)
		if len(keys) != 1 || keys[0].ID != rs.Primary.Attributes["git_key_id"] || !githost.SameKey(keys[0].Key, nl[0].PublicKey) {
			return fmt.Errorf("want only the git key %s with the Netlify key's public key on %s, the emulator has %+v",
				rs.Primary.Attributes["git_key_id"], repo, keys)
		}
		return nil
	}
}

// A Netlify deploy key whose create answer was lost carries nothing but its creation time: it is not
// adopted. The error names it and the import command; following it leaves no duplicate and no orphan.
func TestAccLostAnswer_timeOnlyIdentityIsImportedNotAdopted(t *testing.T) {
	const kind, repo = githost.GitHub, "gitdeploy-demo/website"
	env := newTestEnv(t)
	cfg := deployKeyConfig(env, kind, repo, "")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoKeysLeft(kind, repo),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					env.emu.InjectFault(emulator.Fault{Route: "POST /netlify/api/v1/deploy_keys", AfterApply: true, Status: http.StatusBadGateway})
				},
				Config: cfg,
				ExpectError: phrases("The request may have created the Netlify deploy key anyway. Made since it was sent:",
					"Nothing but its creation time tells", "provider adopts none",
					"terraform import <address of this resource>", ":github:gitdeploy-demo/website'"),
			},
			{
				// What the error says to do.
				ResourceName:       deployKeyAddr,
				ImportState:        true,
				ImportStatePersist: true,
				Config:             cfg,
				ImportStateIdFunc: func(*terraform.State) (string, error) {
					keys := env.emu.NetlifyDeployKeys()
					if len(keys) != 1 {
						return "", fmt.Errorf("want the one key the lost create made, the emulator has %+v", keys)
					}
					return keys[0].ID + ":" + kind + ":" + repo, nil
				},
			},
			{
				// The imported key was never installed: it is replaced, and nothing is left over.
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(deployKeyAddr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: env.checkKeysMatchState(kind, repo),
			},
		},
	})
}

// A webhook whose create was applied and answered with a 502, on a host whose listings show it only after
// a moment, is found by the relists rather than created twice.
func TestAccLostAnswer_listingLagDoesNotDuplicate(t *testing.T) {
	for _, h := range deployKeyHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			route := "POST /github/api/v3/repos/{owner}/{repo}/hooks"
			if h.kind == githost.GitLab {
				route = "POST /gitlab/api/v4/projects/{id}/hooks"
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             env.checkNoHooks(h.kind, h.repo),
				Steps: []resource.TestStep{{
					PreConfig: func() {
						env.emu.SetListingLag(150 * time.Millisecond)
						env.emu.InjectFault(emulator.Fault{Route: route, AfterApply: true, Status: http.StatusBadGateway})
					},
					Config: webhookConfig(env, h.kind, h.repo, `events = ["push"]`),
					Check: resource.ComposeAggregateTestCheckFunc(
						env.checkHook(h.kind, h.repo, "", githost.EventPush), // exactly one hook, the state's
						func(*terraform.State) error {
							if n := env.emu.RequestCounts()[route]; n != 1 {
								return fmt.Errorf("the hook was created %d times", n)
							}
							return nil
						},
					),
				}},
			})
		})
	}
}

// Installing the key fails and so does the undo of the platform key: the key stays in state (tainted)
// with a diagnostic that says what is where, and the next apply replaces it without leaving anything.
func TestAccPartialFailure_deployKeyKeptWhenUndoFails(t *testing.T) {
	for _, h := range deployKeyHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			cfg := deployKeyConfig(env, h.kind, h.repo, "")
			createKey, listKeys := "POST /github/api/v3/repos/{owner}/{repo}/keys", "GET /github/api/v3/repos/{owner}/{repo}/keys"
			if h.kind == githost.GitLab {
				createKey, listKeys = "POST /gitlab/api/v4/projects/{id}/deploy_keys", "GET /gitlab/api/v4/projects/{id}/deploy_keys"
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             env.checkNoKeysLeft(h.kind, h.repo),
				Steps: []resource.TestStep{
					{
						// The install is refused and the platform key cannot be deleted.
						PreConfig: func() {
							env.emu.InjectFault(emulator.Fault{Route: createKey, Status: http.StatusForbidden})
							env.emu.InjectFault(emulator.Fault{Route: "DELETE /netlify/api/v1/deploy_keys/{key_id}", Status: 500, Times: -1})
						},
						Config: cfg,
						ExpectError: phrases("Could not install the deploy key, and its undo failed", "the Netlify deploy key",
							"deleting it failed", "kept in Terraform's state, marked tainted"),
					},
					{
						PreConfig: env.emu.ClearFaults,
						Config:    cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(deployKeyAddr, plancheck.ResourceActionReplace)},
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: env.checkKeysMatchState(h.kind, h.repo),
					},
					{
						// The install's answer is lost after it was applied and the repository's keys cannot be
						// listed: the key may be on the repository. Kept, and removed by its public key later.
						PreConfig: func() {
							env.emu.InjectFault(emulator.Fault{Route: createKey, AfterApply: true, Status: http.StatusBadGateway})
							env.emu.InjectFault(emulator.Fault{Route: listKeys, Status: 500, Times: -1})
						},
						Config:      deployKeyConfig(env, h.kind, h.repo, `read_only = false`), // a new key replaces the first
						ExpectError: phrases("its undo failed", "perhaps a deploy key of", "kept in Terraform's state"),
					},
					{
						PreConfig: env.emu.ClearFaults,
						Config:    deployKeyConfig(env, h.kind, h.repo, `read_only = false`),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
						Check: env.checkKeysMatchState(h.kind, h.repo),
					},
				},
			})
		})
	}
}

// The repository webhook fails after its build hook was made, and deleting the build hook fails too: the
// webhook stays in state (tainted); the next apply leaves exactly one build hook and one webhook.
func TestAccPartialFailure_buildHookKeptWhenUndoFails(t *testing.T) {
	const kind, repo = githost.GitHub, "gitdeploy-demo/website"
	env := newTestEnv(t)
	cfg := webhookConfig(env, kind, repo, `site_id = gitdeploy_site.test.id
  build_hook = {
    branch = "main"
  }`) + "resource \"gitdeploy_site\" \"test\" {}\n"
	var siteID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoHooks(kind, repo),
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					env.emu.InjectFault(emulator.Fault{Route: "POST /github/api/v3/repos/{owner}/{repo}/hooks", Status: http.StatusForbidden})
					env.emu.InjectFault(emulator.Fault{Route: "DELETE /netlify/api/v1/sites/{site_id}/build_hooks/{id}", Status: 500, Times: -1})
				},
				Config: cfg,
				ExpectError: phrases("Could not create the webhook, and its undo failed", "the build hook", "deleting it failed",
					"kept in Terraform's state, marked tainted"),
			},
			{
				PreConfig: env.emu.ClearFaults,
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(webhookAddr, plancheck.ResourceActionReplace)},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					captureAttr("gitdeploy_site.test", "id", &siteID),
					env.checkHook(kind, repo, "", githost.EventPullRequest, githost.EventPush),
					func(s *terraform.State) error {
						hooks := env.emu.NetlifyBuildHooks(siteID)
						if want := s.RootModule().Resources[webhookAddr].Primary.Attributes["build_hook_id"]; len(hooks) != 1 || hooks[0].ID != want {
							return fmt.Errorf("want only the build hook %s, the emulator has %+v", want, hooks)
						}
						return nil
					},
				),
			},
		},
	})
}

// Destroying a link that the platform still reports afterwards is an error naming the site; removing
// installation_id is one write.
func TestAccRepoLink_unlinkVerifiedAndInstallationRemovedInOneWrite(t *testing.T) {
	const kind, repo = githost.GitHub, "gitdeploy-demo/website"
	env := newTestEnv(t)
	link := func(extra string) string {
		return env.providerConfig() + fmt.Sprintf(`
resource "gitdeploy_site" "test" {}

resource "gitdeploy_repo_link" "test" {
  site_id      = gitdeploy_site.test.id
  git_provider = %q
  repository   = %q
  branch       = "main"
  %s
}
`, kind, repo, extra)
	}
	var siteID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoSitesLeft(),
		Steps: []resource.TestStep{
			{
				Config: link(`installation_id = 4242`),
				Check: resource.ComposeAggregateTestCheckFunc(
					captureAttr("gitdeploy_site.test", "id", &siteID),
					env.checkRepoLink(repoLinkAddr, kind, repo, linkWant{branch: "main", installationID: "4242", allowed: []string{"main"}}),
				),
			},
			{
				PreConfig: env.emu.ResetRequestCounts,
				Config:    link(""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(repoLinkAddr, plancheck.ResourceActionUpdate)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					env.checkRepoLink(repoLinkAddr, kind, repo, linkWant{branch: "main", allowed: []string{"main"}}),
					func(*terraform.State) error {
						if n := env.emu.RequestCounts()["PATCH /netlify/api/v1/sites/{site_id}"]; n != 1 {
							return fmt.Errorf("removing installation_id took %d writes of the site; want 1", n)
						}
						return nil
					},
				),
			},
			{
				// The clearing PATCH is answered, but the site still has its repository.
				PreConfig: func() {
					env.emu.InjectFault(emulator.Fault{Route: "PATCH /netlify/api/v1/sites/{site_id}", Status: http.StatusOK, Times: -1,
						Body: `{"id":"` + siteID + `","name":"still-linked","build_settings":{"provider":"github","repo_path":"gitdeploy-demo/website","repo_branch":"main"}}`})
				},
				Config:      env.providerConfig() + `resource "gitdeploy_site" "test" {}`,
				ExpectError: phrases("Could not unlink the repository", "the answer still links site", "go on building"),
			},
			{PreConfig: env.emu.ClearFaults, Config: env.providerConfig() + `resource "gitdeploy_site" "test" {}`},
		},
	})
}

// An imported webhook whose secret Terraform does not know is never updated without one.
func TestAccWebhook_importedSecretIsNotStripped(t *testing.T) {
	for _, h := range deployKeyHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			target := env.url + "/netlify/hooks/" + h.kind
			body := map[string]any{"config": map[string]any{"url": target, "content_type": "json", "secret": "tfacc-by-hand-s3cret"}, "events": []string{"push", "pull_request"}}
			if h.kind == githost.GitLab {
				body = map[string]any{"url": target, "token": "tfacc-by-hand-s3cret", "push_events": true, "merge_requests_events": true}
			}
			var hookID string
			withEvents := func(events, extra string) string {
				return webhookConfig(env, h.kind, h.repo, "events = "+events+"\n  "+extra)
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{
					{
						ResourceName:       webhookAddr,
						ImportState:        true,
						ImportStatePersist: true,
						Config:             withEvents(`["push", "pull_request"]`, ""),
						ImportStateIdFunc: func(*terraform.State) (string, error) {
							made := env.hostRequest(t, h.kind, http.MethodPost, hooksPath(h.kind, h.repo), body, http.StatusCreated)
							hookID = fmt.Sprint(made["id"])
							return h.kind + ":" + h.repo + ":" + hookID, nil
						},
					},
					{
						// Nothing changes: nothing is sent.
						Config:   withEvents(`["push", "pull_request"]`, ""),
						PlanOnly: true,
					},
					{
						Config:      withEvents(`["push"]`, ""),
						ExpectError: phrases("Webhook secret not known", "would remove the secret", "secret_wo"),
					},
					{
						Config: withEvents(`["push"]`, `secret = "tfacc-by-hand-s3cret"`),
						Check:  env.checkHook(h.kind, h.repo, "tfacc-by-hand-s3cret", githost.EventPush),
					},
				},
			})
		})
	}
}

// A GitHub branch renamed after it was written in the configuration fails the pre-flight with its new
// name, instead of linking a branch that no longer exists (GitHub answers the old name with a redirect).
func TestAccRepoLink_renamedBranch(t *testing.T) {
	const kind, repo = githost.GitHub, "gitdeploy-demo/website"
	env := newTestEnv(t)
	if err := env.emu.AddBranch(kind, repo, "prod"); err != nil {
		t.Fatal(err)
	}
	if err := env.emu.RenameGitHubBranch(repo, "prod", "production"); err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoSitesLeft(),
		Steps: []resource.TestStep{{
			Config: env.providerConfig() + fmt.Sprintf(`
resource "gitdeploy_site" "test" {}

resource "gitdeploy_repo_link" "test" {
  site_id      = gitdeploy_site.test.id
  git_provider = %q
  repository   = %q
  branch       = "prod"
}
`, kind, repo),
			ExpectError: phrases("Branch renamed", `was renamed to "production"`, `Set branch = "production".`),
		}},
	})
}

// A deploy key's title is renamed in place where the host allows it (GitLab), also after a change by
// hand; where keys are immutable (GitHub) a new title replaces the key.
func TestAccDeployKey_title(t *testing.T) {
	for _, h := range deployKeyHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			action := plancheck.ResourceActionUpdate
			if h.kind == githost.GitHub {
				action = plancheck.ResourceActionReplace
			}
			var gitKeyID string
			steps := []resource.TestStep{
				{Config: deployKeyConfig(env, h.kind, h.repo, `title = "first"`), Check: captureAttr(deployKeyAddr, "git_key_id", &gitKeyID)},
				{
					Config: deployKeyConfig(env, h.kind, h.repo, `title = "second"`),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply:             []plancheck.PlanCheck{plancheck.ExpectResourceAction(deployKeyAddr, action)},
						PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						env.checkKeysMatchState(h.kind, h.repo),
						func(*terraform.State) error {
							if keys := env.gitKeys(h.kind, h.repo); len(keys) != 1 || keys[0].Title != "second" {
								return fmt.Errorf("want one key titled second, the emulator has %+v", keys)
							}
							return nil
						},
					),
				},
			}
			if h.kind == githost.GitLab {
				steps = append(steps, resource.TestStep{
					// Renamed by hand: put back in place, the key pair kept.
					PreConfig: func() {
						if !env.emu.RenameGitLabDeployKey(h.repo, gitKeyID, "renamed by hand") {
							t.Fatalf("emulator: no key %s", gitKeyID)
						}
					},
					Config: deployKeyConfig(env, h.kind, h.repo, `title = "second"`),
					ConfigPlanChecks: resource.ConfigPlanChecks{
						PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(deployKeyAddr, plancheck.ResourceActionUpdate)},
					},
					Check: resource.ComposeAggregateTestCheckFunc(
						resource.TestCheckResourceAttrPtr(deployKeyAddr, "git_key_id", &gitKeyID),
						func(*terraform.State) error {
							if keys := env.gitKeys(h.kind, h.repo); len(keys) != 1 || keys[0].Title != "second" {
								return fmt.Errorf("want the key titled second again, the emulator has %+v", keys)
							}
							return nil
						},
					),
				})
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             env.checkNoKeysLeft(h.kind, h.repo),
				Steps:                    steps,
			})
		})
	}
}

// One mistake, one error: a git_provider no host has is reported on git_provider alone, not again on
// repository.
func TestAccOneMistakeOneError(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	env := newTestEnv(t)
	d := newTFDriver(t)
	for _, r := range []string{"gitdeploy_deploy_key", "gitdeploy_webhook"} {
		d.writeConfig(env.providerConfig() + fmt.Sprintf(`
resource %q "x" {
  git_provider = "sourcehut"
  repository   = "~acme/website"
}`, r))
		out, err := d.run("validate", "-no-color")
		if err == nil || !strings.Contains(out, "git_provider") || strings.Contains(out, "Invalid repository") {
			t.Errorf("%s: want one error on git_provider, got %v:\n%s", r, err, out)
		}
	}
}

// A production branch deleted on the git host after linking shows in the next plan (a warning on branch and
// an update), and the apply says what to do; pushing the branch again makes the plan empty.
func TestAccRepoLink_deletedBranchShows(t *testing.T) {
	const kind, repo = githost.GitHub, "gitdeploy-demo/website"
	env := newTestEnv(t)
	if err := env.emu.AddBranch(kind, repo, "prod"); err != nil {
		t.Fatal(err)
	}
	cfg := env.providerConfig() + fmt.Sprintf(`
resource "gitdeploy_site" "test" {}

resource "gitdeploy_repo_link" "test" {
  site_id      = gitdeploy_site.test.id
  git_provider = %q
  repository   = %q
  branch       = "prod"
}
`, kind, repo)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoSitesLeft(),
		Steps: []resource.TestStep{
			{Config: cfg},
			{
				PreConfig: func() {
					if err := env.emu.DeleteBranch(kind, repo, "prod"); err != nil {
						t.Fatal(err)
					}
				},
				Config:      cfg,
				ExpectError: phrases("Branch not found", `branch "prod" does not exist`),
			},
			{
				PreConfig: func() {
					if err := env.emu.AddBranch(kind, repo, "prod"); err != nil {
						t.Fatal(err)
					}
				},
				Config:           cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
}

// Known at plan time, checked at plan time: a link to a branch that does not exist fails the plan, before
// the site and the key of the same configuration are created.
func TestAccRepoLink_checkedAtPlan(t *testing.T) {
	for _, h := range repoLinkHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{{
					Config:      repoLinkChainConfig(env, h.kind, h.private, `branch = "no-such-branch"`),
					ExpectError: phrases("Branch not found", `branch "no-such-branch" does not exist`),
				}, {
					Config: env.providerConfig() + fmt.Sprintf(`resource "gitdeploy_site" "test" {}

resource "gitdeploy_repo_link" "test" {
  site_id      = gitdeploy_site.test.id
  git_provider = %q
  repository   = %q
  branch       = "main"
}`, h.kind, h.private),
					ExpectError: phrases("Private repository needs a deploy key"),
				}, {
					PreConfig: func() {
						if sites, keys := env.emu.NetlifySites(), env.emu.NetlifyDeployKeys(); len(sites)+len(keys) != 0 {
							t.Fatalf("the failed plans created %d sites and %d keys", len(sites), len(keys))
						}
					},
					Config: env.providerConfig() + `resource "gitdeploy_repo_link" "test" {
  site_id      = "no-such-site"
  git_provider = "github"
  repository   = "gitdeploy-demo/website"
  branch       = "main"
}`,
					PlanOnly:    true,
					ExpectError: phrases("Site not found", `no site "no-such-site"`),
				}},
			})
		})
	}
}
