package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// Import round trips: each resource, made with a configuration that sets every attribute a user can set,
// is imported again with an import block in that same configuration, and the plan must be a no-op for it
// (terraform-plugin-testing's ImportBlockWithID fails on any other action). Secrets cannot be read back:
// those steps are in TestAccImportRoundTrip_webhookSecret.

// importNoOp imports addr by the id that importID builds, with an import block in the previous step's
// configuration, and fails unless the plan leaves it as it is.
func importNoOp(addr string, importID resource.ImportStateIdFunc) resource.TestStep {
	return resource.TestStep{ResourceName: addr, ImportState: true, ImportStateKind: resource.ImportBlockWithID, ImportStateIdFunc: importID}
}

// attrsID joins attributes of addr's state with ':' into an import ID.
func attrsID(addr string, attrs ...string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return "", fmt.Errorf("%s not in state", addr)
		}
		parts := make([]string, 0, len(attrs))
		for _, a := range attrs {
			parts = append(parts, rs.Primary.Attributes[a])
		}
		return strings.Join(parts, ":"), nil
	}
}

func TestAccImportRoundTrip_site(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoSitesLeft(),
		Steps: []resource.TestStep{
			{Config: siteConfig(env, `name = "acc-import-site"
custom_domain = "www.import.example"
team_slug = "gitdeploy-demo"`)},
			importNoOp(siteAddr, attrsID(siteAddr, "id")),
			// Without team_slug in the configuration, the team the platform reports is kept.
			{Config: siteConfig(env, `name = "acc-import-site"`), ConfigPlanChecks: resource.ConfigPlanChecks{
				PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(siteAddr, plancheck.ResourceActionUpdate)},
			}},
			importNoOp(siteAddr, attrsID(siteAddr, "id")),
		},
	})
}

func TestAccImportRoundTrip_deployKeyAndLink(t *testing.T) {
	for _, h := range repoLinkHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			if err := env.emu.AddBranch(h.kind, h.private, "develop"); err != nil {
				t.Fatal(err)
			}
			// The production branch listed in allowed_branches too: the state read after an import cannot
			// know whether it was.
			cfg := repoLinkChainConfig(env, h.kind, h.private, `branch           = "develop"
  allowed_branches = ["main", "develop"]
  build_command    = "npm run build"
  publish_dir      = "dist"
  base_dir         = "web"
  functions_dir    = "functions"`)
			cfg = strings.Replace(cfg, `resource "gitdeploy_deploy_key" "test" {`, `resource "gitdeploy_deploy_key" "test" {
  title     = "acc import key"
  read_only = true`, 1)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             env.checkNothingLeft(h.kind, h.private),
				Steps: []resource.TestStep{
					{Config: cfg},
					importNoOp(repoLinkAddr, attrsID(repoLinkAddr, "id")),
					importNoOp(repoLinkKeyAddr, attrsID(repoLinkKeyAddr, "id", "git_provider", "repository", "git_key_id")),
					// Without the git key's id, the installed key is found by its public key.
					importNoOp(repoLinkKeyAddr, attrsID(repoLinkKeyAddr, "id", "git_provider", "repository")),
					importNoOp(repoLinkSite, attrsID(repoLinkSite, "id")),
				},
			})
		})
	}
}

func TestAccImportRoundTrip_webhook(t *testing.T) {
	for _, h := range deployKeyHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			platformHook := `events = ["push", "tag"]
  insecure_ssl = false`
			if h.kind == githost.GitLab {
				platformHook += `
  branch_filter = "release/*"`
			} else {
				platformHook += `
  content_type = "json"
  active       = true`
			}
			buildHook := `site_id = gitdeploy_site.test.id
  build_hook = {
    title  = "acc import build hook"
    branch = "main"
  }`
			for _, c := range []struct{ name, body string }{{"platform endpoint", platformHook}, {"build hook", buildHook}} {
				t.Run(c.name, func(t *testing.T) {
					cfg := webhookConfig(env, h.kind, h.repo, c.body) + "resource \"gitdeploy_site\" \"test\" {}\n"
					id := attrsID(webhookAddr, "git_provider", "repository", "id")
					if c.name == "build hook" {
						id = attrsID(webhookAddr, "git_provider", "repository", "id", "site_id", "build_hook_id")
					}
					resource.Test(t, resource.TestCase{
						ProtoV6ProviderFactories: testAccProviders,
						Steps:                    []resource.TestStep{{Config: cfg}, importNoOp(webhookAddr, id)},
					})
				})
			}
		})
	}
}

// Import round trips on the hosts added later: every resource of a chain on Bitbucket (Netlify) and on
// Gitea (Dokploy), imported again with the configuration that made it, plans nothing.
func TestAccImportRoundTrip_newHosts(t *testing.T) {
	for _, p := range []struct{ platform, kind string }{{"netlify", githost.Bitbucket}, {"dokploy", githost.Gitea}} {
		t.Run(p.platform+"+"+p.kind, func(t *testing.T) {
			env := newTestEnv(t)
			repo := pushMatrixRepos[p.kind]
			cfg := pushMatrixChain(env, p.platform, p.kind, repo)
			link := attrsID("gitdeploy_repo_link.m", "id")
			hook := attrsID("gitdeploy_webhook.m", "git_provider", "repository", "id")
			if p.platform == "dokploy" {
				link = attrsID("gitdeploy_repo_link.m", "id", "git_provider")
				hook = attrsID("gitdeploy_webhook.m", "git_provider", "repository", "id", "site_id")
			}
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             env.checkNoKeysLeft(p.kind, repo),
				Steps: []resource.TestStep{
					{Config: cfg},
					importNoOp("gitdeploy_site.m", attrsID("gitdeploy_site.m", "id")),
					importNoOp("gitdeploy_deploy_key.m", attrsID("gitdeploy_deploy_key.m", "id", "git_provider", "repository", "git_key_id")),
					importNoOp("gitdeploy_repo_link.m", link),
					importNoOp("gitdeploy_webhook.m", hook),
				},
			})
		})
	}
}
