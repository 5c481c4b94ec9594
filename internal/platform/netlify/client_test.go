package netlify

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

const testToken = "nfp_test_token"

// recorded is one request as the fake Netlify saw it.
type recorded struct {
	Method, Path, RawPath, Auth, ContentType string
	Body                                     map[string]any
}

// fakeNetlify answers each request with the handler for "METHOD /path" and records it.
type fakeNetlify struct {
	t        *testing.T
	srv      *httptest.Server
	routes   map[string]func(w http.ResponseWriter, r *http.Request)
	requests []recorded
}

func newFake(t *testing.T) (*fakeNetlify, *Client) {
	t.Helper()
	f := &fakeNetlify{t: t, routes: map[string]func(http.ResponseWriter, *http.Request){}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	c, err := New(Config{APIURL: f.srv.URL + "/api/v1", Token: testToken, HTTPClient: httpx.NewClient(httpx.Options{
		Service: "Netlify", MaxRetries: -1,
	})})
	if err != nil {
		t.Fatal(err)
	}
	return f, c
}

func (f *fakeNetlify) serve(w http.ResponseWriter, r *http.Request) {
	rec := recorded{Method: r.Method, Path: r.URL.Path, RawPath: r.URL.EscapedPath(),
		Auth: r.Header.Get("Authorization"), ContentType: r.Header.Get("Content-Type")}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		f.t.Errorf("reading body: %v", err)
	}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &rec.Body); err != nil {
			f.t.Errorf("%s %s: body is not a JSON object: %s", r.Method, r.URL.Path, raw)
		}
	}
	f.requests = append(f.requests, rec)
	h, ok := f.routes[r.Method+" "+r.URL.EscapedPath()]
	if !ok {
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"code":404,"message":"Not Found"}`) // test server
		return
	}
	h(w, r)
}

func (f *fakeNetlify) on(route string, status int, body string) {
	f.routes[route] = func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body) // test server
	}
}

func (f *fakeNetlify) only() recorded {
	f.t.Helper()
	if len(f.requests) != 1 {
		f.t.Fatalf("%d requests, want 1: %+v", len(f.requests), f.requests)
	}
	r := f.requests[0]
	if r.Auth != "Bearer "+testToken {
		f.t.Fatalf("Authorization %q", r.Auth)
	}
	return r
}

func TestNewValidates(t *testing.T) {
	if _, err := New(Config{Token: ""}); err == nil {
		t.Error("empty token accepted")
	}
	if _, err := New(Config{APIURL: "api.netlify.com/api/v1", Token: "x"}); err == nil {
		t.Error("relative URL accepted")
	}
	c, err := New(Config{Token: "x"})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := c.endpoint("sites"); err != nil || got != DefaultAPIURL+"/sites" {
		t.Errorf("default endpoint %q (%v)", got, err)
	}
	if c.Name() != "Netlify" {
		t.Errorf("Name %q", c.Name())
	}
}

func TestDeployKeys(t *testing.T) {
	f, c := newFake(t)
	ctx := context.Background()

	f.on("POST /api/v1/deploy_keys", 201, `{"id":"dk1","public_key":"ssh-ed25519 AAAA netlify","created_at":"2024-05-06T07:08:09Z"}`)
	key, err := c.CreateDeployKey(ctx, platform.DeployKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	if key.ID != "dk1" || key.PublicKey != "ssh-ed25519 AAAA netlify" ||
		!key.CreatedAt.Equal(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)) {
		t.Fatalf("key %+v", key)
	}
	if r := f.only(); r.Method != "POST" || r.Path != "/api/v1/deploy_keys" {
		t.Fatalf("request %+v", r)
	}

	f.requests = nil
	f.on("GET /api/v1/deploy_keys/dk1", 200, `{"id":"dk1","public_key":"ssh-ed25519 AAAA netlify"}`)
	key, err = c.GetDeployKey(ctx, "dk1")
	if err != nil || key.ID != "dk1" {
		t.Fatalf("get: %+v %v", key, err)
	}
	f.only()

	for _, code := range []int{204, 200} {
		f.requests = nil
		f.on("DELETE /api/v1/deploy_keys/dk1", code, "")
		if err := c.DeleteDeployKey(ctx, "dk1"); err != nil {
			t.Fatalf("delete answered %d: %v", code, err)
		}
		if r := f.only(); r.Method != "DELETE" {
			t.Fatalf("request %+v", r)
		}
	}
}

func TestDeployKeyErrors(t *testing.T) {
	f, c := newFake(t)
	ctx := context.Background()

	err := c.DeleteDeployKey(ctx, "gone")
	var apiErr *httpx.APIError
	if !errors.As(err, &apiErr) || !httpx.IsNotFound(err) {
		t.Fatalf("want a 404 APIError, got %v", err)
	}
	if apiErr.Service != "Netlify" || apiErr.Operation != "delete deploy key" || apiErr.Method != "DELETE" ||
		apiErr.Path != "/api/v1/deploy_keys/gone" || apiErr.Message != "Not Found" {
		t.Fatalf("error %+v", apiErr)
	}

	f.on("POST /api/v1/deploy_keys", 502, "<html><body><h1>502 Bad Gateway</h1></body></html>")
	_, err = c.CreateDeployKey(ctx, platform.DeployKeyInput{})
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 502 || apiErr.Message != "502 Bad Gateway" ||
		apiErr.Operation != "create deploy key" {
		t.Fatalf("error %v", err)
	}

	f.on("GET /api/v1/deploy_keys/bad", 200, `not json`)
	if _, err := c.GetDeployKey(ctx, "bad"); err == nil || !strings.Contains(err.Error(), "read deploy key") {
		t.Fatalf("undecodable answer: %v", err)
	}
}

func TestPathSegmentsAreEscaped(t *testing.T) {
	f, c := newFake(t)
	_, err := c.GetDeployKey(context.Background(), "../sites/x?y=1")
	if !httpx.IsNotFound(err) {
		t.Fatalf("want 404, got %v", err)
	}
	r := f.only()
	if r.Path != "/api/v1/deploy_keys/../sites/x?y=1" || r.RawPath != "/api/v1/deploy_keys/..%2Fsites%2Fx%3Fy=1" {
		t.Fatalf("path %q (raw %q): the id left its segment", r.Path, r.RawPath)
	}
}

func TestUnsafeIDsAreRefusedBeforeAnyRequest(t *testing.T) {
	f, c := newFake(t)
	ctx := context.Background()
	for _, id := range []string{"", ".", ".."} {
		if err := c.DeleteSite(ctx, id); err == nil || !strings.Contains(err.Error(), "delete site") {
			t.Errorf("DeleteSite(%q): %v", id, err)
		}
		if err := c.DeleteBuildHook(ctx, "site", id); err == nil {
			t.Errorf("DeleteBuildHook(%q) accepted", id)
		}
	}
	if len(f.requests) != 0 {
		t.Fatalf("requests were sent: %+v", f.requests)
	}
}

// An unreachable API is an APIError without an answer whose text says the service could not be reached and
// names the setting (given to the shared stack), without repeating the URL net/http's error carries.
func TestUnreachableAPI(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	apiURL := srv.URL + "/api/v1"
	srv.Close() // nothing listens there any more
	c, err := New(Config{APIURL: apiURL, Token: testToken, HTTPClient: httpx.NewClient(httpx.Options{Service: "Netlify",
		Endpoint: httpx.Endpoint{URL: apiURL, Setting: "netlify.api_url", EnvVar: "NETLIFY_API_URL", Source: httpx.EndpointFromEnv}})})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetSite(context.Background(), "site-1")
	var apiErr *httpx.APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != 0 || !httpx.IsConnectionError(err) {
		t.Fatalf("want an APIError without an answer around a ConnectionError, got %T %v", err, err)
	}
	want := "Netlify: read site (GET /api/v1/sites/site-1) got no answer: could not reach Netlify at " + srv.URL +
		`: connection refused (nothing is listening there). The address is the environment variable NETLIFY_API_URL = "` + apiURL + `"`
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got  %q\nwant %q…", err, want)
	}
	if httpx.MayHaveBeenApplied(err) {
		t.Error("a request that never reached Netlify cannot have been applied")
	}
}
