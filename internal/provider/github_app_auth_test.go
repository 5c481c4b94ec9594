package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost/githosttest"
)

const (
	testAppID             = 5150
	testAppInstallationID = 8080
	tokenExchangeRoute    = "POST /github/api/v3/app/installations/{installation_id}/access_tokens"
)

// seedGitHubApp installs an app (key pair 0 of githosttest.GitHubAppKey) on gitdeploy-demo, with
// installation tokens that last lifetime ("" keeps an hour).
func (e *testEnv) seedGitHubApp(lifetime string) {
	e.t.Helper()
	_, public := githosttest.GitHubAppKey(0)
	err := e.emu.Seed(&emulator.Seed{GitHub: emulator.GitHubSeed{InstallationTokenLifetime: lifetime,
		Apps: []emulator.GitHubAppSeed{{ID: testAppID, Slug: "gitdeploy-ci", PublicKey: public,
			Installations: []emulator.GitHubInstallationSeed{{ID: testAppInstallationID, Account: "gitdeploy-demo"}}}}}})
	if err != nil {
		e.t.Fatal(err)
	}
}

// appProviderConfig is providerConfig with the github block authenticating as the app.
func (e *testEnv) appProviderConfig(extra string) string {
	private, _ := githosttest.GitHubAppKey(0)
	return fmt.Sprintf(`
provider "gitdeploy" {
  retry_wait_min = "10ms"
  retry_wait_max = "100ms"
  netlify {
    token   = %q
    api_url = "%s/netlify/api/v1"
  }
  github {
    base_url       = "%s/github/"
    write_interval = "0s"
    app_auth {
      id              = "%d"
      installation_id = "%d"
      pem_file        = %q
    }
    %s
  }
}
`, testNetlifyToken, e.url, e.url, testAppID, testAppInstallationID, private, extra)
}

func appChainConfig(env *testEnv, repo string) string {
	return env.appProviderConfig("") + fmt.Sprintf(`
resource "gitdeploy_site" "test" {}

resource "gitdeploy_deploy_key" "test" {
  git_provider = "github"
  repository   = %[1]q
}

resource "gitdeploy_repo_link" "test" {
  site_id       = gitdeploy_site.test.id
  git_provider  = "github"
  repository    = %[1]q
  deploy_key_id = gitdeploy_deploy_key.test.id
  branch        = "main"
}

resource "gitdeploy_webhook" "test" {
  git_provider = "github"
  repository   = %[1]q
  secret       = "tfacc-hook-secret-app"
}
`, repo)
}

// The whole chain on GitHub authenticated as an app installation whose tokens last three seconds, and
// expire early once in the middle of the apply: the calls after it get GitHub's 401, the provider gets a
// new token and sends them again, and the apply succeeds; the deploy key is the app bot's, the second plan
// (with its refresh) is empty, and destroy leaves nothing behind. (Renewal before expiry is proven with a
// moving clock in internal/githost/github.)
func TestAccGitHubAppAuth_chainOutlivesTokens(t *testing.T) {
	const repo = "gitdeploy-demo/private-app"
	env := newTestEnv(t)
	env.seedGitHubApp("3s")
	env.emu.SetLatency(250 * time.Millisecond)

	// Once the deploy key is on the repository, every installation token expires at once, before the
	// expires_at the provider was told: the calls still to come get GitHub's 401 "Bad credentials".
	stop := make(chan struct{})
	var expirer sync.WaitGroup
	expiredEarly := 0
	startExpirer := func() {
		expirer.Go(func() {
			for {
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
				if len(env.emu.GitHubDeployKeys(repo)) > 0 {
					expiredEarly = env.emu.ExpireGitHubInstallationTokens()
					return
				}
			}
		})
	}
	t.Cleanup(func() { close(stop); expirer.Wait() })

	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			env.checkNothingLeft(githost.GitHub, repo),
			env.checkNoHooks(githost.GitHub, repo),
		),
		Steps: []resource.TestStep{
			{
				PreConfig: startExpirer,
				Config:    appChainConfig(env, repo),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrSet("gitdeploy_webhook.test", "id"),
					resource.TestCheckResourceAttr("gitdeploy_repo_link.test", "repository", repo),
					func(*terraform.State) error {
						keys := env.emu.GitHubDeployKeys(repo)
						if len(keys) != 1 || keys[0].AddedBy != "gitdeploy-ci[bot]" {
							return fmt.Errorf("deploy keys %+v, want one added by the app's bot", keys)
						}
						expirer.Wait()
						exchanges := env.emu.RequestCounts()[tokenExchangeRoute]
						if expiredEarly == 0 || exchanges < 2 {
							return fmt.Errorf("%d installation tokens made during the apply (%d expired early), want a new one after the expiry", exchanges, expiredEarly)
						}
						return nil
					},
				),
			},
			{
				Config: appChainConfig(env, repo),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
			},
		},
	})
}

// Token and app_auth together, and a key that is no PEM, are plan-time errors naming the attributes.
func TestAccGitHubAppAuth_planTimeErrors(t *testing.T) {
	env := newTestEnv(t)
	env.seedGitHubApp("")
	repos := `
data "gitdeploy_repositories" "test" {
  git_provider = "github"
  owner        = "gitdeploy-demo"
}
`
	// Terraform quotes the configuration line a diagnostic points at, and the log scan must not find a key
	// or a token there: the broken key is a certificate, the conflicting token no real one.
	private, _ := githosttest.GitHubAppKey(0)
	badKey := strings.Replace(env.appProviderConfig(""), fmt.Sprintf("%q", private),
		`"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"`, 1)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config:      env.appProviderConfig(`token = "conflicting-token"`) + repos,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)github\.token and github\.app_auth are exclusive`),
			},
			{
				Config:      badKey + repos,
				PlanOnly:    true,
				ExpectError: regexp.MustCompile(`(?s)Invalid GitHub App private key.*CERTIFICATE.*not a private key`),
			},
			{
				// With the right credentials the data source reads through the installation.
				Config: env.appProviderConfig("") + repos,
				Check:  resource.TestCheckResourceAttrSet("data.gitdeploy_repositories.test", "repositories.#"),
			},
		},
	})
}

// An empty app_auth block takes its values from integrations/github's environment variables; a missing
// one is named in the diagnostic of the resource that needs GitHub; a token in the environment is ignored.
func TestGitHubAppAuthSettings(t *testing.T) {
	private, _ := githosttest.GitHubAppKey(0)
	env := map[string]string{envGitHubToken: "gh-env-token", envGitHubAppID: "42", envGitHubAppInstallationID: "7",
		envGitHubAppPEMFile: strings.ReplaceAll(private, "\n", `\n`)}
	getenv := func(k string) string { return env[k] }
	empty := &appAuthModel{ID: types.StringNull(), InstallationID: types.StringNull(), PEMFile: types.StringNull()}
	config := providerModel{GitHub: &gitHubBlockModel{Token: types.StringNull(), BaseURL: types.StringValue("http://127.0.0.1:1/github/"),
		WriteInterval: types.StringNull(), AppAuth: empty}}

	s := resolveSettings(config, getenv)
	if !s.githubApp.enabled || s.githubApp.id != "42" || s.githubApp.installationID != "7" {
		t.Fatalf("app settings %+v", s.githubApp)
	}
	c, diags := newClients(context.Background(), s, "test")
	if diags.HasError() {
		t.Fatal(diags)
	}
	if _, d := c.GitHost(githost.GitHub); d != nil {
		t.Fatalf("GitHub not configured: %v", d)
	}

	delete(env, envGitHubAppInstallationID)
	c, diags = newClients(context.Background(), resolveSettings(config, getenv), "test")
	if diags.HasError() {
		t.Fatal(diags)
	}
	_, d := c.GitHost(githost.GitHub)
	if d == nil || !strings.Contains(d.Detail(), "app_auth.installation_id (or "+envGitHubAppInstallationID+")") {
		t.Fatalf("diagnostic %v", d)
	}

	// A configured value wins; an unknown one waits for apply.
	config.GitHub.AppAuth = &appAuthModel{ID: types.StringValue("43"), InstallationID: types.StringUnknown(), PEMFile: types.StringNull()}
	s = resolveSettings(config, getenv)
	if s.githubApp.id != "43" || !s.githubApp.unknown {
		t.Fatalf("app settings %+v", s.githubApp)
	}
	if hint, ok := gitHubAuthMissing(s); !ok || !strings.Contains(hint, "not known until apply") {
		t.Fatalf("hint %q", hint)
	}

	// An installation id that is not a number is a diagnostic on its attribute.
	env[envGitHubAppInstallationID] = "seven"
	config.GitHub.AppAuth = empty
	if _, diags := newClients(context.Background(), resolveSettings(config, getenv), "test"); !diags.HasError() ||
		!strings.Contains(fmt.Sprint(diags), "installation ID") {
		t.Fatalf("diags %v", diags)
	}
}
