package provider

import (
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

const webhookAddr = "gitdeploy_webhook.test"

// hostHook is a webhook on either git host as the tests look at it, events in the provider's words.
type hostHook struct {
	ID, URL, Secret string
	Events          []string
	Active          bool
}

func (e *testEnv) hooks(kind, repo string) []hostHook {
	var out []hostHook
	switch kind {
	case githost.GitHub:
		for _, h := range e.emu.GitHubHooks(repo) {
			var events []string
			for _, ev := range h.Events {
				if ev == "create" {
					ev = githost.EventTag
				}
				events = append(events, ev)
			}
			sort.Strings(events)
			out = append(out, hostHook{ID: h.ID, URL: h.URL, Secret: h.Secret, Events: events, Active: h.Active})
		}
	case githost.GitLab:
		for _, h := range e.emu.GitLabHooks(repo) {
			var events []string
			if h.MergeRequestsEvents {
				events = append(events, githost.EventPullRequest)
			}
			if h.PushEvents {
				events = append(events, githost.EventPush)
			}
			if h.TagPushEvents {
				events = append(events, githost.EventTag)
			}
			out = append(out, hostHook{ID: h.ID, URL: h.URL, Secret: h.Token, Events: events, Active: true})
		}
	case githost.Bitbucket:
		for _, h := range e.emu.BitbucketHooks(repo) {
			out = append(out, hostHook{ID: h.UUID, URL: h.URL, Secret: h.Secret, Events: h.Events, Active: h.Active})
		}
	case githost.Gitea:
		for _, h := range e.emu.GiteaHooks(repo) {
			out = append(out, hostHook{ID: h.ID, URL: h.URL, Secret: h.Secret, Events: h.Events, Active: h.Active})
		}
	}
	return out
}

// checkHook checks that the state's webhook is the only one on the repository, with these events and secret.
func (e *testEnv) checkHook(kind, repo, secret string, events ...string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[webhookAddr]
		if !ok {
			return fmt.Errorf("%s not in state", webhookAddr)
		}
		hooks := e.hooks(kind, repo)
		if len(hooks) != 1 || hooks[0].ID != rs.Primary.ID {
			return fmt.Errorf("want exactly the webhook %s on %s, the emulator has %+v", rs.Primary.ID, repo, hooks)
		}
		h := hooks[0]
		if h.URL != rs.Primary.Attributes["target_url"] {
			return fmt.Errorf("hook url %q, state says %q", h.URL, rs.Primary.Attributes["target_url"])
		}
		if h.Secret != secret {
			return fmt.Errorf("hook secret %q, want %q", h.Secret, secret)
		}
		sort.Strings(events)
		if strings.Join(h.Events, ",") != strings.Join(events, ",") {
			return fmt.Errorf("hook events %v, want %v", h.Events, events)
		}
		return nil
	}
}

func (e *testEnv) checkNoHooks(kind, repo string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if hooks := e.hooks(kind, repo); len(hooks) != 0 {
			return fmt.Errorf("%d webhooks left on %s after destroy: %+v", len(hooks), repo, hooks)
		}
		return nil
	}
}

func webhookConfig(env *testEnv, kind, repo, body string) string {
	return env.providerConfig() + fmt.Sprintf(`
resource "gitdeploy_webhook" "test" {
  git_provider = %q
  repository   = %q
  %s
}
`, kind, repo, body)
}

func TestAccWebhook_lifecycle(t *testing.T) {
	for _, h := range deployKeyHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			var hookID string
			wantURL := env.url + "/netlify/hooks/" + h.kind
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             env.checkNoHooks(h.kind, h.repo),
				Steps: []resource.TestStep{
					{
						Config: webhookConfig(env, h.kind, h.repo, `secret = "tfacc-hook-secret-s3cret"`),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							// The default target is known at plan time.
							PreApply: []plancheck.PlanCheck{plancheck.ExpectKnownValue(webhookAddr, tfjsonpath.New("target_url"), knownvalue.StringExact(wantURL))},
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							resource.TestCheckResourceAttr(webhookAddr, "target_url", wantURL),
							resource.TestCheckNoResourceAttr(webhookAddr, "url"),
							resource.TestCheckResourceAttr(webhookAddr, "events.#", "2"),
							resource.TestCheckResourceAttr(webhookAddr, "active", "true"),
							resource.TestCheckNoResourceAttr(webhookAddr, "build_hook_id"),
							captureAttr(webhookAddr, "id", &hookID),
							env.checkHook(h.kind, h.repo, "tfacc-hook-secret-s3cret", githost.EventPush, githost.EventPullRequest),
						),
					},
					{
						// An events change updates the hook in place, keeps its id and resends the secret.
						Config: webhookConfig(env, h.kind, h.repo, `secret = "tfacc-hook-secret-s3cret"
  events = ["push", "tag"]`),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(webhookAddr, plancheck.ResourceActionUpdate)},
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							resource.TestCheckResourceAttrPtr(webhookAddr, "id", &hookID),
							env.checkHook(h.kind, h.repo, "tfacc-hook-secret-s3cret", githost.EventPush, githost.EventTag),
						),
					},
					{
						ResourceName:            webhookAddr,
						ImportState:             true,
						ImportStateVerify:       true,
						ImportStateIdFunc:       webhookImportID(false),
						ImportStateVerifyIgnore: []string{"secret"},
					},
					{
						// Drift: events changed by hand show in the plan and are put back.
						PreConfig: func() { env.changeHookEventsByHand(t, h.kind, h.repo, hookID) },
						Config: webhookConfig(env, h.kind, h.repo, `secret = "tfacc-hook-secret-s3cret"
  events = ["push", "tag"]`),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(webhookAddr, plancheck.ResourceActionUpdate)},
						},
						Check: env.checkHook(h.kind, h.repo, "tfacc-hook-secret-s3cret", githost.EventPush, githost.EventTag),
					},
					{
						// Drift: the hook deleted by hand is created again.
						PreConfig: func() { env.deleteHookByHand(t, h.kind, h.repo, hookID) },
						Config: webhookConfig(env, h.kind, h.repo, `secret = "tfacc-hook-secret-s3cret"
  events = ["push", "tag"]`),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(webhookAddr, plancheck.ResourceActionCreate)},
						},
						Check: env.checkHook(h.kind, h.repo, "tfacc-hook-secret-s3cret", githost.EventPush, githost.EventTag),
					},
				},
			})
		})
	}
}

// GitHub only: url and active changed by hand show in the plan.
func TestAccWebhook_githubURLAndActiveDrift(t *testing.T) {
	env := newTestEnv(t)
	kind, repo := githost.GitHub, "gitdeploy-demo/website"
	var hookID string
	cfg := webhookConfig(env, kind, repo, `url = "https://hooks.example.com/netlify"`)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoHooks(kind, repo),
		Steps: []resource.TestStep{
			{Config: cfg, Check: captureAttr(webhookAddr, "id", &hookID)},
			{
				PreConfig: func() {
					if err := env.emu.UpdateGitHubHook(repo, hookID, map[string]any{
						"active": false, "config": map[string]any{"url": "https://evil.example.com/", "content_type": "json"},
					}); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(webhookAddr, plancheck.ResourceActionUpdate)},
				},
				Check: func(*terraform.State) error {
					hooks := env.hooks(kind, repo)
					if len(hooks) != 1 || hooks[0].URL != "https://hooks.example.com/netlify" || !hooks[0].Active {
						return fmt.Errorf("the hook was not put back: %+v", hooks)
					}
					return nil
				},
			},
		},
	})
}

// The write-only secret never reaches the state; bumping its version sends the new one.
func TestAccWebhook_writeOnlySecret(t *testing.T) {
	for _, h := range deployKeyHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             env.checkNoHooks(h.kind, h.repo),
				Steps: []resource.TestStep{
					{
						Config: webhookConfig(env, h.kind, h.repo, `secret_wo = "tfacc-hook-secret-first"
  secret_wo_version = 1`),
						Check: resource.ComposeAggregateTestCheckFunc(
							resource.TestCheckNoResourceAttr(webhookAddr, "secret_wo"),
							resource.TestCheckNoResourceAttr(webhookAddr, "secret"),
							env.checkHook(h.kind, h.repo, "tfacc-hook-secret-first", githost.EventPush, githost.EventPullRequest),
						),
					},
					{
						// A new value without a new version is not sent (Terraform cannot see it) ...
						Config: webhookConfig(env, h.kind, h.repo, `secret_wo = "tfacc-hook-secret-second"
  secret_wo_version = 1`),
						PlanOnly: true,
					},
					{
						// ... a new version sends it, in place.
						Config: webhookConfig(env, h.kind, h.repo, `secret_wo = "tfacc-hook-secret-second"
  secret_wo_version = 2`),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(webhookAddr, plancheck.ResourceActionUpdate)},
						},
						Check: env.checkHook(h.kind, h.repo, "tfacc-hook-secret-second", githost.EventPush, githost.EventPullRequest),
					},
				},
			})
		})
	}
}

// A webhook that posts to a Netlify build hook: both are created, the build hook deleted by hand is
// recreated, import takes the five-part id, and destroy removes both.
func TestAccWebhook_buildHook(t *testing.T) {
	for _, h := range deployKeyHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			var siteID, buildHookID string
			cfg := env.providerConfig() + fmt.Sprintf(`
resource "gitdeploy_site" "test" {
  name = "build-hook-%[1]s"
}
resource "gitdeploy_webhook" "test" {
  git_provider = %[1]q
  repository   = %[2]q
  site_id      = gitdeploy_site.test.id
  build_hook = {
    branch = "develop"
  }
}
`, h.kind, h.repo)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy: resource.ComposeAggregateTestCheckFunc(
					env.checkNoHooks(h.kind, h.repo),
					func(*terraform.State) error {
						if hooks := env.emu.NetlifyBuildHooks(""); len(hooks) != 0 {
							return fmt.Errorf("build hooks left after destroy: %+v", hooks)
						}
						return nil
					},
				),
				Steps: []resource.TestStep{
					{
						Config: cfg,
						Check: resource.ComposeAggregateTestCheckFunc(
							captureAttr("gitdeploy_site.test", "id", &siteID),
							captureAttr(webhookAddr, "build_hook_id", &buildHookID),
							resource.TestMatchResourceAttr(webhookAddr, "target_url", regexp.MustCompile(`/build_hooks/[0-9a-f]+$`)),
							resource.TestCheckResourceAttr(webhookAddr, "build_hook.branch", "develop"),
							env.checkHook(h.kind, h.repo, "", githost.EventPush, githost.EventPullRequest),
							func(*terraform.State) error {
								hooks := env.emu.NetlifyBuildHooks(siteID)
								if len(hooks) != 1 || hooks[0].ID != buildHookID || hooks[0].Branch != "develop" {
									return fmt.Errorf("want the build hook %s on site %s, the emulator has %+v", buildHookID, siteID, hooks)
								}
								return nil
							},
						),
					},
					{
						ResourceName:      webhookAddr,
						ImportState:       true,
						ImportStateVerify: true,
						ImportStateIdFunc: webhookImportID(true),
					},
					{
						PreConfig: func() {
							env.netlifyRequest(t, http.MethodDelete, "/sites/"+siteID+"/build_hooks/"+buildHookID, http.StatusNoContent)
						},
						Config: cfg,
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(webhookAddr, plancheck.ResourceActionReplace)},
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							env.checkHook(h.kind, h.repo, "", githost.EventPush, githost.EventPullRequest),
							func(*terraform.State) error {
								if hooks := env.emu.NetlifyBuildHooks(siteID); len(hooks) != 1 || hooks[0].ID == buildHookID {
									return fmt.Errorf("want one new build hook, the emulator has %+v", hooks)
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

func TestAccWebhook_planTimeValidation(t *testing.T) {
	env := newTestEnv(t)
	step := func(kind, body, want string) resource.TestStep {
		return resource.TestStep{
			Config:      webhookConfig(env, kind, "acme/site", body),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(want),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			step("gitlab", `active = false`, `(?s)Setting not available on GitLab.*active`),
			step("gitlab", `content_type = "form"`, `(?s)Setting not available on GitLab.*content_type`),
			step("github", `branch_filter = "main"`, `(?s)Setting not available on GitHub.*branch_filter`),
			step("github", `events = ["deploy"]`, `(?s)events.*value must be one of`),
			step("github", `events = []`, `(?s)events.*at least 1`),
			step("github", `url = "http://hooks.example.com/"`, `(?s)Invalid webhook url.*not https`),
			step("github", `url = "hooks.example.com"`, `(?s)Invalid webhook url.*absolute https:// URL`),
			step("github", `build_hook = { branch = "main" }`, `(?s)Missing site_id`),
			step("github", `secret_wo_version = 1`, `(?s)secret_wo_version without secret_wo`),
			step("github", `secret = "a"
  secret_wo = "b"
  secret_wo_version = 1`, `(?s)cannot be specified when`),
		},
	})
}

// netlifyRequest calls the emulated Netlify API as a user would by hand, and checks the answer's status.
func (e *testEnv) netlifyRequest(t *testing.T, method, path string, want int) {
	t.Helper()
	req, err := http.NewRequest(method, e.url+"/netlify/api/v1"+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+testNetlifyToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != want {
		t.Fatalf("%s %s answered %d, want %d", method, path, resp.StatusCode, want)
	}
}

func (e *testEnv) changeHookEventsByHand(t *testing.T, kind, repo, id string) {
	t.Helper()
	var err error
	switch kind {
	case githost.GitHub:
		err = e.emu.UpdateGitHubHook(repo, id, map[string]any{"events": []string{"push"}})
	case githost.GitLab:
		err = e.emu.UpdateGitLabHook(repo, id, map[string]any{"tag_push_events": false})
	}
	if err != nil {
		t.Fatalf("emulator: %v", err)
	}
}

func (e *testEnv) deleteHookByHand(t *testing.T, kind, repo, id string) {
	t.Helper()
	ok := false
	switch kind {
	case githost.GitHub:
		ok = e.emu.DeleteGitHubHook(repo, id)
	case githost.GitLab:
		ok = e.emu.DeleteGitLabHook(repo, id)
	}
	if !ok {
		t.Fatalf("emulator: no hook %s on %s", id, repo)
	}
}

func webhookImportID(buildHook bool) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[webhookAddr]
		if !ok {
			return "", fmt.Errorf("%s not in state", webhookAddr)
		}
		a := rs.Primary.Attributes
		parts := []string{a["git_provider"], a["repository"], a["id"]}
		if buildHook {
			parts = append(parts, a["site_id"], a["build_hook_id"])
		}
		return strings.Join(parts, ":"), nil
	}
}
