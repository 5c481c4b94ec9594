// Package dokploy is a client for Dokploy's API: projects, environments, applications, SSH keys,
// deployments and git-provider connections, as the provider's Dokploy platform needs them.
//
// It is hand-written on net/http and encoding/json: Dokploy publishes no Go client, and the module
// proxy holds no maintained one (the community Terraform providers each embed their own calls).
//
// Dokploy serves its tRPC procedures over OpenAPI at <instance>/api/<router>.<procedure>: queries are
// GET with query parameters, mutations POST with a JSON body, authenticated by the x-api-key header.
// Answers are the procedure's value with no envelope (nothing at all when it returns nothing); errors
// are {message, code, …} with the status of the tRPC code. Facts here come from Dokploy's source
// (repository Dokploy/dokploy) and its openapi.json; each method says which procedure it calls.
package dokploy

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
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// serviceName names Dokploy in errors and logs.
const serviceName = "Dokploy"

// Config configures New.
type Config struct {
	URL        string // the instance, e.g. https://dokploy.example.com; the API is URL + "/api"
	APIKey     string // sent as x-api-key
	HTTPClient *http.Client
}

// Client talks to one Dokploy instance.
type Client struct {
	instance string // scheme://host[/path], no trailing slash
	apiKey   string
	http     *http.Client
}

// New validates cfg and returns a Client. A nil HTTPClient gets httpx.NewClient's stack with the API
// key as a secret to mask.
func New(cfg Config) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(cfg.URL))
	if err != nil {
		return nil, fmt.Errorf("dokploy url: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("dokploy url %q: want the instance's absolute http(s) URL, e.g. https://dokploy.example.com", cfg.URL)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return nil, fmt.Errorf("dokploy url %q: want no query, fragment or user info", u.Redacted())
	}
	if cfg.APIKey == "" {
		return nil, errors.New("dokploy api_key is empty")
	}
	instance := u.Scheme + "://" + u.Host + strings.TrimRight(u.EscapedPath(), "/")
	hc := cfg.HTTPClient
	if hc == nil {
		hc = httpx.NewClient(httpx.Options{Service: serviceName, Secrets: []string{cfg.APIKey}})
	}
	return &Client{instance: instance, apiKey: cfg.APIKey, http: hc}, nil
}

// DeployURL is the application's deploy webhook: git hosts post push events there. The refresh token
// in it is the only secret: treat the URL as a credential.
func (c *Client) DeployURL(refreshToken string) string {
	return c.instance + "/api/deploy/" + url.PathEscape(refreshToken)
}

// call is one procedure call.
type call struct {
	operation string     // what the provider tried, for errors: "read application"
	procedure string     // "application.one"
	query     url.Values // a query (GET) when in is nil
	in        any        // a mutation's body (POST)
	// notFound lists the messages with which this procedure says that its object does not exist
	// ("Application not found"), whatever the status: those answers become 404s, and no other does.
	notFound []string
	// secrets are sent in this call's body and must not appear in its error (a private key, a token).
	secrets []string
	// repeatable marks a mutation that may be sent again after a lost answer (it sets values).
	repeatable bool
}

// do runs a call and decodes a 200 answer into out (when out is not nil; an empty answer is then an
// error). Any other answer becomes an *httpx.APIError.
func (c *Client) do(ctx context.Context, cl call, out any) error {
	endpoint := c.instance + "/api/" + cl.procedure
	method := http.MethodGet
	var body io.Reader
	if cl.in != nil {
		method = http.MethodPost
		buf, err := json.Marshal(cl.in)
		if err != nil {
			return fmt.Errorf("%s: %s: encoding the request: %w", serviceName, cl.operation, err)
		}
		body = bytes.NewReader(buf)
		if cl.repeatable {
			ctx = httpx.Repeatable(ctx)
		}
	} else if len(cl.query) > 0 {
		endpoint += "?" + cl.query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, endpoint, body)
	if err != nil {
		return fmt.Errorf("%s: %s: %w", serviceName, cl.operation, err)
	}
	req.Header.Set("x-api-key", c.apiKey)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		// Exactly this: Dokploy's OpenAPI adapter only parses a body whose Content-Type is the bare
		// "application/json"; with "; charset=utf-8" the procedure sees no input at all.
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return httpx.TransportError(serviceName, cl.operation, method, req.URL.Path, scrub(err, cl.secrets))
	}
	defer func() { _ = resp.Body.Close() }() // a read-only body: nothing to report on close

	if resp.StatusCode != http.StatusOK {
		return c.apiError(resp, cl)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return &httpx.APIError{Service: serviceName, Operation: cl.operation, Method: method, Path: req.URL.Path,
			StatusCode: resp.StatusCode, Message: "reading the answer failed: " + err.Error()}
	}
	if out == nil {
		return nil
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return fmt.Errorf("%s: %s (%s %s): the 200 answer is empty", serviceName, cl.operation, method, req.URL.Path)
	}
	if err := json.Unmarshal(data, out); err != nil {
		// encoding/json's messages name types and offsets, never the text: no secret can leak here.
		return fmt.Errorf("%s: %s (%s %s): decoding the 200 answer: %w", serviceName, cl.operation, method, req.URL.Path, err)
	}
	return nil
}

// apiError reads a failed answer. Dokploy says "not found" with several statuses (404 mostly; some
// procedures wrap the lookup's error into 400 or 500): an answer whose message is this procedure's
// not-found message becomes a 404, so that httpx.IsNotFound means "the object is gone". A 404 with any
// other message (the adapter's "Not found" for a procedure it does not have, a proxy's page) means the
// URL or the Dokploy version is wrong, not that the object is gone: it becomes a 501.
func (c *Client) apiError(resp *http.Response, cl call) error {
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10)) // a failed read leaves what came; ReadError summarises it
	// Masked before ReadError shortens a long body: a cut must not leave the start of a secret behind.
	for _, secret := range cl.secrets {
		if secret != "" {
			data = []byte(scrubText(string(data), secret))
		}
	}
	resp.Body = io.NopCloser(bytes.NewReader(data))
	apiErr := httpx.ReadError(resp, serviceName, cl.operation)
	if details := validationIssues(data); details != "" {
		apiErr.Message += ": " + details
	}
	for _, secret := range cl.secrets {
		if secret != "" {
			apiErr.Message = scrubText(apiErr.Message, secret)
		}
	}
	gone := false
	for _, m := range cl.notFound {
		if strings.EqualFold(strings.TrimSpace(apiErr.Message), m) {
			gone = true
		}
	}
	switch {
	case gone:
		if apiErr.StatusCode != http.StatusNotFound {
			apiErr.Message += fmt.Sprintf(" (answered as %d %s)", apiErr.StatusCode, http.StatusText(apiErr.StatusCode))
		}
		apiErr.StatusCode = http.StatusNotFound
	case apiErr.StatusCode == http.StatusNotFound:
		apiErr.Message = fmt.Sprintf("no such API procedure %s (answered 404: %s): check that url is the Dokploy "+
			"instance's address and that its version has this procedure", cl.procedure, apiErr.Message)
		apiErr.StatusCode = http.StatusNotImplemented
	}
	return apiErr
}

// validationIssues renders the "issues" of an input validation error ("name: Too small: …; …"): the
// message alone only says "Input validation failed".
func validationIssues(body []byte) string {
	var doc struct {
		Issues []struct {
			Path    []any  `json:"path"`
			Message string `json:"message"`
		} `json:"issues"`
	}
	if json.Unmarshal(body, &doc) != nil {
		return ""
	}
	parts := make([]string, 0, len(doc.Issues))
	for _, is := range doc.Issues {
		path := make([]string, len(is.Path))
		for i, p := range is.Path {
			path[i] = fmt.Sprint(p)
		}
		parts = append(parts, strings.Join(path, ".")+": "+is.Message)
	}
	return strings.Join(parts, "; ")
}

// scrub removes secrets from an error's text.
func scrub(err error, secrets []string) error {
	text := err.Error()
	for _, secret := range secrets {
		if secret != "" {
			text = scrubText(text, secret)
		}
	}
	if text == err.Error() {
		return err
	}
	return errors.New(text)
}

// scrubText masks secret, and each of its lines long enough to identify it (a PEM key's base64 lines),
// in text: a server that echoes the request must not put a private key into a diagnostic.
func scrubText(text, secret string) string {
	text = strings.ReplaceAll(text, secret, "***")
	text = strings.ReplaceAll(text, strings.TrimSpace(secret), "***")
	for _, line := range strings.Split(secret, "\n") {
		if line = strings.TrimSpace(line); len(line) >= 16 {
			text = strings.ReplaceAll(text, line, "***")
		}
	}
	// JSON-escaped, as an echoed request body would show it.
	if escaped, err := json.Marshal(secret); err == nil {
		text = strings.ReplaceAll(text, strings.Trim(string(escaped), `"`), "***")
	}
	return text
}

// nullable is a JSON string, or null for "": Dokploy's required-but-nullable members must be sent.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// text is a nullable string's value ("" for null).
func text(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// parseTime reads Dokploy's timestamps (JavaScript's toISOString(): 2024-01-02T03:04:05.000Z); the
// zero time when empty or unreadable.
func parseTime(s *string) time.Time {
	if s == nil {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	if err != nil {
		return time.Time{}
	}
	return t
}
