// Package gitea implements githost.GitHost for Gitea and Forgejo (which keeps Gitea's API) through
// code.gitea.io/sdk/gitea, with the shared HTTP stack under it.
package gitea

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	sdk "code.gitea.io/sdk/gitea"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// Config says how to reach one Gitea or Forgejo instance. There is no default instance.
type Config struct {
	// BaseURL is the instance's root URL, such as https://gitea.example.com/ (a trailing /api/v1 is
	// accepted and dropped). Required.
	BaseURL string
	// Token is an access token, sent as "Authorization: token …"; "" makes anonymous calls.
	Token string
	// HTTPClient is the shared client stack (retries, rate limits, logging); nil uses a plain client.
	// It is copied, never modified; the copy refuses redirects to other hosts.
	HTTPClient *http.Client
	UserAgent  string
}

// Client talks to one Gitea instance.
type Client struct {
	base      string // root URL without a trailing slash
	basePath  string // its URL path, to name the path in errors that had no answer
	token     string
	userAgent string
	http      *http.Client
}

var _ githost.GitHost = (*Client)(nil)

// kind is the git_provider value.
const kind = githost.Gitea

// New returns a client for cfg. It does not call the API.
func New(cfg Config) (*Client, error) {
	if cfg.BaseURL == "" {
		return nil, errors.New("gitea: base_url is required: the root URL of the Gitea or Forgejo instance, like https://gitea.example.com/")
	}
	root := strings.TrimSuffix(strings.TrimSuffix(cfg.BaseURL, "/"), "/api/v1")
	base, err := url.Parse(root)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" || base.RawQuery != "" || base.Fragment != "" {
		return nil, fmt.Errorf("gitea base URL %q must be an absolute http(s) URL like https://gitea.example.com/", cfg.BaseURL)
	}
	return &Client{base: strings.TrimSuffix(base.String(), "/"), basePath: strings.TrimSuffix(base.EscapedPath(), "/"),
		token: cfg.Token, userAgent: cfg.UserAgent, http: githost.WithSameHostRedirects(cfg.HTTPClient)}, nil
}

// Kind is "gitea", the git_provider value (Forgejo too).
func (c *Client) Kind() string { return kind }

// api returns an SDK client bound to ctx. The SDK takes one context per client rather than per call,
// so each call gets its own (a few fields, no request): the caller's deadline, cancellation and
// logger then reach the shared HTTP stack. SetGiteaVersion("") keeps the SDK from asking the server
// for its version first.
func (c *Client) api(ctx context.Context) (*sdk.Client, error) {
	opts := []sdk.ClientOption{sdk.SetHTTPClient(c.http), sdk.SetContext(ctx), sdk.SetGiteaVersion("")}
	if c.token != "" {
		opts = append(opts, sdk.SetToken(c.token))
	}
	if c.userAgent != "" {
		opts = append(opts, sdk.SetUserAgent(c.userAgent))
	}
	api, err := sdk.NewClient(c.base, opts...)
	if err != nil {
		return nil, fmt.Errorf("configuring the Gitea client: %w", err)
	}
	return api, nil
}

// splitRepository checks repo and returns its owner and name as written (the SDK escapes them).
func splitRepository(repo string) (owner, name string, err error) {
	if err := ValidateRepository(repo); err != nil {
		return "", "", err
	}
	owner, name, _ = strings.Cut(repo, "/")
	return owner, name, nil
}

// relRepoPath is "repos/{owner}/{repo}" escaped, for naming the path in errors.
func relRepoPath(owner, name string) string {
	return "repos/" + url.PathEscape(owner) + "/" + url.PathEscape(name)
}

func parseKeyID(id string) (int64, error) { return parseID("deploy key", id) }

func parseHookID(id string) (int64, error) { return parseID("webhook", id) }

func parseID(what, id string) (int64, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != id {
		return 0, fmt.Errorf("gitea %s id %q is not a positive decimal number", what, id)
	}
	return n, nil
}

var (
	errMissingID         = errors.New("the answer has no id")
	errMissingBranchName = errors.New("the answer has no branch name")
	errEmptyBranch       = errors.New("branch name is empty")
)
