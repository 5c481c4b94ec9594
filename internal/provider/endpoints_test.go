package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

func TestEndpointsSayWhereTheURLCameFrom(t *testing.T) {
	env := map[string]string{envGitLabBaseURL: "https://gitlab.example.com/api/v4"}
	config := providerModel{Netlify: &netlifyBlockModel{APIURL: types.StringValue("http://127.0.0.1:8080/netlify/api/v1")}}
	s := resolveSettings(config, func(k string) string { return env[k] })
	for _, tc := range []struct {
		service string
		want    httpx.Endpoint
	}{
		{"Netlify", httpx.Endpoint{URL: "http://127.0.0.1:8080/netlify/api/v1", Setting: "netlify.api_url", EnvVar: "NETLIFY_API_URL", Source: httpx.EndpointFromSetting}},
		{"GitHub", httpx.Endpoint{URL: "https://api.github.com/", Setting: "github.base_url", EnvVar: "GITHUB_BASE_URL", Source: httpx.EndpointDefault}},
		{"GitLab", httpx.Endpoint{URL: "https://gitlab.example.com/api/v4", Setting: "gitlab.base_url", EnvVar: "GITLAB_BASE_URL", Source: httpx.EndpointFromEnv}},
		{"Elsewhere", httpx.Endpoint{}},
	} {
		if got := s.endpoint(tc.service); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.service, got, tc.want)
		}
	}
}

func TestCheckBaseURL(t *testing.T) {
	for raw, want := range map[string]string{
		"https://api.netlify.com/api/v1":    "",
		"http://127.0.0.1:8080/github/":     "",
		"127.0.0.1:8080/netlify/api/v1":     "it has no scheme: write http:// or https:// before the host",
		"api.netlify.com":                   "it has no scheme: write http:// or https:// before the host",
		" https://api.netlify.com/api/v1":   "it has spaces around it",
		"ftp://gitlab.example.com":          `its scheme "ftp" is neither http nor https`,
		"https://":                          "it has no host",
		"https:///api/v4":                   "it has no host",
		"https://u:p@gitlab.example.com":    "it holds credentials: set the token setting instead, which is kept out of logs and errors",
		"https://gitlab.example.com/?a=b":   "it has a query (?…): the API's base URL takes none",
		"https://gitlab.example.com/?":      "it has a query (?…): the API's base URL takes none",
		"https://gitlab.example.com/#x":     "it has a fragment (#…)",
		"https://gitlab.example.com:99999x": `it is not a URL: invalid port ":99999x" after host`,
	} {
		if got := checkBaseURL(raw); got != want {
			t.Errorf("checkBaseURL(%q) = %q, want %q", raw, got, want)
		}
	}
}
