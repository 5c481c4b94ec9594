// Package netlify implements platform.Platform on Netlify's REST API.
//
// It is hand-written on net/http and encoding/json rather than built on Netlify's generated Go
// client (github.com/netlify/open-api/go): that client pulls in the whole go-openapi runtime and
// its model graph for the dozen calls used here, hides the HTTP status and body that our
// diagnostics must show, and does not let us put our own retrying, logging transport under it
// without its runtime wrappers.
package netlify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// DefaultAPIURL is Netlify's public API.
const DefaultAPIURL = "https://api.netlify.com/api/v1"

// serviceName names Netlify in errors and logs.
const serviceName = "Netlify"

// Config configures New.
type Config struct {
	APIURL     string // default DefaultAPIURL
	Token      string // personal access token or OAuth token, sent as a Bearer token
	HTTPClient *http.Client
}

// Client talks to Netlify's REST API.
type Client struct {
	apiURL *url.URL
	token  string
	http   *http.Client
}

var _ platform.Platform = (*Client)(nil)

// New validates cfg and returns a Client. A nil HTTPClient gets httpx.NewClient's stack.
func New(cfg Config) (*Client, error) {
	raw := cfg.APIURL
	if raw == "" {
		raw = DefaultAPIURL
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("netlify api_url %q: %w", raw, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("netlify api_url %q: want an absolute http(s) URL", raw)
	}
	if cfg.Token == "" {
		return nil, errors.New("netlify token is empty")
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	u.RawQuery = ""
	u.Fragment = ""

	hc := cfg.HTTPClient
	if hc == nil {
		hc = httpx.NewClient(httpx.Options{Service: serviceName, Secrets: []string{cfg.Token}})
	}
	return &Client{apiURL: u, token: cfg.Token, http: hc}, nil
}

// Name implements platform.Platform.
func (c *Client) Name() string { return serviceName }

// endpoint joins the API URL with path segments, each escaped so that no id can leave its segment.
// Empty, "." and ".." segments are refused: escaping leaves them as they are, and a server or
// proxy would read /sites/.. as another resource (DELETE /sites/ must never be sent for a site).
func (c *Client) endpoint(segments ...string) (string, error) {
	var b strings.Builder
	b.WriteString(c.apiURL.Scheme + "://" + c.apiURL.Host + c.apiURL.EscapedPath())
	for _, s := range segments {
		if s == "" || s == "." || s == ".." {
			return "", fmt.Errorf("invalid path segment %q: an id or slug must not be empty, \".\" or \"..\"", s)
		}
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	return b.String(), nil
}

// path names the segments of a request path below the API URL.
type path []string

// do sends one request and decodes a 2xx JSON answer into out (when out is not nil). Any status not
// in okStatus becomes an *httpx.APIError naming operation.
func (c *Client) do(ctx context.Context, operation, method string, p path, in, out any, okStatus ...int) error {
	_, err := c.send(ctx, operation, method, p, nil, in, out, okStatus...)
	return err
}

// send is do with a query, and returns the answer's headers (for pagination).
func (c *Client) send(ctx context.Context, operation, method string, p path, query url.Values, in, out any, okStatus ...int) (http.Header, error) {
	endpoint, err := c.endpoint(p...)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", serviceName, operation, err)
	}
	if len(query) > 0 {
		endpoint += "?" + query.Encode()
	}
	var body io.Reader
	if in != nil {
		buf, err := json.Marshal(in)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: encoding the request: %w", serviceName, operation, err)
		}
		body = bytes.NewReader(buf)
	}
	req, err := http.NewRequestWithContext(ctx, method, endpoint, body)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: %w", serviceName, operation, err)
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return nil, httpx.TransportError(serviceName, operation, method, req.URL.Path, err)
	}
	defer func() { _ = resp.Body.Close() }() // a read-only body: nothing to report on close

	if !statusIn(resp.StatusCode, okStatus) {
		return nil, httpx.ReadError(resp, serviceName, operation)
	}
	if out == nil {
		// Drain so that the connection can be reused.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // best effort; the answer is complete
		return resp.Header, nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return nil, fmt.Errorf("%s: %s (%s %s): decoding the %d answer: %w", serviceName, operation, method, req.URL.Path, resp.StatusCode, err)
	}
	return resp.Header, nil
}

func statusIn(status int, ok []int) bool {
	for _, s := range ok {
		if status == s {
			return true
		}
	}
	return false
}
