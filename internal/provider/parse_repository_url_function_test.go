package provider

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// The function through terraform: a GitLab subgroup over SSH, a GitHub scp-like URL, a GHES host (no
// git_provider), and a URL that cannot be parsed, whose error says why without the password.
func TestAccParseRepositoryURLFunction(t *testing.T) {
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{tfversion.SkipBelow(tfversion.Version1_8_0)},
		Steps: []resource.TestStep{
			{
				Config: `
output "gitlab" {
  value = provider::gitdeploy::parse_repository_url("ssh://git@gitlab.com:2222/team/frontend/app.git")
}
output "github" {
  value = provider::gitdeploy::parse_repository_url("git@github.com:octocat/Hello-World.git")
}
output "ghes" {
  value = provider::gitdeploy::parse_repository_url("https://ghe.example.com:8443/platform/website")
}
output "ghes_provider_is_null" {
  value = provider::gitdeploy::parse_repository_url("https://ghe.example.com/platform/website").git_provider == null
}
`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckOutput("ghes_provider_is_null", "true"),
					checkOutputObject("gitlab", map[string]string{"git_provider": "gitlab", "host": "gitlab.com",
						"owner": "team/frontend", "name": "app", "repository": "team/frontend/app"}),
					checkOutputObject("github", map[string]string{"git_provider": "github", "host": "github.com",
						"owner": "octocat", "name": "Hello-World", "repository": "octocat/Hello-World"}),
					checkOutputObject("ghes", map[string]string{"host": "ghe.example.com:8443",
						"owner": "platform", "name": "website", "repository": "platform/website"}),
				),
			},
			{
				Config: `
output "bad" {
  value = provider::gitdeploy::parse_repository_url("https://ci:hunter2@github.com/octocat")
}
`,
				ExpectError: regexp.MustCompile(`(?s)Cannot parse the repository URL:.*names no owner`),
			},
		},
	})
}

// checkOutputObject checks an object output's attributes; an attribute missing from want must be null.
func checkOutputObject(name string, want map[string]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		out, ok := s.RootModule().Outputs[name]
		if !ok {
			return fmt.Errorf("no output %q", name)
		}
		got, ok := out.Value.(map[string]any)
		if !ok {
			return fmt.Errorf("output %q is %T, not an object", name, out.Value)
		}
		for _, attr := range []string{"git_provider", "host", "owner", "name", "repository"} {
			w, set := want[attr]
			switch v := got[attr]; {
			case !set && v != nil:
				return fmt.Errorf("output %q: %s = %v, want null", name, attr, v)
			case set && v != w:
				return fmt.Errorf("output %q: %s = %v, want %q", name, attr, v, w)
			}
		}
		return nil
	}
}
