package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost/githosttest"
)

// testGitHubConnectionID is the githubId of the GitHub connection seedGitHubConnection makes.
const testGitHubConnectionID = "gh-conn"

// seedGitHubConnection installs the test GitHub App on gitdeploy-demo and adds a Dokploy GitHub connection
// to it, as a person does in Dokploy's dashboard (the API cannot make one).
func (e *testEnv) seedGitHubConnection() {
	e.t.Helper()
	e.seedGitHubApp("")
	private, _ := githosttest.GitHubAppKey(0)
	if _, err := e.emu.AddDokployGitHubConnection(emulator.DokployGitHubConnectionSeed{Name: "GitHub", GitHubID: testGitHubConnectionID,
		AppName: "gitdeploy-ci", AppID: testAppID, InstallationID: testAppInstallationID, PrivateKey: private}); err != nil {
		e.t.Fatal(err)
	}
}

func TestAccGitConnectionDataSources(t *testing.T) {
	env := newTestEnv(t)
	env.seedGitHubConnection()
	connections := env.dokployProviderConfig() + fmt.Sprintf(`
resource "gitdeploy_git_connection" "gitea" {
  kind         = "gitea"
  name         = "team gitea"
  url          = "%[1]s/gitea"
  access_token = %[2]q
}

resource "gitdeploy_git_connection" "gitlab" {
  kind           = "gitlab"
  name           = "team gitlab"
  application_id = "app"
  secret         = "secret"
}
`, env.url, emulator.DefaultGiteaToken)
	reads := connections + `
data "gitdeploy_git_connections" "all" {
  depends_on = [gitdeploy_git_connection.gitea, gitdeploy_git_connection.gitlab]
}

data "gitdeploy_git_connections" "team" {
  name_regex = "^team "
  depends_on = [gitdeploy_git_connection.gitea, gitdeploy_git_connection.gitlab]
}

data "gitdeploy_git_connections" "github" {
  kind = "github"
}

data "gitdeploy_git_connection" "github" {
  id = "gh-conn"
}

data "gitdeploy_git_connection" "gitea" {
  id = gitdeploy_git_connection.gitea.git_provider_id
}

data "gitdeploy_git_connection" "gitlab" {
  id   = gitdeploy_git_connection.gitlab.id
  test = false
}
`
	const all, team, github = "data.gitdeploy_git_connections.all", "data.gitdeploy_git_connections.team", "data.gitdeploy_git_connections.github"
	const one, gitea, gitlab = "data.gitdeploy_git_connection.github", "data.gitdeploy_git_connection.gitea", "data.gitdeploy_git_connection.gitlab"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{
				Config: reads,
				Check: resource.ComposeAggregateTestCheckFunc(
					// Newest first, as Dokploy lists them.
					resource.TestCheckResourceAttr(all, "connections.#", "3"),
					resource.TestCheckResourceAttr(all, "id", "dokploy:all"),
					resource.TestCheckResourceAttr(all, "connections.2.kind", "github"),
					resource.TestCheckResourceAttr(all, "connections.2.configured", "true"),
					resource.TestCheckResourceAttr(team, "connections.#", "2"),
					resource.TestCheckTypeSetElemNestedAttrs(team, "connections.*", map[string]string{"kind": "gitlab", "name": "team gitlab",
						"url": "https://gitlab.com", "configured": "false"}),
					resource.TestCheckTypeSetElemNestedAttrs(team, "connections.*", map[string]string{"kind": "gitea", "name": "team gitea",
						"configured": "false"}),
					resource.TestCheckResourceAttr(team, "ids.#", "2"),
					resource.TestCheckResourceAttr(github, "ids.#", "1"),
					resource.TestCheckResourceAttr(github, "ids.0", testGitHubConnectionID),
					// The GitHub connection, read and tested: the installation sees both repositories of gitdeploy-demo.
					resource.TestCheckResourceAttr(one, "kind", "github"),
					resource.TestCheckResourceAttr(one, "name", "GitHub"),
					resource.TestCheckResourceAttr(one, "app_id", fmt.Sprint(testAppID)),
					resource.TestCheckResourceAttr(one, "installation_id", fmt.Sprint(testAppInstallationID)),
					resource.TestCheckResourceAttr(one, "configured", "true"),
					resource.TestCheckResourceAttr(one, "repository_count", "2"),
					// Read by its git_provider_id: the id is the kind's.
					resource.TestCheckResourceAttrPair(gitea, "id", "gitdeploy_git_connection.gitea", "id"),
					resource.TestCheckResourceAttr(gitea, "kind", "gitea"),
					resource.TestCheckResourceAttr(gitea, "repository_count", "2"),
					resource.TestCheckResourceAttr(gitlab, "configured", "false"),
					resource.TestCheckNoResourceAttr(gitlab, "repository_count"),
					resource.TestMatchResourceAttr(gitlab, "authorize_url", regexp.MustCompile(`^https://gitlab\.com/oauth/authorize\?client_id=app&`)),
				),
			},
			{
				// Tested, a GitLab connection nobody authorised fails, and says what to do.
				Config: connections + `
data "gitdeploy_git_connection" "gitlab" {
  id = gitdeploy_git_connection.gitlab.id
}
`,
				ExpectError: regexp.MustCompile(`(?s)GitLab connection failed its test.*Failed to refresh token.*Nobody authorised this GitLab\s+connection yet: open\s+https://gitlab\.com/oauth/authorize`),
			},
			{
				// A GitHub connection whose app key no longer matches fails its test with Dokploy's answer.
				PreConfig: func() {
					other, _ := githosttest.GitHubAppKey(1)
					if err := env.emu.UpdateDokployConnection(testGitHubConnectionID, map[string]any{"githubPrivateKey": other}); err != nil {
						t.Fatal(err)
					}
				},
				Config: connections + `
data "gitdeploy_git_connection" "github" {
  id = "gh-conn"
}
`,
				ExpectError: regexp.MustCompile(`(?s)GitHub connection failed its test.*answered: A JSON web token\s+could not be decoded`),
			},
			{
				Config: connections + `
data "gitdeploy_git_connection" "missing" {
  id = "no-such-connection"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Connection not found.*"no-such-connection"`),
			},
		},
	})
}
