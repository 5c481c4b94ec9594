package provider

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost/bitbucket"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// defaultGitHubAPIURL is where the GitHub client goes when base_url is not set (go-github's default).
const defaultGitHubAPIURL = "https://api.github.com/"

// endpointSetting names the provider attribute and environment variable that set a system's base URL.
type endpointSetting struct {
	attribute path.Path
	setting   string // as users write it: "netlify.api_url"
	envVar    string
	example   string // a valid value, for the message of an invalid one
}

var (
	netlifyEndpoint   = endpointSetting{path.Root("netlify").AtName("api_url"), "netlify.api_url", envNetlifyAPIURL, defaultNetlifyAPIURL}
	gitHubEndpoint    = endpointSetting{path.Root("github").AtName("base_url"), "github.base_url", envGitHubBaseURL, "https://github.example.com/"}
	gitLabEndpoint    = endpointSetting{path.Root("gitlab").AtName("base_url"), "gitlab.base_url", envGitLabBaseURL, defaultGitLabBaseURL}
	dokployEndpoint   = endpointSetting{path.Root("dokploy").AtName("url"), "dokploy.url", envDokployURL, "https://dokploy.example.com"}
	bitbucketEndpoint = endpointSetting{path.Root("bitbucket").AtName("base_url"), "bitbucket.base_url", envBitbucketURL,
		bitbucket.DefaultBaseURL}
	giteaEndpoint = endpointSetting{path.Root("gitea").AtName("base_url"), "gitea.base_url", envGiteaBaseURL, "https://gitea.example.com/"}
)

// endpoint is the shared HTTP stack's description of where a service's base URL came from, so that a
// request that cannot reach the service fails naming the setting and its value. service is the name
// newClients gives the service ("Netlify", "Dokploy", "GitHub", "GitLab", "Bitbucket", "Gitea").
func (s settings) endpoint(service string) httpx.Endpoint {
	var sys systemSettings
	var e endpointSetting
	switch service {
	case "Netlify":
		sys, e = s.netlify, netlifyEndpoint
	case "GitHub":
		sys, e = s.github, gitHubEndpoint
		if sys.url == "" {
			sys.url = defaultGitHubAPIURL
		}
	case "GitLab":
		sys, e = s.gitlab, gitLabEndpoint
	case "Dokploy":
		sys, e = s.dokploy, dokployEndpoint
	case "Bitbucket":
		sys, e = s.bitbucket.systemSettings, bitbucketEndpoint
		if sys.url == "" {
			sys.url = bitbucket.DefaultBaseURL
		}
	case "Gitea":
		sys, e = s.gitea, giteaEndpoint
	default:
		return httpx.Endpoint{}
	}
	return httpx.Endpoint{URL: sys.url, Setting: e.setting, EnvVar: e.envVar, Source: sys.urlSource}
}

// validateEndpoints checks the base URL of every system that has credentials, wherever the URL came from:
// the attributes are also checked at plan time (baseURLValidator), the environment variables only here.
func validateEndpoints(s settings) diag.Diagnostics {
	var diags diag.Diagnostics
	for _, system := range []struct {
		settings systemSettings
		endpoint endpointSetting
	}{{s.netlify, netlifyEndpoint}, {s.github, gitHubEndpoint}, {s.gitlab, gitLabEndpoint}, {s.dokploy, dokployEndpoint},
		{s.bitbucket.systemSettings, bitbucketEndpoint}, {s.gitea, giteaEndpoint}} {
		sys, e := system.settings, system.endpoint
		if _, missing := missingHint(sys); missing || sys.url == "" {
			continue
		}
		problem := checkBaseURL(sys.url)
		if problem == "" {
			continue
		}
		switch sys.urlSource {
		case httpx.EndpointFromEnv:
			diags.AddError("Invalid "+e.envVar, invalidURLMessage(e.envVar+" (the environment variable)", sys.url, e.example, problem)+
				fmt.Sprintf(" Fix or unset %s, or set %s in the provider configuration, which overrides it.", e.envVar, e.setting))
		default:
			diags.AddAttributeError(e.attribute, "Invalid "+e.setting, invalidURLMessage(e.setting, sys.url, e.example, problem))
		}
	}
	return diags
}

// checkBaseURL says what is wrong with a base URL, or "": it must be an absolute http(s) URL with a host
// and nothing after the path (a query or fragment would be dropped or sent to every call), and without
// credentials (they belong in the token setting, which is kept out of logs and errors).
func checkBaseURL(raw string) string {
	if strings.TrimSpace(raw) != raw {
		return "it has spaces around it"
	}
	if !strings.Contains(raw, "://") {
		return "it has no scheme: write http:// or https:// before the host"
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		var urlErr *url.Error
		if errors.As(err, &urlErr) {
			err = urlErr.Err // the rest repeats the value
		}
		return "it is not a URL: " + err.Error()
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Sprintf("its scheme %q is neither http nor https", u.Scheme)
	case u.Host == "":
		return "it has no host"
	case u.User != nil:
		return "it holds credentials: set the token setting instead, which is kept out of logs and errors"
	case u.RawQuery != "" || u.ForceQuery:
		return "it has a query (?…): the API's base URL takes none"
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return "it has a fragment (#…)"
	}
	return ""
}

func invalidURLMessage(setting, value, example, problem string) string {
	return fmt.Sprintf("%s %q must be an absolute http(s) URL with a host and no query, like %s: %s.", setting, value, example, problem)
}

// baseURLValidator checks a base URL attribute at plan time, when its value is known.
type baseURLValidator struct {
	endpoint endpointSetting
}

func (v baseURLValidator) Description(context.Context) string {
	return "must be an absolute http(s) URL with a host and no query, like " + v.endpoint.example
}

func (v baseURLValidator) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v baseURLValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	// An empty value means "not set", as the environment variable's or the default then applies.
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() == "" {
		return
	}
	if problem := checkBaseURL(req.ConfigValue.ValueString()); problem != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+v.endpoint.setting,
			invalidURLMessage(v.endpoint.setting, req.ConfigValue.ValueString(), v.endpoint.example, problem))
	}
}
