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

	gogithub "github.com/google/go-github/v92/github"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// Config says how to reach one GitHub or GitHub Enterprise Server.
type Config struct {
	// BaseURL is "" for github.com, or a GHES (or emulator) base such as https://HOST/ or
	// https://HOST/api/v3/ (the /api/v3/ suffix is added when missing).
	BaseURL string
	// Token is a personal access token or app installation token; "" makes unauthenticated calls.
	Token string
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
}

var _ githost.GitHost = (*Client)(nil)

// New returns a client for cfg. It does not call the API.
func New(cfg Config) (*Client, error) {
	opts := []gogithub.ClientOptionsFunc{gogithub.WithHTTPClient(githost.WithSameHostRedirects(cfg.HTTPClient))}
	if cfg.Token != "" {
		opts = append(opts, gogithub.WithAuthToken(cfg.Token))
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
	basePath := "/"
	if base, err := url.Parse(api.BaseURL()); err == nil {
		basePath = base.EscapedPath()
	}
	return &Client{api: api, basePath: basePath}, nil
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
