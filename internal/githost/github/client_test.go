package github

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

const testToken = "ghp_test-token"

// seenRequest is what the fake server saw of one request.
type seenRequest struct {
	Method     string
	RequestURI string // as sent: escaped path and query
	Header     http.Header
	Body       []byte
}

// fakeGitHub answers with handler and records every request.
type fakeGitHub struct {
	mu       sync.Mutex
	requests []seenRequest
	server   *httptest.Server
}

func newFakeGitHub(t *testing.T, handler http.HandlerFunc) (*fakeGitHub, *Client) {
	t.Helper()
	fake := &fakeGitHub{}
	fake.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading request body: %v", err)
		}
		fake.mu.Lock()
		fake.requests = append(fake.requests, seenRequest{Method: r.Method, RequestURI: r.RequestURI, Header: r.Header.Clone(), Body: body})
		fake.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body)) // handlers read it again
		handler(w, r)
	}))
	t.Cleanup(fake.server.Close)
	client, err := New(Config{BaseURL: fake.server.URL + "/", Token: testToken, HTTPClient: fake.server.Client(), UserAgent: "gitdeploy-test"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return fake, client
}

func (f *fakeGitHub) seen() []seenRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seenRequest(nil), f.requests...)
}

// only returns the single request the fake saw, failing the test if there were more or fewer.
func (f *fakeGitHub) only(t *testing.T) seenRequest {
	t.Helper()
	seen := f.seen()
	if len(seen) != 1 {
		t.Fatalf("server saw %d requests, want 1: %+v", len(seen), seen)
	}
	return seen[0]
}

func writeJSON(t *testing.T, w http.ResponseWriter, status int, v any) {
	t.Helper()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		t.Errorf("encoding answer: %v", err)
	}
}

// requireAPIError asserts err is an *httpx.APIError with the given status, and returns it.
func requireAPIError(t *testing.T, err error, status int) *httpx.APIError {
	t.Helper()
	var apiErr *httpx.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is not an *httpx.APIError", err, err)
	}
	if apiErr.StatusCode != status || apiErr.Service != "GitHub" {
		t.Fatalf("APIError = %+v, want GitHub status %d", apiErr, status)
	}
	return apiErr
}

func TestNewBaseURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "https://api.github.com/"},
		{"https://ghe.example.com", "https://ghe.example.com/api/v3/"},
		{"https://ghe.example.com/", "https://ghe.example.com/api/v3/"},
		{"https://ghe.example.com/api/v3/", "https://ghe.example.com/api/v3/"},
		{"http://127.0.0.1:8080/api/v3", "http://127.0.0.1:8080/api/v3/"},
	}
	for _, tt := range tests {
		client, err := New(Config{BaseURL: tt.in})
		if err != nil {
			t.Fatalf("New(%q): %v", tt.in, err)
		}
		if got := client.api.BaseURL(); got != tt.want {
			t.Errorf("New(%q) base URL = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"ghe.example.com", "ftp://ghe.example.com/", "://"} {
		if _, err := New(Config{BaseURL: bad}); err == nil {
			t.Errorf("New(%q) succeeded, want an error", bad)
		}
	}
	if client, err := New(Config{}); err != nil || client.Kind() != githost.GitHub {
		t.Fatalf("New(Config{}) = %v, %v; want a github client", client, err)
	}
}

func TestCreateDeployKey(t *testing.T) {
	for _, readOnly := range []bool{true, false} {
		t.Run(fmt.Sprintf("read_only=%v", readOnly), func(t *testing.T) {
			fake, client := newFakeGitHub(t, func(w http.ResponseWriter, r *http.Request) {
				var in map[string]any
				if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
					t.Errorf("decoding body: %v", err)
				}
				writeJSON(t, w, http.StatusCreated, map[string]any{
					"id": 42, "key": in["key"], "title": in["title"], "read_only": in["read_only"],
					"verified": true, "url": "https://example/keys/42", "created_at": "2024-05-06T07:08:09Z",
				})
			})
			got, err := client.CreateDeployKey(context.Background(), "octo/hello", githost.DeployKeyInput{
				Title: "netlify", Key: "ssh-ed25519 AAAA test", ReadOnly: readOnly,
			})
			if err != nil {
				t.Fatalf("CreateDeployKey: %v", err)
			}
			want := githost.DeployKey{ID: "42", Title: "netlify", Key: "ssh-ed25519 AAAA test", ReadOnly: readOnly,
				CreatedAt: time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)}
			if !got.CreatedAt.Equal(want.CreatedAt) || got.ID != want.ID || got.Title != want.Title || got.Key != want.Key || got.ReadOnly != want.ReadOnly {
				t.Fatalf("CreateDeployKey = %+v, want %+v", *got, want)
			}

			req := fake.only(t)
			if req.Method != http.MethodPost || req.RequestURI != "/api/v3/repos/octo/hello/keys" {
				t.Errorf("request = %s %s, want POST /api/v3/repos/octo/hello/keys", req.Method, req.RequestURI)
			}
			if auth := req.Header.Get("Authorization"); auth != "Bearer "+testToken {
				t.Errorf("Authorization = %q, want the bearer token", auth)
			}
			if ua := req.Header.Get("User-Agent"); ua != "gitdeploy-test" {
				t.Errorf("User-Agent = %q", ua)
			}
			var body map[string]any
			if err := json.Unmarshal(req.Body, &body); err != nil {
				t.Fatalf("body %q is not JSON: %v", req.Body, err)
			}
			// read_only must be sent even when false: GitHub's default for a missing field is not ours to rely on.
			if body["title"] != "netlify" || body["key"] != "ssh-ed25519 AAAA test" || body["read_only"] != readOnly {
				t.Errorf("body = %v", body)
			}
		})
	}
}

func TestCreateDeployKeyDuplicate(t *testing.T) {
	_, client := newFakeGitHub(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(t, w, http.StatusUnprocessableEntity, map[string]any{
			"message": "Validation Failed",
			"errors": []map[string]string{
				{"resource": "PublicKey", "code": "custom", "field": "key", "message": "key is already in use"},
			},
			"documentation_url": "https://docs.github.com/rest/deploy-keys/deploy-keys#create-a-deploy-key",
		})
	})
	_, err := client.CreateDeployKey(context.Background(), "octo/hello", githost.DeployKeyInput{Key: "ssh-ed25519 AAAA"})
	apiErr := requireAPIError(t, err, http.StatusUnprocessableEntity)
	if apiErr.Message != "Validation Failed: key is already in use" {
		t.Errorf("Message = %q", apiErr.Message)
	}
	if apiErr.Operation != "create deploy key" || apiErr.Method != http.MethodPost || apiErr.Path != "/api/v3/repos/octo/hello/keys" {
		t.Errorf("APIError = %+v", apiErr)
	}
	if !strings.Contains(err.Error(), "key is already in use") {
		t.Errorf("Error() = %q does not surface GitHub's message", err.Error())
	}
}

func TestGetDeployKey(t *testing.T) {
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v3/repos/octo/hello/keys/7" {
			writeJSON(t, w, http.StatusOK, map[string]any{"id": 7, "key": "ssh-rsa AAAB", "title": "t", "read_only": true})
			return
		}
		writeJSON(t, w, http.StatusNotFound, map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
	})
	got, err := client.GetDeployKey(context.Background(), "octo/hello", "7")
	if err != nil || got.ID != "7" || got.Key != "ssh-rsa AAAB" || !got.ReadOnly {
		t.Fatalf("GetDeployKey = %+v, %v", got, err)
	}
	if req := fake.seen()[0]; req.Method != http.MethodGet || req.Header.Get("Authorization") != "Bearer "+testToken {
		t.Errorf("request = %s with Authorization %q", req.Method, req.Header.Get("Authorization"))
	}

	_, err = client.GetDeployKey(context.Background(), "octo/hello", "8")
	if !httpx.IsNotFound(err) {
		t.Fatalf("GetDeployKey of a missing key = %v, want not found", err)
	}
	apiErr := requireAPIError(t, err, http.StatusNotFound)
	if apiErr.Message != "Not Found" || apiErr.Path != "/api/v3/repos/octo/hello/keys/8" || apiErr.Operation != "read deploy key" {
		t.Errorf("APIError = %+v", apiErr)
	}
}

func TestBadInputMakesNoRequest(t *testing.T) {
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
	ctx := context.Background()
	checks := []struct {
		name    string
		call    func() error
		wantErr string
	}{
		{"id not a number", func() error { _, err := client.GetDeployKey(ctx, "octo/hello", "abc"); return err }, `"abc" is not a positive decimal number`},
		{"negative id", func() error { return client.DeleteDeployKey(ctx, "octo/hello", "-3") }, "not a positive decimal number"},
		{"id with plus", func() error { return client.DeleteDeployKey(ctx, "octo/hello", "+3") }, "not a positive decimal number"},
		{"id too big", func() error { return client.DeleteDeployKey(ctx, "octo/hello", "99999999999999999999") }, "not a positive decimal number"},
		{"three segments", func() error { _, err := client.ListDeployKeys(ctx, "octo/hello/x"); return err }, `must be "owner/name"`},
		{"dot-dot", func() error { _, err := client.GetRepository(ctx, "octo/.."); return err }, "not allowed"},
		{"encoded slash", func() error {
			_, err := client.CreateDeployKey(ctx, "octo/a%2F..", githost.DeployKeyInput{Key: "k"})
			return err
		}, "may only hold"},
		{"empty branch", func() error { _, err := client.GetBranch(ctx, "octo/hello", ""); return err }, "branch name is empty"},
	}
	for _, check := range checks {
		err := check.call()
		if err == nil || !strings.Contains(err.Error(), check.wantErr) {
			t.Errorf("%s: error %v, want one containing %q", check.name, err, check.wantErr)
		}
	}
	if seen := fake.seen(); len(seen) != 0 {
		t.Fatalf("bad input reached the server: %+v", seen)
	}
}

func TestListDeployKeysFollowsEveryPage(t *testing.T) {
	const pages = 3
	var serverURL string
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, r *http.Request) {
		page := r.URL.Query().Get("page")
		if page == "" {
			page = "1"
		}
		var n int
		if _, err := fmt.Sscanf(page, "%d", &n); err != nil {
			t.Errorf("page %q: %v", page, err)
		}
		if n < pages {
			w.Header().Set("Link", fmt.Sprintf(`<%s/api/v3/repositories/1/keys?per_page=100&page=%d>; rel="next", <%s/api/v3/repositories/1/keys?per_page=100&page=%d>; rel="last"`,
				serverURL, n+1, serverURL, pages))
		}
		keys := []map[string]any{{"id": n*10 + 1, "key": "k"}, {"id": n*10 + 2, "key": "k"}}
		writeJSON(t, w, http.StatusOK, keys)
	})
	serverURL = fake.server.URL

	keys, err := client.ListDeployKeys(context.Background(), "octo/hello")
	if err != nil {
		t.Fatalf("ListDeployKeys: %v", err)
	}
	var ids []string
	for _, key := range keys {
		ids = append(ids, key.ID)
	}
	if got, want := strings.Join(ids, ","), "11,12,21,22,31,32"; got != want {
		t.Fatalf("ids = %s, want %s", got, want)
	}
	seen := fake.seen()
	if len(seen) != pages {
		t.Fatalf("server saw %d requests, want %d", len(seen), pages)
	}
	for i, req := range seen {
		want := fmt.Sprintf("/api/v3/repos/octo/hello/keys?page=%d&per_page=100", i+1)
		if i == 0 {
			want = "/api/v3/repos/octo/hello/keys?per_page=100" // the first page, unnamed
		}
		if req.RequestURI != want {
			t.Errorf("request %d = %s, want %s", i, req.RequestURI, want)
		}
	}
}

func TestListDeployKeysStopsOnABackwardsLink(t *testing.T) {
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, r *http.Request) {
		// A broken server that always points back at page 1.
		w.Header().Set("Link", fmt.Sprintf(`<http://%s/api/v3/repos/octo/hello/keys?page=1>; rel="next"`, r.Host))
		writeJSON(t, w, http.StatusOK, []map[string]any{{"id": 1}})
	})
	// The second answer repeats the first page's key: the listing stops there.
	keys, err := client.ListDeployKeys(context.Background(), "octo/hello")
	if err != nil || len(keys) != 1 || len(fake.seen()) != 2 {
		t.Fatalf("ListDeployKeys = %v, %v after %d requests; want 1 key after 2 requests", keys, err, len(fake.seen()))
	}
}

func TestDeleteDeployKey(t *testing.T) {
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	if err := client.DeleteDeployKey(context.Background(), "octo/hello", "42"); err != nil {
		t.Fatalf("DeleteDeployKey: %v", err)
	}
	if req := fake.only(t); req.Method != http.MethodDelete || req.RequestURI != "/api/v3/repos/octo/hello/keys/42" {
		t.Fatalf("request = %s %s", req.Method, req.RequestURI)
	}
}

func TestNonJSONErrorBody(t *testing.T) {
	_, client := newFakeGitHub(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = io.WriteString(w, "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>") // the test fails on the client side if this is lost
	})
	err := client.DeleteDeployKey(context.Background(), "octo/hello", "42")
	apiErr := requireAPIError(t, err, http.StatusBadGateway)
	if apiErr.Message != "502 Bad Gateway 502 Bad Gateway" || apiErr.Method != http.MethodDelete || apiErr.Path != "/api/v3/repos/octo/hello/keys/42" {
		t.Fatalf("APIError = %+v", apiErr)
	}
}

func TestRateLimitErrors(t *testing.T) {
	t.Run("primary", func(t *testing.T) {
		_, client := newFakeGitHub(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("X-RateLimit-Limit", "5000")
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", "1893456000") // 2030-01-01T00:00:00Z
			writeJSON(t, w, http.StatusForbidden, map[string]string{"message": "API rate limit exceeded for user ID 1."})
		})
		_, err := client.GetRepository(context.Background(), "octo/hello")
		apiErr := requireAPIError(t, err, http.StatusForbidden)
		if !strings.Contains(apiErr.Message, "API rate limit exceeded") || !strings.Contains(apiErr.Message, "2030-01-01T00:00:00Z") {
			t.Fatalf("Message = %q", apiErr.Message)
		}
	})
	t.Run("secondary", func(t *testing.T) {
		_, client := newFakeGitHub(t, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "30")
			writeJSON(t, w, http.StatusTooManyRequests, map[string]string{
				"message":           "You have exceeded a secondary rate limit.",
				"documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits",
			})
		})
		_, err := client.CreateDeployKey(context.Background(), "octo/hello", githost.DeployKeyInput{Key: "k"})
		apiErr := requireAPIError(t, err, http.StatusTooManyRequests)
		if !strings.Contains(apiErr.Message, "secondary rate limit") || !strings.Contains(apiErr.Message, "30s") {
			t.Fatalf("Message = %q", apiErr.Message)
		}
	})
	t.Run("no bookkeeping between calls", func(t *testing.T) {
		calls := 0
		fake, client := newFakeGitHub(t, func(w http.ResponseWriter, _ *http.Request) {
			calls++
			if calls == 1 {
				w.Header().Set("X-RateLimit-Remaining", "0")
				w.Header().Set("X-RateLimit-Reset", fmt.Sprint(time.Now().Add(time.Hour).Unix()))
				writeJSON(t, w, http.StatusForbidden, map[string]string{"message": "API rate limit exceeded"})
				return
			}
			writeJSON(t, w, http.StatusOK, map[string]any{"id": 1, "name": "hello"})
		})
		if _, err := client.GetRepository(context.Background(), "octo/hello"); err == nil {
			t.Fatal("first call succeeded, want the rate limit error")
		}
		// Waiting is the HTTP stack's job: the client must not refuse the next call on its own.
		if _, err := client.GetRepository(context.Background(), "octo/hello"); err != nil {
			t.Fatalf("second call: %v", err)
		}
		if n := len(fake.seen()); n != 2 {
			t.Fatalf("server saw %d requests, want 2", n)
		}
	})
}

func TestTransportErrorAndCancellation(t *testing.T) {
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	fake.server.Close()
	err := client.DeleteDeployKey(context.Background(), "octo/hello", "5")
	apiErr := requireAPIError(t, err, 0)
	if apiErr.Method != http.MethodDelete || apiErr.Path != "/api/v3/repos/octo/hello/keys/5" || apiErr.Message == "" {
		t.Fatalf("APIError = %+v", apiErr)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Fatalf("error %q leaks the token", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = client.ListDeployKeys(ctx, "octo/hello")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("ListDeployKeys with a cancelled context = %v, want context.Canceled", err)
	}
}
