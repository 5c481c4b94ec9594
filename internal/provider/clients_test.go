package provider

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestResolveSettings(t *testing.T) {
	env := map[string]string{
		envNetlifyAPIToken: "nl-from-api-token-env",
		envGitHubToken:     "gh-from-env",
		envGitHubBaseURL:   "https://ghes.example.com/",
		envGitLabBaseURL:   "https://gitlab.example.com/api/v4",
	}
	getenv := func(k string) string { return env[k] }

	s := resolveSettings(providerModel{
		GitLab:     &gitHostBlockModel{Token: types.StringValue("gl-from-config"), BaseURL: types.StringNull()},
		GitHub:     &gitHubBlockModel{Token: types.StringNull(), BaseURL: types.StringNull(), WriteInterval: types.StringValue("250ms")},
		MaxRetries: types.Int64Value(2),
	}, getenv)

	checks := []struct{ name, got, want string }{
		{"netlify token falls back to NETLIFY_API_TOKEN", s.netlify.token, "nl-from-api-token-env"},
		{"netlify url default", s.netlify.url, defaultNetlifyAPIURL},
		{"github token from env", s.github.token, "gh-from-env"},
		{"github url from env", s.github.url, "https://ghes.example.com/"},
		{"gitlab token from config", s.gitlab.token, "gl-from-config"},
		{"gitlab url from env", s.gitlab.url, "https://gitlab.example.com/api/v4"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	if s.maxRetries != 2 || s.githubWriteInterval != 250*time.Millisecond {
		t.Errorf("max_retries %d, write_interval %v", s.maxRetries, s.githubWriteInterval)
	}

	// NETLIFY_AUTH_TOKEN wins over NETLIFY_API_TOKEN; configuration wins over both.
	env[envNetlifyToken] = "nl-auth"
	if got := resolveSettings(providerModel{}, getenv).netlify.token; got != "nl-auth" {
		t.Errorf("NETLIFY_AUTH_TOKEN: got %q", got)
	}
	cfg := providerModel{Netlify: &netlifyBlockModel{Token: types.StringValue("nl-config"), APIURL: types.StringValue("http://127.0.0.1:1/netlify/api/v1")}}
	if got := resolveSettings(cfg, getenv).netlify.token; got != "nl-config" {
		t.Errorf("configured token: got %q", got)
	}
	if got := resolveSettings(providerModel{}, getenv).githubWriteInterval; got != defaultGitHubWriteInterval {
		t.Errorf("default write interval %v", got)
	}
}

// A system without a token has no client, and asking for it says which setting or variable to supply.
func TestClientsMissingCredentials(t *testing.T) {
	none := func(string) string { return "" }
	c, diags := newClients(context.Background(), resolveSettings(providerModel{}, none), "test")
	if diags.HasError() {
		t.Fatal(diags)
	}
	if _, d := c.Platform(""); d == nil || !strings.Contains(d.Detail(), envNetlifyToken) {
		t.Errorf("Platform() diagnostic %v does not name %s", d, envNetlifyToken)
	}
	if _, d := c.GitHost("github"); d == nil || !strings.Contains(d.Detail(), envGitHubToken) {
		t.Errorf("GitHost(github) diagnostic %v does not name %s", d, envGitHubToken)
	}
	if _, d := c.GitHost("gitlab"); d == nil || !strings.Contains(d.Detail(), envGitLabToken) {
		t.Errorf("GitHost(gitlab) diagnostic %v does not name %s", d, envGitLabToken)
	}
	if _, d := c.GitHost("bitbucket"); d == nil || !strings.Contains(d.Detail(), envBitbucketToken) || !strings.Contains(d.Detail(), envBitbucketAccess) {
		t.Errorf("GitHost(bitbucket) diagnostic %v does not name %s and %s", d, envBitbucketToken, envBitbucketAccess)
	}
	if _, d := c.GitHost("gitea"); d == nil || !strings.Contains(d.Detail(), envGiteaBaseURL) {
		t.Errorf("GitHost(gitea) diagnostic %v does not name %s", d, envGiteaBaseURL)
	}
	if _, d := c.Platform("dokploy"); d == nil || !strings.Contains(d.Detail(), envDokployAPIKey) {
		t.Errorf("Platform(dokploy) diagnostic %v does not name %s", d, envDokployAPIKey)
	}
	if _, d := c.GitHost("sourcehut"); d == nil || !strings.Contains(d.Detail(), "not supported") {
		t.Errorf("GitHost(sourcehut) diagnostic %v", d)
	}
}
