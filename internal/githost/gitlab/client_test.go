package gitlab

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

const testToken = "glpat-test-token"

// seenRequest is what the fake server saw of one request.
type seenRequest struct {
	Method     string
	RequestURI string // as sent: escaped path and query
	Header     http.Header
	Body       []byte
}

// fakeGitLab answers with handler and records every request.
type fakeGitLab struct {
	mu       sync.Mutex
	requests []seenRequest
	server   *httptest.Server
}

func newFakeGitLab(t *testing.T, handler http.HandlerFunc) (*fakeGitLab, *Client) {
	t.Helper()
	fake := &fakeGitLab{}
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
	client, err := New(Config{BaseURL: fake.server.URL, Token: testToken, HTTPClient: fake.server.Client(), UserAgent: "gitdeploy-test"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return fake, client
}

func (f *fakeGitLab) seen() []seenRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]seenRequest(nil), f.requests...)
}

// only returns the single request the fake saw, failing the test if there were more or fewer.
func (f *fakeGitLab) only(t *testing.T) seenRequest {
	t.Helper()
	seen := f.seen()
	if len(seen) != 1 {
		t.Fatalf("server saw %d requests, want 1: %+v", len(seen), seen)
	}
	return seen[0]
}

func writeJSON(t *testing.T, w http.ResponseWriter, status int, v any) {
	t.Helper()
	w.Header().Set("Content-Type", "application/json")
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
	if apiErr.StatusCode != status || apiErr.Service != "GitLab" {
		t.Fatalf("APIError = %+v, want GitLab status %d", apiErr, status)
	}
	return apiErr
}

func TestNewBaseURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "https://gitlab.com/api/v4/"},
		{"https://gitlab.example.com", "https://gitlab.example.com/api/v4/"},
		{"https://gitlab.example.com/api/v4", "https://gitlab.example.com/api/v4/"},
		{"http://127.0.0.1:9000/gitlab/", "http://127.0.0.1:9000/gitlab/api/v4/"},
	}
	for _, tt := range tests {
		client, err := New(Config{BaseURL: tt.in})
		if err != nil {
			t.Fatalf("New(%q): %v", tt.in, err)
		}
		if got := client.api.BaseURL().String(); got != tt.want {
			t.Errorf("New(%q) base URL = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, bad := range []string{"gitlab.example.com", "ftp://gitlab.example.com", "https://gitlab.example.com/?x=1"} {
		if _, err := New(Config{BaseURL: bad}); err == nil {
			t.Errorf("New(%q) succeeded, want an error", bad)
		}
	}
	if client, err := New(Config{}); err != nil || client.Kind() != githost.GitLab {
		t.Fatalf("New(Config{}) = %v, %v; want a gitlab client", client, err)
	}
}

func TestCreateDeployKey(t *testing.T) {
	for _, readOnly := range []bool{true, false} {
		t.Run(fmt.Sprintf("read_only=%v", readOnly), func(t *testing.T) {
			fake, client := newFakeGitLab(t, func(w http.ResponseWriter, r *http.Request) {
				var in map[string]any
				if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
					t.Errorf("decoding body: %v", err)
				}
				writeJSON(t, w, http.StatusCreated, map[string]any{
					"id": 12, "title": in["title"], "key": in["key"], "can_push": in["can_push"],
					"fingerprint_sha256": "SHA256:x", "created_at": "2024-05-06T07:08:09.000Z",
				})
			})
			got, err := client.CreateDeployKey(context.Background(), "group/sub/project", githost.DeployKeyInput{
				Title: "netlify", Key: "ssh-ed25519 AAAA test", ReadOnly: readOnly,
			})
			if err != nil {
				t.Fatalf("CreateDeployKey: %v", err)
			}
			if got.ID != "12" || got.Title != "netlify" || got.Key != "ssh-ed25519 AAAA test" || got.ReadOnly != readOnly ||
				!got.CreatedAt.Equal(time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)) {
				t.Fatalf("CreateDeployKey = %+v", *got)
			}

			req := fake.only(t)
			if req.Method != http.MethodPost || req.RequestURI != "/api/v4/projects/group%2Fsub%2Fproject/deploy_keys" {
				t.Errorf("request = %s %s, want POST /api/v4/projects/group%%2Fsub%%2Fproject/deploy_keys", req.Method, req.RequestURI)
			}
			if tok := req.Header.Get("PRIVATE-TOKEN"); tok != testToken {
				t.Errorf("PRIVATE-TOKEN = %q", tok)
			}
			if ua := req.Header.Get("User-Agent"); ua != "gitdeploy-test" {
				t.Errorf("User-Agent = %q", ua)
			}
			var body map[string]any
			if err := json.Unmarshal(req.Body, &body); err != nil {
				t.Fatalf("body %q is not JSON: %v", req.Body, err)
			}
			// can_push must be sent even when false, and is the opposite of read-only.
			if body["title"] != "netlify" || body["key"] != "ssh-ed25519 AAAA test" || body["can_push"] != !readOnly {
				t.Errorf("body = %v", body)
			}
		})
	}
}

func TestErrorMessages(t *testing.T) {
	tests := []struct {
		name, body, want string
		status           int
	}{
		{name: "duplicate key", status: http.StatusBadRequest,
			body: `{"message":{"fingerprint_sha256":["has already been taken"],"deploy_keys_projects":["is invalid"]}}`,
			want: "deploy_keys_projects is invalid; fingerprint_sha256 has already been taken"},
		{name: "several problems for one field", status: http.StatusUnprocessableEntity,
			body: `{"message":{"key":["is invalid","is too short"]}}`, want: "key is invalid, is too short"},
		{name: "nested object", status: http.StatusBadRequest,
			body: `{"message":{"deploy_key":{"fingerprint":["has already been taken"]}}}`, want: "deploy_key.fingerprint has already been taken"},
		{name: "base message", status: http.StatusBadRequest,
			body: `{"message":{"base":["Project is read-only"]}}`, want: "Project is read-only"},
		{name: "plain message", status: http.StatusForbidden, body: `{"message":"403 Forbidden"}`, want: "403 Forbidden"},
		{name: "error field", status: http.StatusBadRequest, body: `{"error":"key is missing"}`, want: "key is missing"},
		{name: "oauth error", status: http.StatusUnauthorized,
			body: `{"error":"invalid_token","error_description":"Token is expired."}`, want: "invalid_token: Token is expired."},
		{name: "unknown JSON", status: http.StatusInternalServerError, body: `{"status":500}`, want: `{"status":500}`},
		{name: "html", status: http.StatusBadGateway,
			body: "<html><body><h1>502 Bad Gateway</h1>\n<p>nginx</p></body></html>", want: "502 Bad Gateway nginx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, client := newFakeGitLab(t, func(w http.ResponseWriter, _ *http.Request) {
				w.WriteHeader(tt.status)
				_, _ = io.WriteString(w, tt.body) // a lost body shows up as a wrong message below
			})
			_, err := client.CreateDeployKey(context.Background(), "group/project", githost.DeployKeyInput{Key: "k"})
			apiErr := requireAPIError(t, err, tt.status)
			if apiErr.Message != tt.want {
				t.Errorf("Message = %q, want %q", apiErr.Message, tt.want)
			}
			if apiErr.Operation != "create deploy key" || apiErr.Method != http.MethodPost || apiErr.Path != "/api/v4/projects/group%2Fproject/deploy_keys" {
				t.Errorf("APIError = %+v", apiErr)
			}
		})
	}
}

func TestGetDeployKey(t *testing.T) {
	fake, client := newFakeGitLab(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v4/projects/group/my.project/deploy_keys/7" {
			writeJSON(t, w, http.StatusOK, map[string]any{"id": 7, "key": "ssh-rsa AAAB", "title": "t", "can_push": false})
			return
		}
		writeJSON(t, w, http.StatusNotFound, map[string]string{"message": "404 Deploy Key Not Found"})
	})
	got, err := client.GetDeployKey(context.Background(), "group/my.project", "7")
	if err != nil || got.ID != "7" || got.Key != "ssh-rsa AAAB" || !got.ReadOnly || !got.CreatedAt.IsZero() {
		t.Fatalf("GetDeployKey = %+v, %v", got, err)
	}
	// client-go escapes '.' too; GitLab decodes it like any other escape.
	if req := fake.seen()[0]; req.Method != http.MethodGet || req.RequestURI != "/api/v4/projects/group%2Fmy%2Eproject/deploy_keys/7" {
		t.Errorf("request = %s %s", req.Method, req.RequestURI)
	}

	_, err = client.GetDeployKey(context.Background(), "group/my.project", "8")
	if !httpx.IsNotFound(err) {
		t.Fatalf("GetDeployKey of a missing key = %v, want not found", err)
	}
	apiErr := requireAPIError(t, err, http.StatusNotFound)
	if apiErr.Path != "/api/v4/projects/group%2Fmy%2Eproject/deploy_keys/8" || apiErr.Method != http.MethodGet || apiErr.Operation != "read deploy key" {
		t.Errorf("APIError = %+v", apiErr)
	}
}

func TestBadInputMakesNoRequest(t *testing.T) {
	fake, client := newFakeGitLab(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	})
	ctx := context.Background()
	checks := []struct {
		name    string
		call    func() error
		wantErr string
	}{
		{"id not a number", func() error { _, err := client.GetDeployKey(ctx, "g/p", "abc"); return err }, `"abc" is not a positive decimal number`},
		{"zero id", func() error { return client.DeleteDeployKey(ctx, "g/p", "0") }, "not a positive decimal number"},
		{"one segment", func() error { _, err := client.ListDeployKeys(ctx, "project"); return err }, "full path"},
		{"dot-dot", func() error { _, err := client.GetRepository(ctx, "g/../p"); return err }, "not allowed"},
		{"numeric id is not a path", func() error { _, err := client.GetRepository(ctx, "12345"); return err }, "full path"},
		{"empty branch", func() error { _, err := client.GetBranch(ctx, "g/p", ""); return err }, "branch name is empty"},
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
	fake, client := newFakeGitLab(t, func(w http.ResponseWriter, r *http.Request) {
		n := 1 // the first request names no page
		if p := r.URL.Query().Get("page"); p != "" {
			if _, err := fmt.Sscanf(p, "%d", &n); err != nil {
				t.Errorf("page %q: %v", p, err)
			}
		}
		w.Header().Set("X-Page", fmt.Sprint(n))
		w.Header().Set("X-Per-Page", "100")
		w.Header().Set("X-Total-Pages", fmt.Sprint(pages))
		if n < pages {
			w.Header().Set("X-Next-Page", fmt.Sprint(n+1))
		} else {
			w.Header().Set("X-Next-Page", "")
		}
		writeJSON(t, w, http.StatusOK, []map[string]any{{"id": n*10 + 1, "can_push": true}, {"id": n*10 + 2}})
	})
	keys, err := client.ListDeployKeys(context.Background(), "group/sub/project")
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
	if keys[0].ReadOnly || !keys[1].ReadOnly {
		t.Errorf("ReadOnly not the opposite of can_push: %+v", keys[:2])
	}
	seen := fake.seen()
	if len(seen) != pages {
		t.Fatalf("server saw %d requests, want %d", len(seen), pages)
	}
	for i, req := range seen {
		want := fmt.Sprintf("/api/v4/projects/group%%2Fsub%%2Fproject/deploy_keys?page=%d&per_page=100", i+1)
		if i == 0 {
			want = "/api/v4/projects/group%2Fsub%2Fproject/deploy_keys?per_page=100" // the first page, unnamed
		}
		if req.RequestURI != want {
			t.Errorf("request %d = %s, want %s", i, req.RequestURI, want)
		}
	}
}

func TestDeleteDeployKey(t *testing.T) {
	fake, client := newFakeGitLab(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	if err := client.DeleteDeployKey(context.Background(), "group/project", "42"); err != nil {
		t.Fatalf("DeleteDeployKey: %v", err)
	}
	if req := fake.only(t); req.Method != http.MethodDelete || req.RequestURI != "/api/v4/projects/group%2Fproject/deploy_keys/42" {
		t.Fatalf("request = %s %s", req.Method, req.RequestURI)
	}
}

// Retries belong to the shared HTTP stack: the library must send each call exactly once.
func TestNoRetriesOfItsOwn(t *testing.T) {
	for _, status := range []int{http.StatusInternalServerError, http.StatusTooManyRequests, http.StatusServiceUnavailable} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			fake, client := newFakeGitLab(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Retry-After", "0")
				writeJSON(t, w, status, map[string]string{"message": "try later"})
			})
			_, err := client.GetRepository(context.Background(), "group/project")
			_ = requireAPIError(t, err, status) // it fails the test itself; the error details do not matter here
			if n := len(fake.seen()); n != 1 {
				t.Fatalf("server saw %d requests, want 1", n)
			}
		})
	}
}

// client-go would pace requests after an answer with RateLimit-Limit; pacing is the shared stack's job.
func TestNoRateLimiterOfItsOwn(t *testing.T) {
	fake, client := newFakeGitLab(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("RateLimit-Limit", "60") // the library's limiter would allow about 1 request in 1.5s
		writeJSON(t, w, http.StatusOK, map[string]any{"id": 1, "name": "project"})
	})
	const calls = 5
	start := time.Now()
	for range calls {
		if _, err := client.GetRepository(context.Background(), "group/project"); err != nil {
			t.Fatalf("GetRepository: %v", err)
		}
	}
	if elapsed := time.Since(start); elapsed > time.Second {
		t.Fatalf("%d calls took %v: something paces them", calls, elapsed)
	}
	if n := len(fake.seen()); n != calls {
		t.Fatalf("server saw %d requests, want %d", n, calls)
	}
}

func TestTransportErrorAndCancellation(t *testing.T) {
	fake, client := newFakeGitLab(t, func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	})
	fake.server.Close()
	err := client.DeleteDeployKey(context.Background(), "group/project", "5")
	apiErr := requireAPIError(t, err, 0)
	if apiErr.Method != http.MethodDelete || apiErr.Path != "/api/v4/projects/group%2Fproject/deploy_keys/5" || apiErr.Message == "" {
		t.Fatalf("APIError = %+v", apiErr)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Fatalf("error %q leaks the token", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = client.ListDeployKeys(ctx, "group/project")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("ListDeployKeys with a cancelled context = %v, want context.Canceled", err)
	}
}

func TestListDeployKeysStopsOnABackwardsPage(t *testing.T) {
	fake, client := newFakeGitLab(t, func(w http.ResponseWriter, _ *http.Request) {
		// A broken server whose next page is always page 1.
		w.Header().Set("X-Page", "1")
		w.Header().Set("X-Next-Page", "1")
		writeJSON(t, w, http.StatusOK, []map[string]any{{"id": 1}})
	})
	keys, err := client.ListDeployKeys(context.Background(), "group/app")
	if err != nil || len(keys) != 1 || len(fake.seen()) != 2 {
		t.Fatalf("ListDeployKeys = %v, %v after %d requests; want 1 key after 2 requests", keys, err, len(fake.seen()))
	}
}
