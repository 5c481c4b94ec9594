package provider

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// The default seed's tokens (emulator.DefaultSeed).
const (
	testNetlifyToken = "emulator-netlify-token"
	testGitHubToken  = "emulator-github-token"
	testGitLabToken  = "emulator-gitlab-token"
)

var testAccProviders = map[string]func() (tfprotov6.ProviderServer, error){
	"gitdeploy": func() (tfprotov6.ProviderServer, error) { return ProtocolServer("test")(), nil },
}

// testEnv is one in-process emulator per test, so tests run in parallel without sharing state.
type testEnv struct {
	t   *testing.T
	emu *emulator.Emulator
	url string
}

func newTestEnv(t *testing.T) *testEnv {
	t.Helper()
	emu := emulator.New(nil)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return &testEnv{t: t, emu: emu, url: srv.URL}
}

// providerConfig points every system at the emulator; GitHub with an Enterprise-style base URL (the
// client adds api/v3/) and GitLab with a self-managed one.
func (e *testEnv) providerConfig() string {
	return fmt.Sprintf(`
provider "gitdeploy" {
  # Fast retries against the in-process emulator; the defaults (1s–30s) suit real services.
  retry_wait_min = "10ms"
  retry_wait_max = "100ms"
  netlify {
    token   = %q
    api_url = "%s/netlify/api/v1"
  }
  github {
    token    = %q
    base_url = "%s/github/"
  }
  gitlab {
    token    = %q
    base_url = "%s/gitlab/api/v4"
  }
}
`, testNetlifyToken, e.url, testGitHubToken, e.url, testGitLabToken, e.url)
}

// gitKey is a deploy key on either git host, as the tests look at it.
type gitKey struct {
	ID, Title, Key string
	ReadOnly       bool
}

func (e *testEnv) gitKeys(kind, repo string) []gitKey {
	var keys []gitKey
	switch kind {
	case githost.GitHub:
		for _, k := range e.emu.GitHubDeployKeys(repo) {
			keys = append(keys, gitKey{ID: k.ID, Title: k.Title, Key: k.Key, ReadOnly: k.ReadOnly})
		}
	case githost.GitLab:
		for _, k := range e.emu.GitLabDeployKeys(repo) {
			keys = append(keys, gitKey{ID: k.ID, Title: k.Title, Key: k.Key, ReadOnly: !k.CanPush})
		}
	case githost.Bitbucket:
		for _, k := range e.emu.BitbucketDeployKeys(repo) {
			keys = append(keys, gitKey{ID: k.ID, Title: k.Label, Key: k.Key, ReadOnly: true}) // always read-only
		}
	case githost.Gitea:
		for _, k := range e.emu.GiteaDeployKeys(repo) {
			keys = append(keys, gitKey{ID: k.ID, Title: k.Title, Key: k.Key, ReadOnly: k.ReadOnly})
		}
	default:
		e.t.Fatalf("unknown git host %q", kind)
	}
	return keys
}

func (e *testEnv) deleteGitKey(kind, repo, id string) {
	var ok bool
	switch kind {
	case githost.GitHub:
		ok = e.emu.DeleteGitHubDeployKey(repo, id)
	case githost.GitLab:
		ok = e.emu.DeleteGitLabDeployKey(repo, id)
	case githost.Bitbucket:
		ok = e.emu.DeleteBitbucketDeployKey(repo, id)
	case githost.Gitea:
		ok = e.emu.DeleteGiteaDeployKey(repo, id)
	}
	if !ok {
		e.t.Fatalf("emulator: no %s deploy key %s on %s to delete", kind, id, repo)
	}
}
