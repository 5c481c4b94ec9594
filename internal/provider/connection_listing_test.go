package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
)

// connectionsConfig is the Dokploy provider with a GitLab (group gitdeploy-demo), a Bitbucket and a Gitea
// connection; the GitHub one is seeded (seedGitHubConnection).
func connectionsConfig(env *testEnv) string {
	return env.dokployProviderConfig() + fmt.Sprintf(`
resource "gitdeploy_git_connection" "gitlab" {
  kind           = "gitlab"
  name           = "gitlab"
  application_id = "gitdeploy-oauth-app"
  secret         = "gitdeploy-oauth-secret"
  group_name     = "gitdeploy-demo"
}

resource "gitdeploy_git_connection" "bitbucket" {
  kind      = "bitbucket"
  name      = "bitbucket"
  email     = %[2]q
  api_token = %[3]q
  workspace = "gitdeploy-demo"
}

resource "gitdeploy_git_connection" "gitea" {
  kind         = "gitea"
  name         = "gitea"
  url          = "%[1]s/gitea"
  access_token = %[4]q
}

locals {
  connection = {
    github    = %[5]q
    gitlab    = gitdeploy_git_connection.gitlab.id
    bitbucket = gitdeploy_git_connection.bitbucket.id
    gitea     = gitdeploy_git_connection.gitea.id
  }
}
`, env.url, emulator.DefaultBitbucketEmail, emulator.DefaultBitbucketAPIToken, emulator.DefaultGiteaToken, testGitHubConnectionID)
}

// authorizeGitLabConnection authorises the one GitLab connection as the GitLab user demo.
func (e *testEnv) authorizeGitLabConnection() {
	e.t.Helper()
	for _, c := range e.emu.DokployConnections() {
		if c.Kind == "gitlab" {
			if _, err := e.emu.AuthorizeDokployConnection(c.ID, "demo"); err != nil {
				e.t.Fatal(err)
			}
			return
		}
	}
	e.t.Fatal("no GitLab connection to authorise")
}

func TestAccConnectionListing(t *testing.T) {
	env := newTestEnv(t)
	env.seedGitHubConnection()
	base := connectionsConfig(env)
	listings := base
	for _, kind := range []string{"github", "gitlab", "bitbucket", "gitea"} {
		listings += fmt.Sprintf(`
data "gitdeploy_repositories" "through_%[1]s" {
  connection_id     = local.connection.%[1]s
  owner             = "gitdeploy-demo"
  include_subgroups = %[2]t
}

data "gitdeploy_branches" "through_%[1]s" {
  connection_id = local.connection.%[1]s
  repository    = "gitdeploy-demo/website"
}
`, kind, kind == "gitlab")
	}
	listings += `

data "gitdeploy_repositories" "gitlab_top_level" {
  connection_id = local.connection.gitlab
  git_provider  = "gitlab"
  owner         = "gitdeploy-demo"
}

data "gitdeploy_repositories" "github_direct" {
  git_provider = "github"
  owner        = "gitdeploy-demo"
}

data "gitdeploy_repositories" "gitlab_direct" {
  git_provider      = "gitlab"
  owner             = "gitdeploy-demo"
  include_subgroups = true
}

data "gitdeploy_branches" "github_direct" {
  git_provider = "github"
  repository   = "gitdeploy-demo/website"
}
`
	repos := func(kind string) string { return "data.gitdeploy_repositories.through_" + kind }
	branches := func(kind string) string { return "data.gitdeploy_branches.through_" + kind }
	var checks []resource.TestCheckFunc
	for _, kind := range []string{"github", "gitlab", "bitbucket", "gitea"} {
		checks = append(checks,
			resource.TestCheckResourceAttr(repos(kind), "git_provider", kind),
			resource.TestCheckResourceAttr(repos(kind), "full_names.#", "2"),
			resource.TestCheckResourceAttr(branches(kind), "names.#", "2"),
			resource.TestCheckResourceAttr(branches(kind), "names.0", "develop"),
			resource.TestCheckResourceAttr(branches(kind), "names.1", "main"),
			resource.TestMatchResourceAttr(branches(kind), "branches.1.commit_sha", regexp.MustCompile(`^[0-9a-f]{40}$`)))
	}
	checks = append(checks,
		resource.TestCheckResourceAttr(repos("github"), "full_names.0", "gitdeploy-demo/private-app"),
		resource.TestCheckResourceAttr(repos("gitlab"), "full_names.0", "gitdeploy-demo/frontend/app"),
		resource.TestCheckResourceAttr(repos("bitbucket"), "full_names.1", "gitdeploy-demo/website"),
		resource.TestCheckResourceAttr(repos("gitea"), "full_names.0", "gitdeploy-demo/private-app"),
		resource.TestCheckResourceAttr("data.gitdeploy_repositories.gitlab_top_level", "full_names.#", "1"),
		resource.TestCheckResourceAttr("data.gitdeploy_repositories.gitlab_top_level", "full_names.0", "gitdeploy-demo/website"),
		// Through a GitHub connection every output is GitHub's own, as listed directly.
		sameAttrs(repos("github"), "data.gitdeploy_repositories.github_direct", "repositories.", []string{"id", "name", "full_name",
			"default_branch", "visibility", "private", "archived", "fork", "description", "html_url", "clone_url", "ssh_url", "topics.#",
			"pushed_at"}, 2),
		sameAttrs(branches("github"), "data.gitdeploy_branches.github_direct", "branches.", []string{"name", "protected", "default",
			"commit_sha"}, 2),
		resource.TestCheckResourceAttr(branches("github"), "default_branch", "main"),
		// Through GitLab: the ids and names GitLab gives, null where Dokploy's listing says nothing.
		sameAttrs(repos("gitlab"), "data.gitdeploy_repositories.gitlab_direct", "repositories.", []string{"id", "name", "full_name"}, 2),
		resource.TestCheckNoResourceAttr(repos("gitlab"), "repositories.0.visibility"),
		resource.TestCheckNoResourceAttr(repos("gitlab"), "repositories.0.html_url"),
		resource.TestCheckResourceAttr(branches("gitlab"), "default_branch", "main"),
		resource.TestCheckResourceAttr(branches("gitlab"), "branches.1.default", "true"),
		// Through Bitbucket: no id, the web page.
		resource.TestCheckNoResourceAttr(repos("bitbucket"), "repositories.0.id"),
		resource.TestMatchResourceAttr(repos("bitbucket"), "repositories.1.html_url", regexp.MustCompile(`/gitdeploy-demo/website$`)),
		// Through Gitea: nothing says which branch is the default.
		resource.TestCheckNoResourceAttr(branches("gitea"), "default_branch"),
		resource.TestCheckNoResourceAttr(branches("gitea"), "branches.0.protected"),
	)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkOnlySeededConnection(),
		Steps: []resource.TestStep{
			{Config: base},
			{
				// Nobody authorised the GitLab connection yet: listing through it fails and says what to do.
				Config: base + `
data "gitdeploy_repositories" "gitlab" {
  connection_id = local.connection.gitlab
}
`,
				ExpectError: regexp.MustCompile(`(?s)Could not list repositories through the connection.*Nobody authorised the GitLab\s+connection`),
			},
			{PreConfig: env.authorizeGitLabConnection, Config: listings, Check: resource.ComposeAggregateTestCheckFunc(checks...)},
			{
				Config: base + `
data "gitdeploy_branches" "x" {
  connection_id = local.connection.gitea
  repository    = "gitdeploy-demo/website"
  protected     = true
}
`,
				ExpectError: regexp.MustCompile(`(?s)protected not available through this connection.*Gitea connection`),
			},
			{
				Config: base + `
data "gitdeploy_branches" "x" {
  connection_id = local.connection.bitbucket
  repository    = "someone-else/website"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Repository not seen through the connection.*does not list\s+someone-else/website.*workspace`),
			},
			{
				Config: base + `
data "gitdeploy_repositories" "x" {
  connection_id = local.connection.gitea
  git_provider  = "github"
}
`,
				ExpectError: regexp.MustCompile(`(?s)git_provider does not match the connection.*is a Gitea connection`),
			},
			{
				Config: base + `
data "gitdeploy_repositories" "x" {
  connection_id = "no-such-connection"
}
`,
				ExpectError: regexp.MustCompile(`(?s)Connection not found.*"no-such-connection"`),
			},
			{
				Config: base + `
data "gitdeploy_repositories" "x" {
  owner = "gitdeploy-demo"
}
`,
				ExpectError: regexp.MustCompile(`Missing git_provider`),
			},
			{Config: base}, // the destroy's configuration
		},
	})
}

// sameAttrs checks that the n first elements under prefix have the same attrs in a and b.
func sameAttrs(a, b, prefix string, attrs []string, n int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for i := range n {
			for _, attr := range attrs {
				key := fmt.Sprintf("%s%d.%s", prefix, i, attr)
				if err := resource.TestCheckResourceAttrPair(a, key, b, key)(s); err != nil {
					return err
				}
			}
		}
		return nil
	}
}

// checkOnlySeededConnection is the destroy check when a GitHub connection was seeded: only it is left.
func (e *testEnv) checkOnlySeededConnection() resource.TestCheckFunc {
	return func(*terraform.State) error {
		if conns := e.emu.DokployConnections(); len(conns) != 1 || conns[0].ID != testGitHubConnectionID {
			return fmt.Errorf("want only the seeded GitHub connection left, Dokploy has %+v", conns)
		}
		return nil
	}
}
