package provider

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

const deployKeyAddr = "gitdeploy_deploy_key.test"

// The hosts every deploy-key test runs on: GitHub, and GitLab with a project in a nested subgroup.
var deployKeyHosts = []struct{ kind, repo string }{
	{githost.GitHub, "gitdeploy-demo/website"},
	{githost.GitLab, "gitdeploy-demo/frontend/app"},
}

func deployKeyConfig(env *testEnv, kind, repo string, extra string) string {
	return env.providerConfig() + fmt.Sprintf(`
resource "gitdeploy_deploy_key" "test" {
  git_provider = %q
  repository   = %q
  %s
}
`, kind, repo, extra)
}

func TestAccDeployKey_lifecycle(t *testing.T) {
	for _, h := range deployKeyHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             env.checkNoKeysLeft(h.kind, h.repo),
				Steps: []resource.TestStep{
					{
						Config: deployKeyConfig(env, h.kind, h.repo, ""),
						Check: resource.ComposeAggregateTestCheckFunc(
							resource.TestCheckResourceAttrSet(deployKeyAddr, "id"),
							resource.TestMatchResourceAttr(deployKeyAddr, "public_key", regexp.MustCompile(`^ssh-`)),
							resource.TestMatchResourceAttr(deployKeyAddr, "git_key_id", regexp.MustCompile(`^[0-9]+$`)),
							resource.TestMatchResourceAttr(deployKeyAddr, "created_at", regexp.MustCompile(`^\d{4}-\d\d-\d\dT`)),
							resource.TestCheckResourceAttr(deployKeyAddr, "read_only", "true"),
							resource.TestCheckResourceAttr(deployKeyAddr, "title", defaultDeployKeyTitle),
							checkFingerprintMatchesPublicKey(deployKeyAddr),
							env.checkKeyInstalled(h.kind, h.repo, true),
						),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
						},
					},
					{
						ResourceName:      deployKeyAddr,
						ImportState:       true,
						ImportStateVerify: true,
						ImportStateIdFunc: deployKeyImportID(deployKeyAddr),
					},
				},
			})
		})
	}
}

func TestAccDeployKey_writeEnabledWithTitle(t *testing.T) {
	env := newTestEnv(t)
	kind, repo := githost.GitHub, "gitdeploy-demo/website"
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoKeysLeft(kind, repo),
		Steps: []resource.TestStep{
			{
				Config: deployKeyConfig(env, kind, repo, `title = "ci: push tags"
  read_only = false`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(deployKeyAddr, "title", "ci: push tags"),
					resource.TestCheckResourceAttr(deployKeyAddr, "read_only", "false"),
					env.checkKeyInstalled(kind, repo, false),
				),
			},
			{
				// A new title replaces the key: deploy keys are immutable.
				Config: deployKeyConfig(env, kind, repo, `title = "ci: push tags v2"
  read_only = false`),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(deployKeyAddr, plancheck.ResourceActionReplace)},
				},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(deployKeyAddr, "title", "ci: push tags v2"),
					env.checkKeyInstalled(kind, repo, false),
				),
			},
		},
	})
}

func TestAccDeployKey_platformOnly(t *testing.T) {
	env := newTestEnv(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy: func(*terraform.State) error {
			if keys := env.emu.NetlifyDeployKeys(); len(keys) != 0 {
				return fmt.Errorf("%d Netlify deploy keys left after destroy", len(keys))
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: env.providerConfig() + `resource "gitdeploy_deploy_key" "test" {}`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr(deployKeyAddr, "git_key_id"),
					resource.TestCheckNoResourceAttr(deployKeyAddr, "repository"),
					checkFingerprintMatchesPublicKey(deployKeyAddr),
					func(*terraform.State) error {
						if n := len(env.emu.NetlifyDeployKeys()); n != 1 {
							return fmt.Errorf("want 1 Netlify deploy key, the emulator has %d", n)
						}
						return nil
					},
				),
			},
			{ResourceName: deployKeyAddr, ImportState: true, ImportStateVerify: true},
		},
	})
}

// Drift: a key removed by hand from the git host is replaced, and the replacement deletes the old
// platform key, so no half is left behind.
func TestAccDeployKey_gitKeyDeletedByHand(t *testing.T) {
	for _, h := range deployKeyHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			var oldID, oldGitID string
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             env.checkNoKeysLeft(h.kind, h.repo),
				Steps: []resource.TestStep{
					{
						Config: deployKeyConfig(env, h.kind, h.repo, ""),
						Check: resource.ComposeTestCheckFunc(
							captureAttr(deployKeyAddr, "id", &oldID),
							captureAttr(deployKeyAddr, "git_key_id", &oldGitID),
						),
					},
					{
						PreConfig: func() { env.deleteGitKey(h.kind, h.repo, oldGitID) },
						Config:    deployKeyConfig(env, h.kind, h.repo, ""),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(deployKeyAddr, plancheck.ResourceActionReplace)},
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							env.checkKeyInstalled(h.kind, h.repo, true),
							env.checkNetlifyKeyGone(&oldID),
						),
					},
				},
			})
		})
	}
}

// Drift: a platform key deleted by hand is replaced, and the replacement removes the old key from the
// git host.
func TestAccDeployKey_platformKeyDeletedByHand(t *testing.T) {
	for _, h := range deployKeyHosts {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			var oldID, oldGitID string
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy:             env.checkNoKeysLeft(h.kind, h.repo),
				Steps: []resource.TestStep{
					{
						Config: deployKeyConfig(env, h.kind, h.repo, ""),
						Check: resource.ComposeTestCheckFunc(
							captureAttr(deployKeyAddr, "id", &oldID),
							captureAttr(deployKeyAddr, "git_key_id", &oldGitID),
						),
					},
					{
						PreConfig: func() {
							if !env.emu.DeleteNetlifyDeployKey(oldID) {
								t.Fatalf("emulator: no Netlify deploy key %s", oldID)
							}
						},
						Config: deployKeyConfig(env, h.kind, h.repo, ""),
						ConfigPlanChecks: resource.ConfigPlanChecks{
							PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(deployKeyAddr, plancheck.ResourceActionReplace)},
						},
						Check: resource.ComposeAggregateTestCheckFunc(
							env.checkKeyInstalled(h.kind, h.repo, true),
							func(*terraform.State) error {
								for _, k := range env.gitKeys(h.kind, h.repo) {
									if k.ID == oldGitID {
										return fmt.Errorf("the old %s deploy key %s is still on %s", h.kind, oldGitID, h.repo)
									}
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

// Both halves deleted by hand: the resource leaves the state and is created again.
func TestAccDeployKey_bothHalvesDeletedByHand(t *testing.T) {
	env := newTestEnv(t)
	kind, repo := githost.GitLab, "gitdeploy-demo/frontend/app"
	var oldID, oldGitID string
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		CheckDestroy:             env.checkNoKeysLeft(kind, repo),
		Steps: []resource.TestStep{
			{
				Config: deployKeyConfig(env, kind, repo, ""),
				Check: resource.ComposeTestCheckFunc(
					captureAttr(deployKeyAddr, "id", &oldID),
					captureAttr(deployKeyAddr, "git_key_id", &oldGitID),
				),
			},
			{
				PreConfig: func() {
					env.deleteGitKey(kind, repo, oldGitID)
					if !env.emu.DeleteNetlifyDeployKey(oldID) {
						t.Fatalf("emulator: no Netlify deploy key %s", oldID)
					}
				},
				Config: deployKeyConfig(env, kind, repo, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(deployKeyAddr, plancheck.ResourceActionCreate)},
				},
				Check: env.checkKeyInstalled(kind, repo, true),
			},
		},
	})
}

// A failing install on the git host leaves no platform key behind, and says so.
func TestAccDeployKey_failedInstallLeavesNothing(t *testing.T) {
	for _, h := range []struct{ kind, repo string }{
		{githost.GitHub, "gitdeploy-demo/no-such-repo"},
		{githost.GitLab, "gitdeploy-demo/frontend/no-such-project"},
	} {
		t.Run(h.kind, func(t *testing.T) {
			env := newTestEnv(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: testAccProviders,
				CheckDestroy: func(*terraform.State) error {
					if keys := env.emu.NetlifyDeployKeys(); len(keys) != 0 {
						return fmt.Errorf("%d Netlify deploy keys left behind after a failed install", len(keys))
					}
					return nil
				},
				Steps: []resource.TestStep{{
					Config:      deployKeyConfig(env, h.kind, h.repo, ""),
					ExpectError: regexp.MustCompile(`(?s)Could not install the deploy key.*answered\s+404.*deleted\s+again.*nothing\s+was\s+left\s+behind`),
				}},
			})
		})
	}
}

func TestAccDeployKey_planTimeValidation(t *testing.T) {
	env := newTestEnv(t)
	step := func(body, want string) resource.TestStep {
		return resource.TestStep{
			Config:      env.providerConfig() + "resource \"gitdeploy_deploy_key\" \"test\" {\n" + body + "\n}\n",
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(want),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			step(`git_provider = "sourcehut"
repository = "a/b"`, `(?s)git_provider.*value must be one of`),
			step(`repository = "acme/site"`, `(?s)Attribute "git_provider" must be specified when "repository" is\s+specified`),
			step(`git_provider = "github"`, `(?s)Attribute "repository" must be specified when "git_provider" is\s+specified`),
			step(`git_provider = "github"
repository = "acme"`, `(?s)Invalid repository.*owner/name`),
			step(`git_provider = "github"
repository = "acme/site/extra"`, `(?s)Invalid repository.*owner/name`),
			step(`git_provider = "gitlab"
repository = "group/../name"`, `(?s)Invalid repository`),
		},
	})
}

// Nothing configured: the provider still validates and plans; applying names the missing setting.
func TestAccProvider_missingCredentials(t *testing.T) {
	for _, env := range []string{envNetlifyToken, envNetlifyAPIToken, envGitHubToken, envGitLabToken} {
		t.Setenv(env, "")
	}
	cfg := `
provider "gitdeploy" {}

resource "gitdeploy_deploy_key" "test" {
  git_provider = "github"
  repository   = "acme/site"
}
`
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: testAccProviders,
		Steps: []resource.TestStep{
			{Config: cfg, PlanOnly: true, ExpectNonEmptyPlan: true},
			{Config: cfg, ExpectError: regexp.MustCompile(`(?s)Netlify is not configured.*NETLIFY_AUTH_TOKEN`)},
		},
	})
}

func deployKeyImportID(addr string) resource.ImportStateIdFunc {
	return func(s *terraform.State) (string, error) {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return "", fmt.Errorf("%s not in state", addr)
		}
		a := rs.Primary.Attributes
		return strings.Join([]string{a["id"], a["git_provider"], a["repository"], a["git_key_id"]}, ":"), nil
	}
}

// checkFingerprintMatchesPublicKey recomputes the SHA256 fingerprint from the key blob, independently of
// the provider's code.
func checkFingerprintMatchesPublicKey(addr string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		fields := strings.Fields(rs.Primary.Attributes["public_key"])
		if len(fields) < 2 {
			return fmt.Errorf("public_key %q is not an OpenSSH key", rs.Primary.Attributes["public_key"])
		}
		blob, err := base64.StdEncoding.DecodeString(fields[1])
		if err != nil {
			return fmt.Errorf("public_key blob: %w", err)
		}
		sum := sha256.Sum256(blob)
		want := "SHA256:" + base64.RawStdEncoding.EncodeToString(sum[:])
		if got := rs.Primary.Attributes["fingerprint"]; got != want {
			return fmt.Errorf("fingerprint = %q, want %q", got, want)
		}
		return nil
	}
}

func captureAttr(addr, attr string, into *string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[addr]
		if !ok {
			return fmt.Errorf("%s not in state", addr)
		}
		*into = rs.Primary.Attributes[attr]
		if *into == "" {
			return fmt.Errorf("%s.%s is empty", addr, attr)
		}
		return nil
	}
}

// checkKeyInstalled checks that the state's key is the one platform key and the one key on the
// repository, that both hold the same public key, and the key's access.
func (e *testEnv) checkKeyInstalled(kind, repo string, readOnly bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs, ok := s.RootModule().Resources[deployKeyAddr]
		if !ok {
			return fmt.Errorf("%s not in state", deployKeyAddr)
		}
		a := rs.Primary.Attributes
		platformKeys := e.emu.NetlifyDeployKeys()
		if len(platformKeys) != 1 || platformKeys[0].ID != a["id"] {
			return fmt.Errorf("want exactly the Netlify deploy key %s, the emulator has %+v", a["id"], platformKeys)
		}
		keys := e.gitKeys(kind, repo)
		if len(keys) != 1 || keys[0].ID != a["git_key_id"] {
			return fmt.Errorf("want exactly the %s deploy key %s on %s, the emulator has %+v", kind, a["git_key_id"], repo, keys)
		}
		if !githost.SameKey(keys[0].Key, platformKeys[0].PublicKey) {
			return fmt.Errorf("%s key %q is not the Netlify key %q", kind, keys[0].Key, platformKeys[0].PublicKey)
		}
		if keys[0].ReadOnly != readOnly {
			return fmt.Errorf("%s key read-only = %v, want %v", kind, keys[0].ReadOnly, readOnly)
		}
		if keys[0].Title != a["title"] {
			return fmt.Errorf("%s key title = %q, state says %q", kind, keys[0].Title, a["title"])
		}
		return nil
	}
}

func (e *testEnv) checkNetlifyKeyGone(id *string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, k := range e.emu.NetlifyDeployKeys() {
			if k.ID == *id {
				return fmt.Errorf("the old Netlify deploy key %s is still there", *id)
			}
		}
		return nil
	}
}

// checkNoKeysLeft is the destroy check: no key on either system.
func (e *testEnv) checkNoKeysLeft(kind, repo string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if keys := e.emu.NetlifyDeployKeys(); len(keys) != 0 {
			return fmt.Errorf("%d Netlify deploy keys left after destroy: %+v", len(keys), keys)
		}
		if keys := e.gitKeys(kind, repo); len(keys) != 0 {
			return fmt.Errorf("%d %s deploy keys left on %s after destroy: %+v", len(keys), kind, repo, keys)
		}
		return nil
	}
}
