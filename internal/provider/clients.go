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
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost/bitbucket"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost/gitea"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost/github"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost/gitlab"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform/dokploy"
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
	netlify, dokploy, github, gitlab, gitea systemSettings
	bitbucket                               bitbucketSettings
	githubApp                               appAuthSettings // github_app_auth.go
	maxRetries                              int
	githubWriteInterval                     time.Duration
	retryWaitMin                            time.Duration
	retryWaitMax                            time.Duration
}

// bitbucketSettings are Bitbucket's credentials: an API token with its account's e-mail, or an access token.
type bitbucketSettings struct {
	systemSettings        // the API token (or the access token) and the base URL
	email          string // with an API token
	accessToken    bool   // the token is an access token (Bearer)
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

	var dk dokployBlockModel
	if config.Dokploy != nil {
		dk = *config.Dokploy
	}
	s.dokploy = resolveSystem(dk.APIKey, dk.URL, getenv, []string{envDokployAPIKey}, envDokployURL, "")
	s.dokploy.tokenHint = fmt.Sprintf("set api_key and url in the provider's dokploy block, or the %s and %s environment variables",
		envDokployAPIKey, envDokployURL)

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
	s.githubApp = resolveAppAuth(gh.AppAuth, getenv)

	var gl gitHostBlockModel
	if config.GitLab != nil {
		gl = *config.GitLab
	}
	s.gitlab = resolveSystem(gl.Token, gl.BaseURL, getenv, []string{envGitLabToken}, envGitLabBaseURL, defaultGitLabBaseURL)
	s.gitlab.tokenHint = fmt.Sprintf("set token in the provider's gitlab block, or the %s environment variable", envGitLabToken)

	var bb bitbucketBlockModel
	if config.Bitbucket != nil {
		bb = *config.Bitbucket
	}
	s.bitbucket.systemSettings = resolveSystem(bb.APIToken, bb.BaseURL, getenv, []string{envBitbucketToken}, envBitbucketURL, "")
	s.bitbucket.email = bb.Email.ValueString()
	if s.bitbucket.email == "" {
		s.bitbucket.email = getenv(envBitbucketEmail)
	}
	if s.bitbucket.token == "" && !s.bitbucket.tokenUnknown {
		access := resolveSystem(bb.AccessToken, bb.BaseURL, getenv, []string{envBitbucketAccess}, envBitbucketURL, "")
		s.bitbucket.token, s.bitbucket.tokenUnknown, s.bitbucket.accessToken = access.token, access.tokenUnknown, true
	}
	s.bitbucket.tokenHint = fmt.Sprintf("set api_token and email (or access_token) in the provider's bitbucket block, or the %s and %s "+
		"(or %s) environment variables", envBitbucketToken, envBitbucketEmail, envBitbucketAccess)

	var gt gitHostBlockModel
	if config.Gitea != nil {
		gt = *config.Gitea
	}
	s.gitea = resolveSystem(gt.Token, gt.BaseURL, getenv, []string{envGiteaToken}, envGiteaBaseURL, "")
	s.gitea.tokenHint = fmt.Sprintf("set token and base_url in the provider's gitea block, or the %s and %s environment variables",
		envGiteaToken, envGiteaBaseURL)
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
	platforms map[string]platform.Platform // by kind: "netlify", "dokploy"
	gitHosts  map[string]githost.GitHost
	missing   map[string]string // system → how to supply its credentials
	// readAfterWrite paces the re-reads of an object not found just after its create.
	readAfterWrite backoffPolicy
	// clocks follow each service's clock (by its name in messages: "Netlify", "GitHub", ...).
	clocks map[string]*httpx.Clock
	// ledger remembers what this provider instance created, for the lookups after a lost answer.
	ledger *createLedger
	// siteReads passes a site read by gitdeploy_site's refresh on to its gitdeploy_repo_link's.
	siteReads *freshReads[string, *platform.Site]
	// madeKeys passes the platform keys this process has just made (by madeKeyID) on to the pre-flight of
	// the links that use them: their public key is known without reading the key again.
	madeKeys *freshReads[string, *platform.DeployKey]
	// preflights passes the pre-flight of a gitdeploy_repo_link's final plan on to its create or update.
	preflights *freshReads[preflightKey, *githost.Repository]
	// sitePages and keyPages answer a refresh's reads of many sites or deploy keys from listings, by
	// platform kind (a nil entry reads one by one).
	sitePages map[string]*coalescedReads[*platform.Site]
	keyPages  map[string]*coalescedReads[*platform.DeployKey]
	// runtimeSecrets are masked in every service's logs: GitHub App installation tokens and JWTs.
	runtimeSecrets *httpx.SecretSet
}

func newClients(_ context.Context, s settings, version string) (*clients, diag.Diagnostics) {
	diags := validateEndpoints(s)
	if diags.HasError() {
		return nil, diags
	}
	c := &clients{platforms: map[string]platform.Platform{}, gitHosts: map[string]githost.GitHost{}, missing: map[string]string{},
		readAfterWrite: backoffPolicy{firstWait: s.retryWaitMin, maxWait: s.retryWaitMax, rereads: readAfterWriteRereads, budget: readAfterWriteBudget},
		clocks:         map[string]*httpx.Clock{},
		ledger:         newCreateLedger(s.retryWaitMin, s.retryWaitMax), siteReads: newFreshReadsFor[string, *platform.Site](siteReadsWindow),
		preflights:     newFreshReads[preflightKey, *githost.Repository](),
		madeKeys:       newFreshReadsFor[string, *platform.DeployKey](madeKeysWindow),
		runtimeSecrets: &httpx.SecretSet{}}
	userAgent := "terraform-provider-gitdeploy/" + version
	maxRetries := s.maxRetries
	if maxRetries == 0 {
		maxRetries = -1 // httpx reads 0 as "the default"; the user asked for none
	}
	httpClient := func(service string, secrets []string, writeInterval time.Duration) *http.Client {
		clock := &httpx.Clock{}
		c.clocks[service] = clock
		return httpx.NewClient(httpx.Options{Service: service, UserAgent: userAgent, Secrets: secrets,
			MaxRetries: maxRetries, MutationInterval: writeInterval, RetryWaitMin: s.retryWaitMin, RetryWaitMax: s.retryWaitMax,
			Clock: clock, RuntimeSecrets: c.runtimeSecrets, Endpoint: s.endpoint(service)})
	}

	if hint, ok := missingHint(s.netlify); ok {
		c.missing[platform.Netlify] = hint
	} else {
		p, err := netlify.New(netlify.Config{APIURL: s.netlify.url, Token: s.netlify.token, HTTPClient: httpClient("Netlify", []string{s.netlify.token}, 0)})
		if err != nil {
			diags.AddAttributeError(path.Root("netlify").AtName("api_url"), "Invalid Netlify configuration", err.Error())
		} else {
			c.platforms[platform.Netlify] = p
		}
	}

	switch hint, ok := missingHint(s.dokploy); {
	case ok:
		c.missing[platform.Dokploy] = hint
	case s.dokploy.url == "":
		c.missing[platform.Dokploy] = "set url in the provider's dokploy block, or the " + envDokployURL + " environment variable"
	default:
		p, err := dokploy.New(dokploy.Config{URL: s.dokploy.url, APIKey: s.dokploy.token, HTTPClient: httpClient("Dokploy", []string{s.dokploy.token}, 0)})
		if err != nil {
			diags.AddAttributeError(path.Root("dokploy").AtName("url"), "Invalid Dokploy configuration", err.Error())
		} else {
			c.platforms[platform.Dokploy] = p
		}
	}

	if hint, ok := gitHubAuthMissing(s); ok {
		c.missing[githost.GitHub] = hint
	} else if cfg := (github.Config{BaseURL: s.github.url, UserAgent: userAgent, Secrets: c.runtimeSecrets}); gitHubConfigAuth(s, &cfg, &diags) {
		cfg.HTTPClient = httpClient("GitHub", []string{cfg.Token}, s.githubWriteInterval)
		cfg.Clock = c.clock("GitHub")
		h, err := github.New(cfg)
		if err != nil {
			diags.AddAttributeError(path.Root("github").AtName("base_url"), "Invalid GitHub configuration", err.Error())
		} else {
			c.gitHosts[githost.GitHub] = h
		}
	}

	switch hint, ok := missingHint(s.bitbucket.systemSettings); {
	case ok:
		c.missing[githost.Bitbucket] = hint
	case !s.bitbucket.accessToken && s.bitbucket.email == "":
		c.missing[githost.Bitbucket] = "an API token needs its Atlassian account's e-mail: set email in the provider's bitbucket block, or the " +
			envBitbucketEmail + " environment variable"
	default:
		cfg := bitbucket.Config{BaseURL: s.bitbucket.url, UserAgent: userAgent}
		if s.bitbucket.accessToken {
			cfg.AccessToken = s.bitbucket.token
		} else {
			cfg.Email, cfg.APIToken = s.bitbucket.email, s.bitbucket.token
		}
		cfg.HTTPClient = httpClient("Bitbucket", cfg.Secrets(), 0)
		h, err := bitbucket.New(cfg)
		if err != nil {
			diags.AddAttributeError(path.Root("bitbucket").AtName("base_url"), "Invalid Bitbucket configuration", err.Error())
		} else {
			c.gitHosts[githost.Bitbucket] = h
		}
	}

	switch hint, ok := missingHint(s.gitea); {
	case ok:
		c.missing[githost.Gitea] = hint
	case s.gitea.url == "":
		c.missing[githost.Gitea] = "set base_url in the provider's gitea block, or the " + envGiteaBaseURL + " environment variable: " +
			"Gitea and Forgejo are self-hosted"
	default:
		h, err := gitea.New(gitea.Config{BaseURL: s.gitea.url, Token: s.gitea.token, UserAgent: userAgent,
			HTTPClient: httpClient("Gitea", []string{s.gitea.token}, 0)})
		if err != nil {
			diags.AddAttributeError(path.Root("gitea").AtName("base_url"), "Invalid Gitea configuration", err.Error())
		} else {
			c.gitHosts[githost.Gitea] = h
		}
	}

	if hint, ok := missingHint(s.gitlab); ok {
		c.missing[githost.GitLab] = hint
	} else {
		h, err := gitlab.New(gitlab.Config{BaseURL: s.gitlab.url, Token: s.gitlab.token, HTTPClient: httpClient("GitLab", []string{s.gitlab.token}, 0), UserAgent: userAgent})
		if err != nil {
			diags.AddAttributeError(path.Root("gitlab").AtName("base_url"), "Invalid GitLab configuration", err.Error())
		} else {
			c.gitHosts[githost.GitLab] = h
		}
	}
	c.coalesceReads()
	return c, diags
}

// coalesceReads sets up, for each platform that lists what its reads answer, the listings that answer a
// refresh of many of its sites or deploy keys.
func (c *clients) coalesceReads() {
	c.sitePages = map[string]*coalescedReads[*platform.Site]{}
	c.keyPages = map[string]*coalescedReads[*platform.DeployKey]{}
	for kind, p := range c.platforms {
		if pager, ok := p.(platform.SitePager); ok {
			c.sitePages[kind] = newCoalescedReads(func(ctx context.Context, page int) ([]*platform.Site, bool, error) {
				sites, more, err := pager.SitesPage(ctx, page)
				return pointers(sites), more, err
			}, func(s *platform.Site) string { return s.ID })
		}
		if pager, ok := p.(platform.DeployKeyPager); ok {
			c.keyPages[kind] = newCoalescedReads(func(ctx context.Context, page int) ([]*platform.DeployKey, bool, error) {
				keys, more, err := pager.DeployKeysPage(ctx, page)
				return pointers(keys), more, err
			}, func(k *platform.DeployKey) string { return k.ID })
		}
	}
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

// requirePlatform returns the client of a platform ("netlify" or "dokploy"), or adds a diagnostic that says
// how to configure it.
func (c *clients) requirePlatform(kind string, diags *diag.Diagnostics) platform.Platform {
	p, d := c.Platform(kind)
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

// Platform returns the client of a platform ("netlify" or "dokploy"; "" for the one configured), or an error
// diagnostic that says how to configure it.
func (c *clients) Platform(kind string) (platform.Platform, diag.Diagnostic) {
	if c == nil {
		return nil, notConfigured()
	}
	if kind == "" {
		var d diag.Diagnostic
		if kind, d = c.defaultPlatform(); d != nil {
			return nil, d
		}
	}
	if p, ok := c.platforms[kind]; ok {
		return p, nil
	}
	if hint, ok := c.missing[kind]; ok {
		return nil, diag.NewErrorDiagnostic(platformTitle(kind)+" is not configured",
			fmt.Sprintf("This resource uses platform = %q and needs its settings: %s.", kind, hint))
	}
	return nil, diag.NewErrorDiagnostic("Unknown platform",
		fmt.Sprintf("platform %q is not supported; use one of %v.", kind, platform.Kinds))
}

// defaultPlatform is the platform of a resource that does not name one: the one configured. With none
// configured it is Netlify (whose diagnostic then says how to configure it); with both, the resource
// must say which.
func (c *clients) defaultPlatform() (string, diag.Diagnostic) {
	switch len(c.platforms) {
	case 0:
		return platform.Netlify, nil
	case 1:
		for kind := range c.platforms {
			return kind, nil
		}
	}
	return "", diag.NewAttributeErrorDiagnostic(path.Root("platform"), "Which platform?",
		fmt.Sprintf("The provider configures both %s and %s: set platform = %q or %q on this resource.",
			platformTitle(platform.Netlify), platformTitle(platform.Dokploy), platform.Netlify, platform.Dokploy))
}

func platformTitle(kind string) string {
	switch kind {
	case platform.Netlify:
		return "Netlify"
	case platform.Dokploy:
		return "Dokploy"
	default:
		return kind
	}
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

// hostTitle is a git host's name in messages ("GitHub"); the kind itself when no host has it.
func hostTitle(kind string) string {
	if h, ok := githost.Describe(kind); ok {
		return h.Title
	}
	return kind
}

// siteChanging is called before a write to a site: what this run read of it no longer stands.
func (c *clients) siteChanging(plat platform.Platform, id string) {
	c.siteReads.forget(id)
	c.sitePages[plat.Kind()].forget(id)
}

// keyChanging is called before a write to a platform deploy key.
func (c *clients) keyChanging(plat platform.Platform, id string) {
	c.keyPages[plat.Kind()].forget(id)
}

// readSite reads a site for a refresh: from the run's listing of many sites when it answers. A site the
// listing lacks (deleted, or too new for it) is read on its own.
func (c *clients) readSite(ctx context.Context, plat platform.Platform, id string) (*platform.Site, error) {
	return c.sitePages[plat.Kind()].read(ctx, id, func(ctx context.Context) (*platform.Site, error) { return plat.GetSite(ctx, id) })
}

// readDeployKey reads a platform deploy key for a refresh, as readSite does a site.
func (c *clients) readDeployKey(ctx context.Context, plat platform.Platform, id string) (*platform.DeployKey, error) {
	return c.keyPages[plat.Kind()].read(ctx, id, func(ctx context.Context) (*platform.DeployKey, error) { return plat.GetDeployKey(ctx, id) })
}

// siteReadsWindow is how long a site read by gitdeploy_site's refresh stands for its link's refresh. The
// link is refreshed after its site, but in a plan of a thousand chains Terraform may reach it more than a
// minute later (the bench saw 700 of 1,000 Dokploy applications read twice with 30 s). Every write to the
// site drops the entry, and the provider process lives for one run: the answer is never older than the run.
const siteReadsWindow = 10 * time.Minute

// madeKeysWindow is how long a key this process made stands for a read of it: a key pair never changes,
// and GitHub's pacing of writes can hold a chain's link back for minutes behind its key.
const madeKeysWindow = 15 * time.Minute

// madeKeyID is a platform key's key in clients.madeKeys.
func madeKeyID(plat platform.Platform, id string) string { return plat.Kind() + "/" + id }

// platformKey reads a platform deploy key for a pre-flight: a key this process has just made is known.
func (c *clients) platformKey(ctx context.Context, plat platform.Platform, id string) (*platform.DeployKey, error) {
	if key, ok := c.madeKeys.take(madeKeyID(plat, id)); ok {
		return key, nil
	}
	return plat.GetDeployKey(ctx, id)
}
