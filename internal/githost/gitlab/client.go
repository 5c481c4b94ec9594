// Package gitlab implements githost.GitHost for GitLab.com and self-managed GitLab through
// gitlab.com/gitlab-org/api/client-go.
package gitlab

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// Config says how to reach one GitLab instance.
type Config struct {
	// BaseURL is "" for https://gitlab.com/api/v4, or a self-managed (or emulator) base such as
	// https://HOST/ or https://HOST/api/v4 (the /api/v4/ suffix is added when missing).
	BaseURL string
	// Token is a personal, group or project access token, sent as PRIVATE-TOKEN; "" makes
	// unauthenticated calls.
	Token string
	// HTTPClient is the shared client stack (retries, rate limits, logging); nil uses a plain client.
	// It is copied, never modified; the copy refuses redirects to other hosts.
	HTTPClient *http.Client
	UserAgent  string
}

// Client talks to one GitLab instance.
type Client struct {
	api *gl.Client
	// basePath is the API's URL path prefix, used to name the path in errors that had no answer.
	basePath string
}

var _ githost.GitHost = (*Client)(nil)

// New returns a client for cfg. It does not call the API.
func New(cfg Config) (*Client, error) {
	opts := []gl.ClientOptionFunc{
		// Retries and rate limits are the shared HTTP stack's job. The library would otherwise retry
		// on its own (multiplying the stack's attempts) and, after the first answer carrying
		// RateLimit-Limit, pace every request through its own limiter.
		gl.WithoutRetries(),
		gl.WithCustomRetryMax(0),
		gl.WithCustomLimiter(unlimited{}),
		// The base URL is checked below; the library's own warnings would go to the default logger.
		gl.WithURLWarningLogger(slog.New(slog.NewTextHandler(io.Discard, nil))),
	}
	// A copy, so that the library (which would add interceptors or a cookie jar to the client it is
	// given, were they configured) never changes the shared one.
	opts = append(opts, gl.WithHTTPClient(githost.WithSameHostRedirects(cfg.HTTPClient)))
	if cfg.UserAgent != "" {
		opts = append(opts, gl.WithUserAgent(cfg.UserAgent))
	}
	if cfg.BaseURL != "" {
		base, err := url.Parse(cfg.BaseURL)
		if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" ||
			base.RawQuery != "" || base.Fragment != "" {
			return nil, fmt.Errorf("GitLab base URL %q must be an absolute http(s) URL like https://gitlab.example.com/", cfg.BaseURL)
		}
		opts = append(opts, gl.WithBaseURL(cfg.BaseURL))
	}

	api, err := gl.NewClient(cfg.Token, opts...)
	if err != nil {
		return nil, fmt.Errorf("configuring the GitLab client: %w", err)
	}
	return &Client{api: api, basePath: api.BaseURL().EscapedPath()}, nil
}

// Kind is githost.GitLab.
func (c *Client) Kind() string { return githost.GitLab }

// unlimited is a rate limiter that never waits: pacing happens in the shared HTTP stack.
type unlimited struct{}

func (unlimited) Wait(ctx context.Context) error { return ctx.Err() }

// projectPath checks repo and returns it escaped as one path segment, as the library sends it.
func projectPath(repo string) (string, error) {
	if err := githost.ValidateRepository(githost.GitLab, repo); err != nil {
		return "", err
	}
	return gl.PathEscape(repo), nil
}

// parseKeyID turns a deploy key id from state into GitLab's numeric id.
func parseKeyID(id string) (int64, error) { return parseID("deploy key", id) }

// parseHookID turns a webhook id from state into GitLab's numeric id.
func parseHookID(id string) (int64, error) { return parseID("webhook", id) }

func parseID(what, id string) (int64, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != id {
		return 0, fmt.Errorf("GitLab %s id %q is not a positive decimal number", what, id)
	}
	return n, nil
}

var (
	// errMissingID is returned when a successful answer lacks the id every object must have.
	errMissingID         = errors.New("the answer has no id")
	errMissingBranchName = errors.New("the answer has no branch name")
	errEmptyBranch       = errors.New("branch name is empty")
)
