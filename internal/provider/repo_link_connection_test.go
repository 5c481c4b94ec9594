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
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// Linking a Dokploy application through a git-provider connection on each host Dokploy supports: the
// application builds with the connection's credentials (no deploy key), and a push delivered by the
// repository's webhook to the application's deploy URL builds it.

const (
	connLinkSiteAddr = "gitdeploy_site.app"
	connLinkAddr     = "gitdeploy_repo_link.app"
	connLinkHookAddr = "gitdeploy_webhook.app"
)

// connectionResource is the gitdeploy_git_connection "app" of kind (GitHub's is seeded: none).
func connectionResource(env *testEnv, kind string) string {
	switch kind {
	case githost.GitLab:
		return `
resource "gitdeploy_git_connection" "app" {
  kind           = "gitlab"
  name           = "gitlab"
  application_id = "gitdeploy-oauth-app"
  secret_wo         = "gitdeploy-oauth-secret"
  secret_wo_version = 1
  group_name     = "gitdeploy-demo"
}
`
	case githost.Bitbucket:
		return fmt.Sprintf(`
resource "gitdeploy_git_connection" "app" {
  kind      = "bitbucket"
  name      = "bitbucket"
  email     = %q
  api_token = %q
  workspace = "gitdeploy-demo"
}
`, emulator.DefaultBitbucketEmail, emulator.DefaultBitbucketAPIToken)
	case githost.Gitea:
		return fmt.Sprintf(`
resource "gitdeploy_git_connection" "app" {
  kind         = "gitea"
  name         = "gitea"
  url          = "%s/gitea"
  access_token = %q
}
`, env.url, emulator.DefaultGiteaToken)
	}
	return ""
}

// connectionIDRef is what connection_id is set to for kind.
func connectionIDRef(kind string) string {
	if kind == githost.GitHub {
		return fmt.Sprintf("%q", testGitHubConnectionID)
	}
	return "gitdeploy_git_connection.app.id"
}

// connectionChain is the application, the connection, the link through it and the push webhook.
func connectionChain(env *testEnv, kind, branch, linkExtra string) string {
	return connectionOnly(env, kind) + fmt.Sprintf(`
resource "gitdeploy_repo_link" "app" {
  site_id       = gitdeploy_site.app.id
  git_provider  = %[1]q
  repository    = %[2]q
  branch        = %[3]q
  connection_id = %[4]s
  %[5]s
}

resource "gitdeploy_webhook" "app" {
  git_provider = %[1]q
  repository   = %[2]q
  site_id      = gitdeploy_site.app.id
  events       = ["push"]
}
`, kind, pushMatrixRepos[kind], branch, connectionIDRef(kind), linkExtra)
}

// connectionOnly is the provider, the application and the connection.
func connectionOnly(env *testEnv, kind string) string {
	return env.allHostsProviderConfig(platform.Dokploy) + connectionResource(env, kind) + fmt.Sprintf(`
resource "gitdeploy_site" "app" {
  name    = "through-%s"
  dokploy = { environment_id = %q }
}
`, kind, emulator.DefaultDokployEnvironmentID)
}

// checkLinkedThroughConnection checks the application's source: kind, the state's connection, the
// repository and the branch main, no SSH key.
func (e *testEnv) checkLinkedThroughConnection(kind string) resource.TestCheckFunc {
	const branch = "main"
	return func(s *terraform.State) error {
		attrs := s.RootModule().Resources[connLinkAddr].Primary.Attributes
		app, ok := e.emu.DokployApplication(attrs["site_id"])
		if !ok {
			return fmt.Errorf("no application %s", attrs["site_id"])
		}
		if app.SourceType != kind || app.ConnectionID != attrs["connection_id"] || app.ConnectionID == "" ||
			app.ConnectionRepository != pushMatrixRepos[kind] || app.ConnectionBranch != branch || app.CustomGitSSHKeyID != "" {
			return fmt.Errorf("application source %+v, want %s through connection %s, %s@%s", app, kind, attrs["connection_id"],
				pushMatrixRepos[kind], branch)
		}
		if keys := e.emu.DokploySSHKeys(); len(keys) != 0 {
			return fmt.Errorf("SSH keys in Dokploy: %+v", keys)
		}
		return nil
	}
}

// checkConnectionPushBuilds pushes to main and checks that Dokploy deployed the application by cloning
// through the connection.
func (e *testEnv) checkConnectionPushBuilds(kind string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		appID := s.RootModule().Resources[connLinkSiteAddr].Primary.ID
		if err := e.pushDeploys(kind, pushMatrixRepos[kind], appID, "done", "Cloning Repo"); err != nil {
			return err
		}
		return nil
	}
}

// sourceColumns are the application columns of a link through a connection of each kind (Dokploy's names).
var sourceColumns = map[string]struct{ branch, repository string }{
	githost.GitHub:    {"branch", "repository"},
	githost.GitLab:    {"gitlabBranch", "gitlabPathNamespace"},
	githost.Bitbucket: {"bitbucketBranch", "bitbucketRepositorySlug"},
	githost.Gitea:     {"giteaBranch", "giteaRepository"},
}

func TestAccRepoLinkThroughConnection(t *testing.T) {
	for _, kind := range []string{githost.GitHub, githost.GitLab, githost.Bitbucket, githost.Gitea} {
		t.Run(kind, func(t *testing.T) {
			env := newTestEnv(t)
			env.seedGitHubConnection()
			chain := connectionChain(env, kind, "main", "")
			var appID string
			steps := []resource.TestStep{
				{Config: connectionOnly(env, kind)},
				{
					// Linked through the connection: the push builds, the plan stays empty.
					PreConfig: func() {
						if kind == githost.GitLab {
							env.authorizeGitLabConnection()
						}
					},
					Config: chain,
					Check: resource.ComposeAggregateTestCheckFunc(
						env.checkLinkedThroughConnection(kind),
						env.checkConnectionPushBuilds(kind),
						resource.TestCheckNoResourceAttr(connLinkAddr, "deploy_key_id"),
						checkConnectionIDAttr(kind),
						resource.TestMatchResourceAttr(connLinkAddr, "repo_url", regexp.MustCompile(`/`+regexp.QuoteMeta(pushMatrixRepos[kind])+`$`)),
						captureAttr(connLinkSiteAddr, "id", &appID),
					),
					ConfigPlanChecks: emptyPlanAfterApply,
				},
				// Imported by the application's id alone: Dokploy's source says the kind and the connection.
				importNoOp(connLinkAddr, attrsID(connLinkAddr, "id")),
				{
					// The branch changed by hand in Dokploy: the plan shows it, apply puts it back.
					PreConfig: func() {
						if err := env.emu.UpdateDokployApplication(appID, map[string]any{sourceColumns[kind].branch: "develop"}); err != nil {
							t.Fatal(err)
						}
					},
					Config:           chain,
					ConfigPlanChecks: expectAction(connLinkAddr, plancheck.ResourceActionUpdate),
					Check:            env.checkLinkedThroughConnection(kind),
				},
				{
					// The application's connection cleared by hand (as Dokploy does when a connection is removed):
					// connection_id shows in the plan, apply links through it again.
					PreConfig: func() {
						if err := env.emu.UpdateDokployApplication(appID, map[string]any{kind + "Id": nil}); err != nil {
							t.Fatal(err)
						}
					},
					Config:           chain,
					ConfigPlanChecks: expectAction(connLinkAddr, plancheck.ResourceActionUpdate),
					Check:            resource.ComposeAggregateTestCheckFunc(env.checkLinkedThroughConnection(kind), env.checkConnectionPushBuilds(kind)),
				},
				{
					// Relinked over SSH by hand: connection_id and the source show in the plan.
					PreConfig: func() {
						if err := env.emu.UpdateDokployApplication(appID, map[string]any{"sourceType": "git", "customGitUrl": "git@example.com:x/y.git",
							"customGitBranch": "main"}); err != nil {
							t.Fatal(err)
						}
					},
					Config:           chain,
					ConfigPlanChecks: expectAction(connLinkAddr, plancheck.ResourceActionUpdate),
					Check:            resource.ComposeAggregateTestCheckFunc(env.checkLinkedThroughConnection(kind), env.checkConnectionPushBuilds(kind)),
				},
				{
					// A branch the connection does not see fails the plan, before anything is written.
					Config:      connectionChain(env, kind, "no-such-branch", ""),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(`(?s)Branch not found.*"no-such-branch" does not exist`),
				},
			}
			if kind != githost.GitHub {
				// The connection removed by hand: made again, and the link moves to the new one (a new GitLab
				// connection must be authorised first: until then the link's pre-flight says so).
				removed := resource.TestStep{
					PreConfig: func() {
						for _, c := range env.emu.DokployConnections() {
							if c.Kind == kind && !env.emu.DeleteDokployConnection(c.ID) {
								t.Fatal("no connection to delete")
							}
						}
					},
					Config: chain,
					ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
						plancheck.ExpectResourceAction("gitdeploy_git_connection.app", plancheck.ResourceActionCreate),
						plancheck.ExpectResourceAction(connLinkAddr, plancheck.ResourceActionUpdate)}},
				}
				relinked := resource.ComposeAggregateTestCheckFunc(env.checkLinkedThroughConnection(kind), env.checkConnectionPushBuilds(kind))
				if kind == githost.GitLab {
					removed.ExpectError = regexp.MustCompile(`GitLab connection not authorised`)
					steps = append(steps, removed, resource.TestStep{PreConfig: env.authorizeGitLabConnection, Config: chain, Check: relinked})
				} else {
					removed.Check = relinked
					steps = append(steps, removed)
				}
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy: func(*terraform.State) error {
					if apps := env.emu.DokployApplications(); len(apps) != 0 {
						return fmt.Errorf("applications left: %+v", apps)
					}
					if hooks := env.hooks(kind, pushMatrixRepos[kind]); len(hooks) != 0 {
						return fmt.Errorf("hooks left: %+v", hooks)
					}
					return env.checkOnlySeededConnection()(nil)
				},
				Steps: steps,
			})
		})
	}
}

// Plan-time errors of a link through a connection.
func TestAccRepoLinkThroughConnection_planTimeErrors(t *testing.T) {
	env := newTestEnv(t)
	env.seedGitHubConnection()
	link := func(body string) string {
		if !strings.Contains(body, "repository") {
			body += "\n  repository = \"gitdeploy-demo/private-app\""
		}
		return env.dokployProviderConfig() + `
resource "gitdeploy_repo_link" "x" {
  site_id    = "app"
  branch     = "main"
  ` + body + `
}
`
	}
	step := func(cfg, want string) resource.TestStep {
		return resource.TestStep{Config: cfg, PlanOnly: true, ExpectError: regexp.MustCompile(want)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			step(link(`git_provider  = "github"
  connection_id = "gh-conn"
  deploy_key_id = "key"`), `(?s)deploy_key_id and connection_id together`),
			step(link(`git_provider  = "gitlab"
  connection_id = "gh-conn"`), `(?s)git_provider does not match the connection.*GitHub connection.*set\s+git_provider = "github"`),
			step(link(`git_provider  = "github"
  connection_id = "nope"`), `(?s)Connection not found.*"nope"`),
			step(link(`git_provider  = "github"
  connection_id = "gh-conn"
  repository    = "gitdeploy-demo/elsewhere"`), `(?s)Repository not seen through the connection`),
			step(env.providerConfig()+`
resource "gitdeploy_repo_link" "x" {
  site_id       = "site"
  git_provider  = "github"
  repository    = "gitdeploy-demo/website"
  branch        = "main"
  connection_id = "gh-conn"
}
`, `(?s)connection_id is a Dokploy \(git-provider connections\) setting`),
		},
	})
}

// checkConnectionIDAttr checks the link's connection_id: the seeded GitHub connection's, or the resource's.
func checkConnectionIDAttr(kind string) resource.TestCheckFunc {
	if kind == githost.GitHub {
		return resource.TestCheckResourceAttr(connLinkAddr, "connection_id", testGitHubConnectionID)
	}
	return resource.TestCheckResourceAttrPair(connLinkAddr, "connection_id", "gitdeploy_git_connection.app", "id")
}
