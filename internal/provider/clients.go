package provider

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost/github"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost/gitlab"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform/netlify"
)

const (
	defaultNetlifyAPIURL = "https://api.netlify.com/api/v1"
	defaultGitLabBaseURL = "https://gitlab.com/api/v4"
	defaultMaxRetries    = 4
	// defaultGitHubWriteInterval follows GitHub's best practices for mutative requests.
	defaultGitHubWriteInterval = time.Second
	// defaultRetryWaitMin and defaultRetryWaitMax bound the backoff between retries.
	defaultRetryWaitMin = time.Second
	defaultRetryWaitMax = 30 * time.Second
)

// systemSettings is one system's resolved connection settings.
type systemSettings struct {
	token        string
	url          string
	tokenUnknown bool   // the token comes from something not known until apply
	tokenHint    string // where a user supplies the token, for the diagnostic when it is missing
	urlSource    httpx.EndpointSource
}

type settings struct {
	netlify, github, gitlab systemSettings
	maxRetries              int
	githubWriteInterval     time.Duration
	retryWaitMin            time.Duration
	retryWaitMax            time.Duration
}

// resolveSettings merges the provider configuration with the environment: configuration wins.
func resolveSettings(config providerModel, getenv func(string) string) settings {
	s := settings{maxRetries: defaultMaxRetries, retryWaitMin: defaultRetryWaitMin, retryWaitMax: defaultRetryWaitMax}
	if !config.MaxRetries.IsNull() && !config.MaxRetries.IsUnknown() {
		s.maxRetries = int(config.MaxRetries.ValueInt64())
	}
	// Validated at plan time; null or unknown keeps the default.
	if d, err := time.ParseDuration(config.RetryWaitMin.ValueString()); err == nil && d > 0 {
		s.retryWaitMin = d
	}
	if d, err := time.ParseDuration(config.RetryWaitMax.ValueString()); err == nil && d > 0 {
		s.retryWaitMax = d
	}
	s.retryWaitMax = max(s.retryWaitMax, s.retryWaitMin)

	var nl netlifyBlockModel
	if config.Netlify != nil {
		nl = *config.Netlify
	}
	s.netlify = resolveSystem(nl.Token, nl.APIURL, getenv, []string{envNetlifyToken, envNetlifyAPIToken}, envNetlifyAPIURL, defaultNetlifyAPIURL)
	s.netlify.tokenHint = fmt.Sprintf("set token in the provider's netlify block, or the %s environment variable", envNetlifyToken)

	var gh gitHubBlockModel
	s.githubWriteInterval = defaultGitHubWriteInterval
	if config.GitHub != nil {
		gh = *config.GitHub
		if d, err := time.ParseDuration(gh.WriteInterval.ValueString()); err == nil {
			s.githubWriteInterval = d // validated at plan time; null or unknown keeps the default
		}
	}
	// An empty base URL means github.com: the client knows that address.
	s.github = resolveSystem(gh.Token, gh.BaseURL, getenv, []string{envGitHubToken}, envGitHubBaseURL, "")
	s.github.tokenHint = fmt.Sprintf("set token in the provider's github block, or the %s environment variable", envGitHubToken)

	var gl gitHostBlockModel
	if config.GitLab != nil {
		gl = *config.GitLab
	}
	s.gitlab = resolveSystem(gl.Token, gl.BaseURL, getenv, []string{envGitLabToken}, envGitLabBaseURL, defaultGitLabBaseURL)
	s.gitlab.tokenHint = fmt.Sprintf("set token in the provider's gitlab block, or the %s environment variable", envGitLabToken)
	return s
}

func resolveSystem(token, url types.String, getenv func(string) string, tokenEnvs []string, urlEnv, urlDefault string) systemSettings {
	var s systemSettings
	switch {
	case token.IsUnknown():
		s.tokenUnknown = true
	case token.ValueString() != "":
		s.token = token.ValueString()
	default:
		for _, env := range tokenEnvs {
			if v := getenv(env); v != "" {
				s.token = v
				break
			}
		}
	}
	switch {
	case url.ValueString() != "":
		s.url, s.urlSource = url.ValueString(), httpx.EndpointFromSetting
	case getenv(urlEnv) != "":
		s.url, s.urlSource = getenv(urlEnv), httpx.EndpointFromEnv
	default:
		s.url = urlDefault
	}
	return s
}

// clients is what the provider hands to every resource and data source. A system without credentials
// has no client; using it yields a diagnostic that says how to configure it.
type clients struct {
	platform      platform.Platform
	gitHosts      map[string]githost.GitHost
	missing       map[string]string // system → how to supply its credentials
	netlifyAPIURL string
	// readAfterWrite paces the re-reads of an object not found just after its create.
	readAfterWrite backoffPolicy
	// clocks follow each service's clock (by its name in messages: "Netlify", "GitHub", ...).
	clocks map[string]*httpx.Clock
	// ledger remembers what this provider instance created, for the lookups after a lost answer.
	ledger *createLedger
	// siteReads passes a site read by gitdeploy_site's refresh on to its gitdeploy_repo_link's.
	siteReads *siteReads
}

const systemNetlify = "netlify"

func newClients(_ context.Context, s settings, version string) (*clients, diag.Diagnostics) {
	diags := validateEndpoints(s)
	if diags.HasError() {
		return nil, diags
	}
	c := &clients{gitHosts: map[string]githost.GitHost{}, missing: map[string]string{}, netlifyAPIURL: s.netlify.url,
		readAfterWrite: backoffPolicy{firstWait: s.retryWaitMin, maxWait: s.retryWaitMax, rereads: readAfterWriteRereads, budget: readAfterWriteBudget},
		clocks:         map[string]*httpx.Clock{},
		ledger:         newCreateLedger(s.retryWaitMin, s.retryWaitMax), siteReads: newSiteReads()}
	userAgent := "terraform-provider-gitdeploy/" + version
	maxRetries := s.maxRetries
	if maxRetries == 0 {
		maxRetries = -1 // httpx reads 0 as "the default"; the user asked for none
	}
	httpClient := func(service string, token string, writeInterval time.Duration) *http.Client {
		clock := &httpx.Clock{}
		c.clocks[service] = clock
		return httpx.NewClient(httpx.Options{Service: service, UserAgent: userAgent, Secrets: []string{token},
			MaxRetries: maxRetries, MutationInterval: writeInterval, RetryWaitMin: s.retryWaitMin, RetryWaitMax: s.retryWaitMax,
			Clock: clock, Endpoint: s.endpoint(service)})
	}

	if hint, ok := missingHint(s.netlify); ok {
		c.missing[systemNetlify] = hint
	} else {
		p, err := netlify.New(netlify.Config{APIURL: s.netlify.url, Token: s.netlify.token, HTTPClient: httpClient("Netlify", s.netlify.token, 0)})
		if err != nil {
			diags.AddAttributeError(path.Root("netlify").AtName("api_url"), "Invalid Netlify configuration", err.Error())
		}
		c.platform = p
	}

	if hint, ok := missingHint(s.github); ok {
		c.missing[githost.GitHub] = hint
	} else {
		h, err := github.New(github.Config{BaseURL: s.github.url, Token: s.github.token, HTTPClient: httpClient("GitHub", s.github.token, s.githubWriteInterval), UserAgent: userAgent})
		if err != nil {
			diags.AddAttributeError(path.Root("github").AtName("base_url"), "Invalid GitHub configuration", err.Error())
		} else {
			c.gitHosts[githost.GitHub] = h
		}
	}

	if hint, ok := missingHint(s.gitlab); ok {
		c.missing[githost.GitLab] = hint
	} else {
		h, err := gitlab.New(gitlab.Config{BaseURL: s.gitlab.url, Token: s.gitlab.token, HTTPClient: httpClient("GitLab", s.gitlab.token, 0), UserAgent: userAgent})
		if err != nil {
			diags.AddAttributeError(path.Root("gitlab").AtName("base_url"), "Invalid GitLab configuration", err.Error())
		} else {
			c.gitHosts[githost.GitLab] = h
		}
	}
	return c, diags
}

// clock returns the clock of a service by its name in messages ("Netlify", "GitHub", "GitLab"); nil, a
// clock that never knows, for a service without a client.
func (c *clients) clock(service string) *httpx.Clock {
	if c == nil {
		return nil
	}
	return c.clocks[service]
}

// missingHint says how to supply a system's token when there is none.
func missingHint(s systemSettings) (string, bool) {
	switch {
	case s.tokenUnknown:
		return "its token is not known until apply; the provider configuration must be known when this resource is read or written", true
	case s.token == "":
		return s.tokenHint, true
	default:
		return "", false
	}
}

// notConfigured is the diagnostic for a resource used before the provider was configured.
func notConfigured() diag.Diagnostic {
	return diag.NewErrorDiagnostic("Provider not configured",
		"The provider was not configured before the resource was used. This is a bug in the provider; please report it.")
}

// requirePlatform returns the deploy platform's client, or adds a diagnostic that says how to configure it.
func (c *clients) requirePlatform(diags *diag.Diagnostics) platform.Platform {
	p, d := c.Platform()
	if d != nil {
		diags.Append(d)
		return nil
	}
	return p
}

// requireGitHost returns a git host's client, or adds a diagnostic that says how to configure it.
func (c *clients) requireGitHost(kind string, diags *diag.Diagnostics) githost.GitHost {
	h, d := c.GitHost(kind)
	if d != nil {
		diags.Append(d)
		return nil
	}
	return h
}

// Platform returns the deploy platform's client, or an error diagnostic that says how to configure it.
func (c *clients) Platform() (platform.Platform, diag.Diagnostic) {
	if c == nil {
		return nil, notConfigured()
	}
	if c.platform != nil {
		return c.platform, nil
	}
	return nil, diag.NewErrorDiagnostic("Netlify is not configured",
		"This resource needs Netlify credentials: "+c.missing[systemNetlify]+".")
}

// GitHost returns the client of a git host ("github" or "gitlab"), or an error diagnostic that says how to
// configure it.
func (c *clients) GitHost(kind string) (githost.GitHost, diag.Diagnostic) {
	if c == nil {
		return nil, notConfigured()
	}
	if h, ok := c.gitHosts[kind]; ok {
		return h, nil
	}
	if hint, ok := c.missing[kind]; ok {
		return nil, diag.NewErrorDiagnostic(fmt.Sprintf("%s is not configured", hostTitle(kind)),
			fmt.Sprintf("This resource uses git_provider = %q and needs its credentials: %s.", kind, hint))
	}
	return nil, diag.NewErrorDiagnostic("Unknown git provider",
		fmt.Sprintf("git_provider %q is not supported; use one of %v.", kind, githost.Kinds))
}

func hostTitle(kind string) string {
	switch kind {
	case githost.GitHub:
		return "GitHub"
	case githost.GitLab:
		return "GitLab"
	default:
		return kind
	}
}
