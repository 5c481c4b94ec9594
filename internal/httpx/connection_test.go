package httpx

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// A refused connection fails at once with the default retry settings (4 retries from 1s), naming the
// setting and its value: before, the same request was retried for 11 to 15 seconds.
func TestRefusedConnectionFailsFastNamingTheSetting(t *testing.T) {
	base := "http://" + closedAddr(t)
	opts := Options{Service: "Netlify", Endpoint: Endpoint{URL: base + "/api/v1", Setting: "netlify.api_url",
		EnvVar: "NETLIFY_API_URL", Source: EndpointFromSetting}}
	for _, method := range []string{http.MethodGet, http.MethodPost} {
		start := time.Now()
		_, err := send(t, context.Background(), NewClient(opts), method, base+"/api/v1/sites")
		elapsed := time.Since(start)
		if elapsed >= 900*time.Millisecond { // the first retry would wait 1s
			t.Errorf("%s: failed after %s: a refused connection must not be retried", method, elapsed)
		}
		var connErr *ConnectionError
		if !errors.As(err, &connErr) {
			t.Fatalf("%s: want a *ConnectionError, got %T %v", method, err, err)
		}
		for _, want := range []string{
			"could not reach Netlify at " + base + ": connection refused",
			`netlify.api_url = "` + base + `/api/v1" in the provider configuration`,
			"NETLIFY_API_URL",
		} {
			if !strings.Contains(connErr.Error(), want) {
				t.Errorf("%s: %q lacks %q", method, connErr.Error(), want)
			}
		}
		if MayHaveBeenApplied(err) {
			t.Errorf("%s: a request that never reached the service may not have been applied", method)
		}
	}
}

// A TLS failure is not retried either, and says what is wrong with the server.
func TestTLSFailuresNameTheProblem(t *testing.T) {
	tlsServer := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) }))
	t.Cleanup(tlsServer.Close)
	plainServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(204) }))
	t.Cleanup(plainServer.Close)
	for _, tc := range []struct {
		name, url, want string
	}{
		{"untrusted certificate", tlsServer.URL, "its TLS certificate is not trusted (x509: certificate signed by unknown authority)"},
		{"https to a plain HTTP server", strings.Replace(plainServer.URL, "http://", "https://", 1), "the server does not speak TLS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := fastOptions()
			opts.Endpoint = Endpoint{URL: tc.url, Setting: "gitlab.base_url", EnvVar: "GITLAB_BASE_URL", Source: EndpointFromEnv}
			attempts, err := countAttempts(t, opts, http.MethodGet, tc.url+"/api/v4/projects")
			if attempts != 1 {
				t.Errorf("%d attempts, want 1", attempts)
			}
			if !IsConnectionError(err) || !strings.Contains(err.Error(), tc.want) ||
				!strings.Contains(err.Error(), `GITLAB_BASE_URL = "`+tc.url+`"`) {
				t.Errorf("got %v, want a ConnectionError saying %q and naming GITLAB_BASE_URL", err, tc.want)
			}
		})
	}
}

// Failures that a retry may fix are still retried, then reported as a ConnectionError; failures after
// the request was sent (a dropped connection) are not connection errors.
func TestConnectionFailureClassification(t *testing.T) {
	refusedDial := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connect: connection refused")}
	for _, tc := range []struct {
		name       string
		err        error
		wantReason string // "" when err is not a connection failure
		wantFinal  bool
	}{
		{"refused", &url.Error{Op: "Get", URL: "http://x", Err: refusedDial}, "connection refused (nothing is listening there)", true},
		{"unknown host", &net.OpError{Op: "dial", Err: &net.DNSError{Name: "api.netlfy.com", Err: "no such host", IsNotFound: true}},
			`unknown host "api.netlfy.com"`, true},
		{"lookup timed out", &net.DNSError{Name: "gitlab.example.com", Err: "i/o timeout", IsTimeout: true},
			`looking up host "gitlab.example.com" failed (i/o timeout)`, false},
		{"dial timed out", &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("i/o timeout")}, "could not open a connection (i/o timeout)", false},
		{"reset after sending", &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}, "", false},
		{"cancelled", fmt.Errorf("x: %w", context.Canceled), "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reason, final, ok := connectionFailure(tc.err)
			if ok != (tc.wantReason != "") || reason != tc.wantReason || final != tc.wantFinal {
				t.Errorf("connectionFailure = %q, final %v, ok %v; want %q, final %v", reason, final, ok, tc.wantReason, tc.wantFinal)
			}
			p := &retryPolicy{opts: fastOptions().withDefaults()}
			retried := p.decide(http.MethodGet, false, nil, tc.err, false, 1).retry
			if wantRetry := !tc.wantFinal && tc.name != "cancelled"; retried != wantRetry {
				t.Errorf("GET retried: %v, want %v", retried, wantRetry)
			}
		})
	}
}

func TestConnectionErrorNamesWhereTheAddressCameFrom(t *testing.T) {
	for _, tc := range []struct {
		name     string
		endpoint Endpoint
		want     string
	}{
		{"setting", Endpoint{URL: "http://localhost:9/", Setting: "github.base_url", EnvVar: "GITHUB_BASE_URL", Source: EndpointFromSetting},
			`The address is github.base_url = "http://localhost:9/" in the provider configuration (GITHUB_BASE_URL when it is not set)`},
		{"environment", Endpoint{URL: "http://localhost:9/", Setting: "github.base_url", EnvVar: "GITHUB_BASE_URL", Source: EndpointFromEnv},
			`The address is the environment variable GITHUB_BASE_URL = "http://localhost:9/" (github.base_url in the provider configuration overrides it)`},
		{"default", Endpoint{URL: "https://api.github.com/", Setting: "github.base_url", EnvVar: "GITHUB_BASE_URL"},
			`The address is the default "https://api.github.com/" (neither github.base_url nor GITHUB_BASE_URL is set)`},
		{"not told", Endpoint{}, "Check the service's URL in the provider configuration."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := &ConnectionError{Service: "GitHub", Address: "http://localhost:9", Reason: "connection refused", Endpoint: tc.endpoint}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("%q lacks %q", err.Error(), tc.want)
			}
		})
	}
}

// An APIError without an answer says why instead of "answered 0", and a ConnectionError's text replaces
// the library's wrapper that repeats the URL.
func TestAPIErrorWithoutAnAnswer(t *testing.T) {
	connErr := &ConnectionError{Service: "GitHub", Address: "http://127.0.0.1:1", Reason: "connection refused",
		Endpoint: Endpoint{URL: "http://127.0.0.1:1/", Setting: "github.base_url", EnvVar: "GITHUB_BASE_URL", Source: EndpointFromSetting}}
	wrapped := &url.Error{Op: "Post", URL: "http://127.0.0.1:1/api/v3/repos/a/b/keys", Err: connErr}
	err := &APIError{Service: "GitHub", Operation: "create deploy key", Method: "POST", Path: "/api/v3/repos/a/b/keys",
		Message: wrapped.Error(), Err: wrapped}
	want := "GitHub: create deploy key (POST /api/v3/repos/a/b/keys) got no answer: could not reach GitHub at http://127.0.0.1:1: connection refused. " +
		`The address is github.base_url = "http://127.0.0.1:1/" in the provider configuration`
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got  %q\nwant %q…", err.Error(), want)
	}
	dropped := &APIError{Service: "Netlify", Operation: "create site", Method: "POST", Path: "/api/v1/sites", Message: "EOF"}
	if got := dropped.Error(); got != "Netlify: create site (POST /api/v1/sites) got no answer: EOF" {
		t.Errorf("got %q", got)
	}
}

func TestTransportError(t *testing.T) {
	connErr := &ConnectionError{Service: "Netlify", Address: "http://127.0.0.1:1", Reason: "connection refused"}
	err := TransportError("Netlify", "create site", "POST", "/api/v1/sites",
		&url.Error{Op: "Post", URL: "http://127.0.0.1:1/api/v1/sites?token=x", Err: connErr})
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 0 || !IsConnectionError(err) {
		t.Fatalf("want an APIError without a status around the ConnectionError, got %T %v", err, err)
	}
	if strings.Contains(err.Error(), "token=x") {
		t.Errorf("the URL's query leaked into %q", err.Error())
	}
	cancelled := TransportError("Netlify", "create site", "POST", "/api/v1/sites", &url.Error{Op: "Post", URL: "u", Err: context.Canceled})
	if !errors.Is(cancelled, context.Canceled) || errors.As(cancelled, &apiErr) {
		t.Errorf("a cancelled request must stay a cancellation, not an APIError: %T %v", cancelled, cancelled)
	}
}
