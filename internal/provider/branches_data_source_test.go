package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

func TestAccBranchesDataSource(t *testing.T) {
	for _, h := range []struct{ kind, repo string }{
		{"github", "gitdeploy-demo/website"},
		{"gitlab", "gitdeploy-demo/website"},
		{"bitbucket", "gitdeploy-demo/website"},
		{"gitea", "gitdeploy-demo/website"},
	} {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			for _, b := range []string{"release/1.0", "release/2.0", "feature-x"} {
				if err := env.emu.AddBranch(h.kind, h.repo, b); err != nil {
					t.Fatal(err)
				}
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				Steps: []resource.TestStep{
					{
						Config: env.allHostsProviderConfig("netlify") + fmt.Sprintf(`
data "gitdeploy_branches" "all" {
  git_provider = %[1]q
  repository   = %[2]q
}
data "gitdeploy_branches" "releases" {
  git_provider = %[1]q
  repository   = %[2]q
  name_regex   = "^release/"
}
data "gitdeploy_branches" "unprotected" {
  git_provider = %[1]q
  repository   = %[2]q
  protected    = false
}
`, h.kind, h.repo),
						Check: resource.ComposeAggregateTestCheckFunc(
							resource.TestCheckResourceAttr("data.gitdeploy_branches.all", "names.#", "5"),
							resource.TestCheckResourceAttr("data.gitdeploy_branches.all", "names.0", "develop"),
							resource.TestCheckResourceAttr("data.gitdeploy_branches.all", "names.2", "main"),
							resource.TestCheckResourceAttr("data.gitdeploy_branches.all", "default_branch", "main"),
							resource.TestCheckResourceAttr("data.gitdeploy_branches.all", "branches.2.default", "true"),
							resource.TestCheckResourceAttr("data.gitdeploy_branches.all", "branches.0.default", "false"),
							resource.TestMatchResourceAttr("data.gitdeploy_branches.all", "branches.0.commit_sha", regexp.MustCompile(`^[0-9a-f]{40}$`)),
							resource.TestCheckResourceAttr("data.gitdeploy_branches.releases", "names.#", "2"),
							resource.TestCheckResourceAttr("data.gitdeploy_branches.releases", "names.1", "release/2.0"),
							resource.TestCheckResourceAttr("data.gitdeploy_branches.releases", "default_branch", "main"),
							resource.TestCheckResourceAttr("data.gitdeploy_branches.unprotected", "branches.0.protected", "false"),
						),
					},
					{
						Config: env.allHostsProviderConfig("netlify") + fmt.Sprintf(`
data "gitdeploy_branches" "missing" {
  git_provider = %q
  repository   = "gitdeploy-demo/no-such-repo"
}
`, h.kind),
						ExpectError: regexp.MustCompile(`Repository not found`),
					},
				},
			})
		})
	}
}
