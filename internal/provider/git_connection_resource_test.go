package provider

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// gitdeploy_git_connection against the emulated Dokploy, whose connections reach the emulated hosts: a
// GitLab connection's url https://gitlab.com, a Gitea one's <emulator>/gitea, and Bitbucket's fixed API.

const connAddr = "gitdeploy_git_connection.c"

// connectionConfig is the Dokploy provider with one connection of kind and the lines given.
func connectionConfig(env *testEnv, kind, body string) string {
	return env.dokployProviderConfig() + fmt.Sprintf(`
resource "gitdeploy_git_connection" "c" {
  kind = %q
  %s
}
`, kind, body)
}

// checkOnlyConnection checks that Dokploy holds exactly the state's connection, with the credential given
// in clear (column is Dokploy's name of it) and the columns given.
func (e *testEnv) checkOnlyConnection(kind, column, credential string, columns map[string]any) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs := s.RootModule().Resources[connAddr].Primary.Attributes
		conns := e.emu.DokployConnections()
		if len(conns) != 1 || conns[0].ID != rs["id"] || conns[0].Kind != kind || conns[0].GitProviderID != rs["git_provider_id"] {
			return fmt.Errorf("want only the %s connection %s, Dokploy has %+v", kind, rs["id"], conns)
		}
		if got := conns[0].Columns[column]; got != credential {
			return fmt.Errorf("Dokploy holds %s %v, want %q", column, got, credential)
		}
		for k, want := range columns {
			if got := conns[0].Columns[k]; got != want {
				return fmt.Errorf("Dokploy holds %s %v, want %v", k, got, want)
			}
		}
		if conns[0].Name != rs["name"] {
			return fmt.Errorf("Dokploy's name %q, state's %q", conns[0].Name, rs["name"])
		}
		return nil
	}
}

// checkNoConnections is the destroy check: nothing left in Dokploy.
func (e *testEnv) checkNoConnections() resource.TestCheckFunc {
	return func(*terraform.State) error {
		if conns := e.emu.DokployConnections(); len(conns) != 0 {
			return fmt.Errorf("connections left: %+v", conns)
		}
		return nil
	}
}

// onlyConnectionID returns the id of the one connection Dokploy holds.
func (e *testEnv) onlyConnectionID() string {
	e.t.Helper()
	conns := e.emu.DokployConnections()
	if len(conns) != 1 {
		e.t.Fatalf("want one connection, Dokploy has %+v", conns)
	}
	return conns[0].ID
}

func (e *testEnv) changeConnection(patch map[string]any) {
	e.t.Helper()
	if err := e.emu.UpdateDokployConnection(e.onlyConnectionID(), patch); err != nil {
		e.t.Fatal(err)
	}
}

func expectAction(addr string, action plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, action)}}
}

var emptyPlanAfterApply = resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}}

func TestAccGitConnection_gitea(t *testing.T) {
	env := newTestEnv(t)
	giteaURL := env.url + "/gitea"
	cfg := func(name, token string) string {
		return connectionConfig(env, githost.Gitea, fmt.Sprintf(`name = %q
  url  = %q
  access_token = %q`, name, giteaURL, token))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoConnections(),
		Steps: []resource.TestStep{
			{
				Config: cfg("gitea", emulator.DefaultGiteaToken),
				Check: resource.ComposeAggregateTestCheckFunc(
					env.checkOnlyConnection(githost.Gitea, "accessToken", emulator.DefaultGiteaToken, map[string]any{"giteaUrl": giteaURL}),
					resource.TestCheckResourceAttr(connAddr, "platform", "dokploy"),
					resource.TestCheckResourceAttr(connAddr, "url", giteaURL),
					resource.TestCheckNoResourceAttr(connAddr, "authorized"),
					resource.TestCheckNoResourceAttr(connAddr, "workspace"),
					resource.TestMatchResourceAttr(connAddr, "created_at", regexp.MustCompile(`^\d{4}-\d\d-\d\dT`)),
				),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				// Renamed in place.
				Config:           cfg("gitea renamed", emulator.DefaultGiteaToken),
				ConfigPlanChecks: expectAction(connAddr, plancheck.ResourceActionUpdate),
				Check:            env.checkOnlyConnection(githost.Gitea, "accessToken", emulator.DefaultGiteaToken, map[string]any{"giteaUrl": giteaURL}),
			},
			importResendsCredential(connAddr, "access_token"),
			{
				// The token changed by hand: the plan shows it, and apply puts it back.
				PreConfig:        func() { env.changeConnection(map[string]any{"accessToken": "changed-by-hand"}) },
				Config:           cfg("gitea renamed", emulator.DefaultGiteaToken),
				ConfigPlanChecks: expectAction(connAddr, plancheck.ResourceActionUpdate),
				Check:            env.checkOnlyConnection(githost.Gitea, "accessToken", emulator.DefaultGiteaToken, nil),
			},
			{
				// The name and URL changed by hand: likewise.
				PreConfig: func() {
					env.changeConnection(map[string]any{"name": "by hand", "giteaUrl": "https://gitea.com"})
				},
				Config:           cfg("gitea renamed", emulator.DefaultGiteaToken),
				ConfigPlanChecks: expectAction(connAddr, plancheck.ResourceActionUpdate),
				Check:            env.checkOnlyConnection(githost.Gitea, "accessToken", emulator.DefaultGiteaToken, map[string]any{"giteaUrl": giteaURL}),
			},
			{
				// Removed by hand: created again.
				PreConfig: func() {
					if !env.emu.DeleteDokployConnection(env.onlyConnectionID()) {
						t.Fatal("no connection to delete")
					}
				},
				Config:           cfg("gitea renamed", emulator.DefaultGiteaToken),
				ConfigPlanChecks: expectAction(connAddr, plancheck.ResourceActionCreate),
				Check:            env.checkOnlyConnection(githost.Gitea, "accessToken", emulator.DefaultGiteaToken, nil),
			},
			{
				// Another kind replaces the connection.
				Config: connectionConfig(env, githost.Bitbucket, fmt.Sprintf(`name = "bitbucket"
  email     = %q
  api_token = %q
  workspace = "gitdeploy-demo"`, emulator.DefaultBitbucketEmail, emulator.DefaultBitbucketAPIToken)),
				ConfigPlanChecks: expectAction(connAddr, plancheck.ResourceActionReplace),
				Check: env.checkOnlyConnection(githost.Bitbucket, "apiToken", emulator.DefaultBitbucketAPIToken,
					map[string]any{"bitbucketWorkspaceName": "gitdeploy-demo"}),
			},
		},
	})
}

// TestAccGitConnection_failedTest: a token Gitea refuses fails the create with Dokploy's answer, on the
// attribute to fix, and leaves no connection behind.
func TestAccGitConnection_failedTest(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoConnections(),
		Steps: []resource.TestStep{
			{
				Config: connectionConfig(env, githost.Gitea, fmt.Sprintf(`name = "gitea"
  url  = "%s/gitea"
  access_token = "wrong"`, env.url)),
				ExpectError: regexp.MustCompile(`(?s)Gitea connection failed its test.*access_token = "wrong".*Failed to connect to Gitea API: 401.*` +
					`Check access_token.*nothing was left behind`),
			},
			{
				PreConfig: func() {
					if conns := env.emu.DokployConnections(); len(conns) != 0 {
						t.Fatalf("a failed create left %+v", conns)
					}
				},
				Config:   env.dokployProviderConfig(),
				PlanOnly: true,
			},
		},
	})
}

// importResendsCredential imports addr by its id with an import block and expects a plan whose only change is
// the credential attrs: credentials are never imported, so the first apply after an import sends the
// configured ones again, and nothing else differs.
func importResendsCredential(addr string, attrs ...string) resource.TestStep {
	return resource.TestStep{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithID,
		ImportStateIdFunc: attrsID(addr, "id"), ExpectNonEmptyPlan: true,
		ImportPlanChecks: resource.ImportPlanChecks{PreApply: []plancheck.PlanCheck{onlyChanged{addr, attrs}}}}
}

// onlyChanged is a plan check: addr is updated in place, and only attrs differ between before and after.
type onlyChanged struct {
	addr  string
	attrs []string
}

func (c onlyChanged) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Address != c.addr {
			continue
		}
		if !rc.Change.Actions.Update() {
			resp.Error = fmt.Errorf("%s: actions %v, want update", c.addr, rc.Change.Actions)
			return
		}
		before, _ := rc.Change.Before.(map[string]any)
		after, _ := rc.Change.After.(map[string]any)
		var changed []string
		for k := range after {
			if !reflect.DeepEqual(before[k], after[k]) {
				changed = append(changed, k)
			}
		}
		sort.Strings(changed)
		want := slices.Clone(c.attrs)
		sort.Strings(want)
		if !slices.Equal(changed, want) {
			resp.Error = fmt.Errorf("%s: changed attributes %v, want only %v", c.addr, changed, want)
		}
		return
	}
	resp.Error = fmt.Errorf("%s not in the plan", c.addr)
}

// Bitbucket with the write-only API token: only its SHA-256 is kept, and a token changed by hand still
// shows (as api_token_wo_version); the workspace and e-mail changed by hand show too.
func TestAccGitConnection_bitbucket(t *testing.T) {
	env := newTestEnv(t)
	cfg := func(name, version string) string {
		return connectionConfig(env, githost.Bitbucket, fmt.Sprintf(`name  = %q
  email = %q
  api_token_wo         = %q
  api_token_wo_version = %s
  workspace = "gitdeploy-demo"`, name, emulator.DefaultBitbucketEmail, emulator.DefaultBitbucketAPIToken, version))
	}
	columns := map[string]any{"bitbucketEmail": emulator.DefaultBitbucketEmail, "bitbucketWorkspaceName": "gitdeploy-demo"}
	check := env.checkOnlyConnection(githost.Bitbucket, "apiToken", emulator.DefaultBitbucketAPIToken, columns)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoConnections(),
		Steps: []resource.TestStep{
			{
				Config: cfg("bitbucket", "1"),
				Check: resource.ComposeAggregateTestCheckFunc(check,
					resource.TestCheckNoResourceAttr(connAddr, "api_token"),
					resource.TestCheckNoResourceAttr(connAddr, "api_token_wo"),
					resource.TestCheckNoResourceAttr(connAddr, "url"),
					resource.TestCheckNoResourceAttr(connAddr, "username"),
					resource.TestCheckResourceAttr(connAddr, "workspace", "gitdeploy-demo")),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{Config: cfg("bitbucket renamed", "1"), ConfigPlanChecks: expectAction(connAddr, plancheck.ResourceActionUpdate), Check: check},
			importResendsCredential(connAddr, "api_token_wo_version"),
			{
				PreConfig:        func() { env.changeConnection(map[string]any{"apiToken": "changed-by-hand"}) },
				Config:           cfg("bitbucket renamed", "1"),
				ConfigPlanChecks: expectAction(connAddr, plancheck.ResourceActionUpdate),
				Check:            check,
			},
			{
				PreConfig: func() {
					env.changeConnection(map[string]any{"bitbucketWorkspaceName": "elsewhere", "bitbucketEmail": "someone@example.org"})
				},
				Config:           cfg("bitbucket renamed", "1"),
				ConfigPlanChecks: expectAction(connAddr, plancheck.ResourceActionUpdate),
				Check:            check,
			},
			{
				// A new version sends the token again; Dokploy holds the same one.
				Config: cfg("bitbucket renamed", "2"), ConfigPlanChecks: expectAction(connAddr, plancheck.ResourceActionUpdate), Check: check,
			},
		},
	})
}

// A Bitbucket workspace the token cannot list fails on workspace; a token Bitbucket refuses on
// api_token_wo. Neither leaves a connection.
func TestAccGitConnection_bitbucketFailedTest(t *testing.T) {
	env := newTestEnv(t)
	cfg := func(token, workspace string) string {
		return connectionConfig(env, githost.Bitbucket, fmt.Sprintf(`name  = "bitbucket"
  email = %q
  api_token_wo         = %q
  api_token_wo_version = 1
  workspace = %q`, emulator.DefaultBitbucketEmail, token, workspace))
	}
	noneLeft := func() {
		if conns := env.emu.DokployConnections(); len(conns) != 0 {
			t.Fatalf("a failed create left %+v", conns)
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoConnections(),
		Steps: []resource.TestStep{
			{Config: cfg(emulator.DefaultBitbucketAPIToken, "nowhere"),
				ExpectError: regexp.MustCompile(`(?s)failed its test.*workspace = "nowhere".*Failed to fetch repositories: Not Found.*no workspace "nowhere"`)},
			{PreConfig: noneLeft, Config: cfg("wrong", "gitdeploy-demo"),
				ExpectError: regexp.MustCompile(`(?s)failed its test.*api_token_wo .*Unauthorized.*Check api_token_wo and email`)},
			{PreConfig: noneLeft, Config: env.dokployProviderConfig(), PlanOnly: true},
		},
	})
}

// GitLab: an OAuth application nobody authorised yet is created with a warning and authorized = false;
// authorised by hand, the next refresh shows true; a secret or group changed by hand shows in the plan.
func TestAccGitConnection_gitlab(t *testing.T) {
	env := newTestEnv(t)
	cfg := func(group string) string {
		return connectionConfig(env, githost.GitLab, fmt.Sprintf(`name           = "gitlab"
  application_id = "gitdeploy-oauth-app"
  secret         = "gitdeploy-oauth-secret"
  group_name     = %q`, group))
	}
	check := func(group string) resource.TestCheckFunc {
		return env.checkOnlyConnection(githost.GitLab, "secret", "gitdeploy-oauth-secret", map[string]any{"gitlabUrl": defaultGitLabURL,
			"applicationId": "gitdeploy-oauth-app", "groupName": group})
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoConnections(),
		Steps: []resource.TestStep{
			{
				Config: cfg("gitdeploy-demo"),
				Check: resource.ComposeAggregateTestCheckFunc(check("gitdeploy-demo"),
					resource.TestCheckResourceAttr(connAddr, "url", defaultGitLabURL),
					resource.TestCheckResourceAttr(connAddr, "authorized", "false"),
					resource.TestCheckResourceAttr(connAddr, "redirect_uri", env.url+"/dokploy/api/providers/gitlab/callback"),
					resource.TestMatchResourceAttr(connAddr, "authorize_url",
						regexp.MustCompile(`^https://gitlab\.com/oauth/authorize\?client_id=gitdeploy-oauth-app&redirect_uri=.*gitlabId%3D`))),
				ConfigPlanChecks: emptyPlanAfterApply,
			},
			{
				// Authorised by hand: the refresh shows it, and the plan stays empty.
				PreConfig: func() {
					if _, err := env.emu.AuthorizeDokployConnection(env.onlyConnectionID(), "demo"); err != nil {
						t.Fatal(err)
					}
				},
				Config:           cfg("gitdeploy-demo"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
				Check:            resource.TestCheckResourceAttr(connAddr, "authorized", "true"),
			},
			{
				// Authorised, an update is tested: the groups change in place.
				Config: cfg("gitdeploy-demo/frontend"), ConfigPlanChecks: expectAction(connAddr, plancheck.ResourceActionUpdate),
				Check: resource.ComposeAggregateTestCheckFunc(check("gitdeploy-demo/frontend"),
					resource.TestCheckResourceAttr(connAddr, "authorized", "true")),
			},
			{
				PreConfig:        func() { env.changeConnection(map[string]any{"secret": "changed-by-hand"}) },
				Config:           cfg("gitdeploy-demo/frontend"),
				ConfigPlanChecks: expectAction(connAddr, plancheck.ResourceActionUpdate),
				Check:            check("gitdeploy-demo/frontend"),
			},
			{
				PreConfig:        func() { env.changeConnection(map[string]any{"groupName": "elsewhere"}) },
				Config:           cfg("gitdeploy-demo/frontend"),
				ConfigPlanChecks: expectAction(connAddr, plancheck.ResourceActionUpdate),
				Check:            check("gitdeploy-demo/frontend"),
			},
			importResendsCredential(connAddr, "secret"),
		},
	})
}

// Plan-time errors: GitHub's kind, another kind's settings, what a kind requires, a platform without
// connections.
func TestAccGitConnection_planTimeErrors(t *testing.T) {
	env := newTestEnv(t)
	step := func(cfg, want string) resource.TestStep {
		return resource.TestStep{Config: cfg, PlanOnly: true, ExpectError: regexp.MustCompile(want)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			step(connectionConfig(env, "github", `name = "gh"`), `(?s)GitHub connections are made in Dokploy's dashboard.*gitdeploy_git_connection\s+data source`),
			step(connectionConfig(env, "bitbucket", `name = "bb"
  email     = "a@example.com"
  api_token = "t"
  url       = "https://bitbucket.org"`), `(?s)Setting not available on Bitbucket connections.*url is a setting of GitLab and Gitea\s+connections`),
			step(connectionConfig(env, "gitlab", `name = "gl"
  application_id = "a"
  secret         = "s"
  access_token   = "t"`), `(?s)access_token is a setting of Gitea connections, and this connection has kind\s+=\s+"gitlab"`),
			step(connectionConfig(env, "gitea", `name = "gt"
  access_token = "t"`), `(?s)Missing url`),
			step(connectionConfig(env, "bitbucket", `name = "bb"
  api_token = "t"`), `(?s)Missing email`),
			step(connectionConfig(env, "gitea", `name = "gt"
  url  = "https://gitea.example.com"`), `(?s)Missing access_token.*A new Gitea connection needs a personal access token`),
			step(connectionConfig(env, "gitea", `name = "gt"
  url = "https://gitea.example.com"
  access_token_wo_version = 1`), `(?s)access_token_wo_version without access_token_wo`),
			step(env.providerConfig()+`resource "gitdeploy_git_connection" "c" {
  kind = "gitea"
  name = "gt"
  url  = "https://gitea.example.com"
  access_token = "t"
}`, `(?s)Git-provider connections need Dokploy`),
		},
	})
}

// fakeConnections is a platform.GitConnections whose test answers testErr.
type fakeConnections struct {
	platform.GitConnections
	tested  int
	testErr error
}

func (f *fakeConnections) TestGitConnection(context.Context, *platform.GitConnection) (int, error) {
	f.tested++
	return 3, f.testErr
}

// The warnings of a create whose connection cannot be tested yet, and the attribute a failed test names.
func TestGitConnectionCreateTest(t *testing.T) {
	r := &gitConnectionResource{}
	ctx := context.Background()
	m := &gitConnectionModel{InternalURL: types.StringNull()}

	fake := &fakeConnections{}
	var diags diag.Diagnostics
	gitlab := &platform.GitConnection{Kind: githost.GitLab, Name: "gl", AuthorizeURL: "https://gitlab.com/oauth/authorize?client_id=a",
		RedirectURI: "https://dokploy.example/api/providers/gitlab/callback"}
	if err := r.test(ctx, fake, gitlab, m, false, true, &diags); err != nil || fake.tested != 0 {
		t.Fatalf("an unauthorised GitLab connection was tested (%d): %v", fake.tested, err)
	}
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning ||
		!strings.Contains(diags[0].Detail(), gitlab.AuthorizeURL) || !strings.Contains(diags[0].Detail(), gitlab.RedirectURI) {
		t.Errorf("want one warning with the authorize and redirect URLs, got %v", diags)
	}

	diags = nil
	if err := r.test(ctx, fake, &platform.GitConnection{Kind: githost.Bitbucket}, m, false, true, &diags); err != nil || fake.tested != 0 {
		t.Fatalf("a Bitbucket connection without a workspace was tested (%d): %v", fake.tested, err)
	}
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning || !strings.Contains(diags[0].Detail(), "set workspace") {
		t.Errorf("want a warning to set workspace, got %v", diags)
	}

	for _, c := range []struct {
		kind, answer, workspace string
		wo                      bool
		attr                    string
	}{
		{githost.Gitea, "Failed to connect to Gitea API: 401 Unauthorized", "", true, "access_token_wo"},
		{githost.Gitea, "fetch failed", "", false, "url"},
		{githost.Bitbucket, "Failed to fetch repositories: Not Found", "acme", false, "workspace"},
		{githost.Bitbucket, "Failed to fetch repositories: Unauthorized", "acme", false, "api_token"},
		{githost.GitLab, "Failed to refresh token: Bad Request", "", false, "secret"},
	} {
		fake := &fakeConnections{testErr: &httpx.APIError{Service: "Dokploy", StatusCode: 400, Message: c.answer}}
		diags = nil
		conn := &platform.GitConnection{Kind: c.kind, Workspace: c.workspace, Authorized: true}
		if err := r.test(ctx, fake, conn, m, c.wo, true, &diags); err == nil || fake.tested != 1 {
			t.Errorf("%s %q: not tested or no error", c.kind, c.answer)
			continue
		}
		if len(diags) != 1 {
			t.Errorf("%s %q: want one diagnostic, got %v", c.kind, c.answer, diags)
			continue
		}
		ad, ok := diags[0].(diag.DiagnosticWithPath)
		if !ok || !ad.Path().Equal(path.Root(c.attr)) ||
			!strings.Contains(diags[0].Detail(), c.answer) || !strings.Contains(diags[0].Detail(), "nothing was left behind") {
			t.Errorf("%s %q: want one error on %s with Dokploy's answer, got %v", c.kind, c.answer, c.attr, diags)
		}
	}
}

// Imported with terraform plan -generate-config-out, each kind's connection plans as an import and
// nothing else: the generated configuration (no credential: none is imported) is valid, and Dokploy keeps
// the credential it holds.
func TestAccGitConnection_generateConfig(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	t.Parallel()
	env := newTestEnv(t)
	made := newTFDriver(t)
	if err := made.apply(env.dokployProviderConfig() + fmt.Sprintf(`
resource "gitdeploy_git_connection" "gitea" {
  kind         = "gitea"
  name         = "gitea"
  url          = "%[1]s/gitea"
  access_token = %[2]q
}

resource "gitdeploy_git_connection" "bitbucket" {
  kind      = "bitbucket"
  name      = "bitbucket"
  email     = %[3]q
  api_token = %[4]q
  workspace = "gitdeploy-demo"
}

resource "gitdeploy_git_connection" "gitlab" {
  kind           = "gitlab"
  name           = "gitlab"
  application_id = "oauth-app"
  secret         = "gitdeploy-oauth-secret"
  group_name     = "gitdeploy-demo"
}
`, env.url, emulator.DefaultGiteaToken, emulator.DefaultBitbucketEmail, emulator.DefaultBitbucketAPIToken)); err != nil {
		t.Fatal(err)
	}
	for _, instances := range made.state() {
		for _, i := range instances {
			t.Run(i.addr, func(t *testing.T) {
				d := newTFDriver(t)
				d.writeConfig(env.dokployProviderConfig() + fmt.Sprintf("import {\n  to = gitdeploy_git_connection.imported\n  id = %q\n}\n", i.str("id")))
				out, err := d.run("plan", "-input=false", "-no-color", "-lock=false", "-generate-config-out=generated.tf")
				generated, _ := os.ReadFile(filepath.Join(d.dir, "generated.tf"))
				if err != nil {
					t.Fatalf("terraform plan -generate-config-out failed: %v\n%s\ngenerated.tf:\n%s", err, out, generated)
				}
				for _, secret := range []string{emulator.DefaultGiteaToken, emulator.DefaultBitbucketAPIToken, "gitdeploy-oauth-secret"} {
					if strings.Contains(string(generated), secret) {
						t.Errorf("the generated file holds a credential:\n%s", generated)
					}
				}
				out, err = d.run("plan", "-input=false", "-no-color", "-lock=false")
				if err != nil || !strings.Contains(out, "Plan: 1 to import, 0 to add, 0 to change, 0 to destroy.") {
					t.Fatalf("the plan with the generated file: %v\n%s\ngenerated.tf:\n%s", err, out, generated)
				}
			})
		}
	}
}
