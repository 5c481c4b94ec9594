// Package bitbucket implements githost.GitHost for Bitbucket Cloud through its REST API 2.0.
//
// It is a thin client on the shared HTTP stack (internal/httpx) rather than a library: no well-kept Go
// library covers Bitbucket Cloud 2.0 with API tokens, access tokens, deploy keys and webhook secrets
// (the maintained Go modules are generated from an old OpenAPI description, target Bitbucket Data
// Center, or lack webhook secrets), and the calls the provider makes are few and plain JSON.
package bitbucket

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// DefaultBaseURL is Bitbucket Cloud's API.
const DefaultBaseURL = "https://api.bitbucket.org/2.0"

// Config says how to reach Bitbucket Cloud and with which credentials: an Atlassian account's API token
// (Basic auth with the account's e-mail, as Bitbucket requires for API tokens), or a workspace, project
// or repository access token (Bearer). App passwords are retired. Access tokens cannot manage deploy
// keys (Bitbucket's authentication docs).
type Config struct {
	// BaseURL is "" for https://api.bitbucket.org/2.0, or another base (the emulator's).
	BaseURL string
	// Email and APIToken are an Atlassian account's e-mail and API token.
	Email    string
	APIToken string
	// AccessToken is a workspace, project or repository access token; not together with APIToken.
	AccessToken string
	// HTTPClient is the shared client stack (retries, rate limits, logging); nil uses a plain client.
	// It is copied, never modified; the copy refuses redirects to other hosts.
	HTTPClient *http.Client
	UserAgent  string
}

// Secrets lists what the shared HTTP stack must mask in logs (httpx.Options.Secrets): the tokens and the
// Basic credentials in the encoded form they travel in.
func (c Config) Secrets() []string {
	var out []string
	for _, s := range []string{c.APIToken, c.AccessToken} {
		if s != "" {
			out = append(out, s)
		}
	}
	if c.APIToken != "" {
		out = append(out, basicCredentials(c.Email, c.APIToken))
	}
	return out
}

func basicCredentials(email, token string) string {
	return base64.StdEncoding.EncodeToString([]byte(email + ":" + token))
}

// Client talks to Bitbucket Cloud.
type Client struct {
	http      *http.Client
	base      *url.URL // scheme, host and path of the API, without a trailing slash
	auth      string   // the Authorization header, "" for anonymous calls
	userAgent string
}

var _ githost.GitHost = (*Client)(nil)

// New returns a client for cfg. It does not call the API.
func New(cfg Config) (*Client, error) {
	raw := cfg.BaseURL
	if raw == "" {
		raw = DefaultBaseURL
	}
	base, err := url.Parse(strings.TrimSuffix(raw, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" || base.RawQuery != "" || base.Fragment != "" {
		return nil, fmt.Errorf("bitbucket base URL %q must be an absolute http(s) URL like %s", cfg.BaseURL, DefaultBaseURL)
	}
	c := &Client{http: githost.WithSameHostRedirects(cfg.HTTPClient), base: base, userAgent: cfg.UserAgent}
	switch {
	case cfg.AccessToken != "" && (cfg.APIToken != "" || cfg.Email != ""):
		return nil, errors.New("bitbucket: configure either an access token or an e-mail with an API token, not both")
	case cfg.AccessToken != "":
		c.auth = "Bearer " + cfg.AccessToken
	case cfg.APIToken != "" && cfg.Email == "":
		return nil, errors.New("bitbucket: an API token needs the Atlassian account's e-mail: Bitbucket takes API tokens with the e-mail as the Basic auth user")
	case cfg.APIToken != "":
		c.auth = "Basic " + basicCredentials(cfg.Email, cfg.APIToken)
	case cfg.Email != "":
		return nil, errors.New("bitbucket: an e-mail needs an API token")
	}
	return c, nil
}

// Kind is "bitbucket", the git_provider value.
func (c *Client) Kind() string { return kind }

// kind is the git_provider value.
const kind = githost.Bitbucket

// repoPath checks repo and returns "/repositories/{workspace}/{repo_slug}" with both parts escaped.
func repoPath(repo string) (string, error) {
	if err := ValidateRepository(repo); err != nil {
		return "", err
	}
	workspace, slug, _ := strings.Cut(repo, "/")
	// Validation already limits both to URL-safe characters; escaping keeps that true if it loosens.
	return "/repositories/" + url.PathEscape(workspace) + "/" + url.PathEscape(slug), nil
}

// branchPath escapes a branch name segment by segment: Bitbucket takes the slashes of "feature/x" as is.
func branchPath(branch string) string {
	segments := strings.Split(branch, "/")
	for i, s := range segments {
		segments[i] = url.PathEscape(s)
	}
	return strings.Join(segments, "/")
}

// parseKeyID checks a deploy key id from state: Bitbucket's are positive integers.
func parseKeyID(id string) (string, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != id {
		return "", fmt.Errorf("bitbucket deploy key id %q is not a positive decimal number", id)
	}
	return id, nil
}

// parseHookID checks a webhook id from state: Bitbucket's are UUIDs in braces, "{8-4-4-4-12 hex}".
func parseHookID(id string) (string, error) {
	if !isBracedUUID(id) {
		return "", fmt.Errorf("bitbucket webhook id %q is not a UUID in braces like {0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0}", id)
	}
	return url.PathEscape(id), nil
}

func isBracedUUID(id string) bool {
	if len(id) != 38 || id[0] != '{' || id[37] != '}' {
		return false
	}
	for i, c := range id[1:37] {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !isHex(c) {
				return false
			}
		}
	}
	return true
}

func isHex(c rune) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

var (
	errMissingID         = errors.New("the answer has no id")
	errMissingBranchName = errors.New("the answer has no branch name")
	errEmptyBranch       = errors.New("branch name is empty")
)
