// Package github implements githost.GitHost for GitHub and GitHub Enterprise Server through
// github.com/google/go-github.
package github

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	gogithub "github.com/google/go-github/v92/github"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// Config says how to reach one GitHub or GitHub Enterprise Server.
type Config struct {
	// BaseURL is "" for github.com, or a GHES (or emulator) base such as https://HOST/ or
	// https://HOST/api/v3/ (the /api/v3/ suffix is added when missing).
	BaseURL string
	// Token is a personal access token or app installation token; "" makes unauthenticated calls.
	Token string
	// App, when set instead of Token, authenticates as a GitHub App installation: the client fetches
	// installation access tokens and renews them before they expire.
	App *AppAuth
	// Clock follows GitHub's clock (the HTTP stack's, from the Date of its answers); app JWTs are dated
	// by it. nil: the local clock.
	Clock *httpx.Clock
	// Secrets receives the installation tokens and JWTs the client makes, for the logs to mask them.
	Secrets *httpx.SecretSet
	// HTTPClient is the shared client stack (retries, rate limits, logging); nil uses a plain client.
	// It is copied, never modified; the copy refuses redirects to other hosts.
	HTTPClient *http.Client
	UserAgent  string
}

// Client talks to one GitHub host.
type Client struct {
	api *gogithub.Client
	// basePath is the API's URL path prefix, used to name the path in errors that had no answer.
	basePath string
	// tokens is the installation-token source with app auth; nil with a token.
	tokens *installationTokens
}

var _ githost.GitHost = (*Client)(nil)

// New returns a client for cfg. It does not call the API.
func New(cfg Config) (*Client, error) {
	if cfg.App != nil && cfg.Token != "" {
		return nil, errors.New("GitHub: a token and GitHub App credentials are exclusive")
	}
	httpClient := githost.WithSameHostRedirects(cfg.HTTPClient)
	var tokens *installationTokens
	if cfg.App != nil {
		var err error
		if tokens, err = newInstallationTokens(cfg, httpClient); err != nil {
			return nil, err
		}
		authenticated := *httpClient
		authenticated.Transport = &installationTransport{tokens: tokens, next: transportOf(httpClient)}
		httpClient = &authenticated
	}
	api, err := newAPI(cfg, httpClient, cfg.Token)
	if err != nil {
		return nil, err
	}
	basePath := "/"
	if base, err := url.Parse(api.BaseURL()); err == nil {
		basePath = base.EscapedPath()
	}
	if tokens != nil {
		tokens.basePath = basePath
	}
	return &Client{api: api, basePath: basePath, tokens: tokens}, nil
}

// newAPI makes a go-github client on httpClient for cfg's host, with token when not "".
func newAPI(cfg Config, httpClient *http.Client, token string) (*gogithub.Client, error) {
	opts := []gogithub.ClientOptionsFunc{gogithub.WithHTTPClient(httpClient)}
	if token != "" {
		opts = append(opts, gogithub.WithAuthToken(token))
	}
	if cfg.UserAgent != "" {
		opts = append(opts, gogithub.WithUserAgent(cfg.UserAgent))
	}
	if cfg.BaseURL != "" {
		base, err := url.Parse(cfg.BaseURL)
		if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
			return nil, fmt.Errorf("GitHub base URL %q must be an absolute http(s) URL like https://github.example.com/", cfg.BaseURL)
		}
		opts = append(opts, gogithub.WithEnterpriseURLs(cfg.BaseURL, cfg.BaseURL))
	}
	// Waiting for rate limits is the shared HTTP stack's job; go-github's own bookkeeping would
	// refuse later calls with a synthetic error instead of letting that stack wait.
	opts = append(opts, gogithub.WithDisableRateLimitCheck())

	api, err := gogithub.NewClient(opts...)
	if err != nil {
		return nil, fmt.Errorf("configuring the GitHub client: %w", err)
	}
	return api, nil
}

// newInstallationTokens checks cfg.App and makes the token source, whose exchanges go through the same
// HTTP stack (retries, logging) authenticated by JWTs.
func newInstallationTokens(cfg Config, httpClient *http.Client) (*installationTokens, error) {
	app := cfg.App
	if strings.TrimSpace(app.AppID) == "" {
		return nil, errors.New("GitHub App: the app id is empty")
	}
	if app.InstallationID <= 0 {
		return nil, errors.New("GitHub App: the installation id must be a positive number")
	}
	key, err := ParseAppPrivateKey(app.PrivateKeyPEM)
	if err != nil {
		return nil, fmt.Errorf("GitHub App private key: %w", err)
	}
	tokens := &installationTokens{issuer: strings.TrimSpace(app.AppID), installationID: app.InstallationID, key: key,
		clock: cfg.Clock, secrets: cfg.Secrets, now: time.Now}
	jwtClient := *httpClient
	jwtClient.Transport = &jwtTransport{tokens: tokens, next: transportOf(httpClient)}
	if tokens.api, err = newAPI(cfg, &jwtClient, ""); err != nil {
		return nil, err
	}
	return tokens, nil
}

func transportOf(c *http.Client) http.RoundTripper {
	if c.Transport != nil {
		return c.Transport
	}
	return http.DefaultTransport
}

// Kind is githost.GitHub.
func (c *Client) Kind() string { return githost.GitHub }

// splitRepository checks repo and returns its owner and name, each escaped for a URL path.
func splitRepository(repo string) (owner, name string, err error) {
	if err := githost.ValidateRepository(githost.GitHub, repo); err != nil {
		return "", "", err
	}
	owner, name, _ = strings.Cut(repo, "/")
	// Validation already limits both to URL-safe characters; escaping keeps that true if it loosens.
	return url.PathEscape(owner), url.PathEscape(name), nil
}

// parseKeyID turns a deploy key id from state into GitHub's numeric id.
func parseKeyID(id string) (int64, error) { return parseID("deploy key", id) }

// parseHookID turns a webhook id from state into GitHub's numeric id.
func parseHookID(id string) (int64, error) { return parseID("webhook", id) }

func parseID(what, id string) (int64, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != id {
		return 0, fmt.Errorf("GitHub %s id %q is not a positive decimal number", what, id)
	}
	return n, nil
}

var (
	// errMissingID is returned when a successful answer lacks the id every object must have.
	errMissingID         = errors.New("the answer has no id")
	errMissingBranchName = errors.New("the answer has no branch name")
	errEmptyBranch       = errors.New("branch name is empty")
)
