package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

func TestListWebhooksFollowsEveryPage(t *testing.T) {
	var serverURL string
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, r *http.Request) {
		n := 1
		if p := r.URL.Query().Get("page"); p != "" {
			if _, err := fmt.Sscanf(p, "%d", &n); err != nil {
				t.Errorf("page %q: %v", p, err)
			}
		}
		if n < 2 {
			w.Header().Set("Link", fmt.Sprintf(`<%s/api/v3/repositories/1/hooks?per_page=100&page=2>; rel="next"`, serverURL))
		}
		writeJSON(t, w, http.StatusOK, []map[string]any{{
			"id": n, "active": true, "events": []string{"push"}, "created_at": "2026-01-02T03:04:05Z",
			"config": map[string]any{"url": fmt.Sprintf("https://hooks.example/%d", n), "content_type": "json", "secret": "********"},
		}})
	})
	serverURL = fake.server.URL
	hooks, err := client.ListWebhooks(context.Background(), "octo/hello")
	if err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 2 || hooks[1].ID != "2" || hooks[1].URL != "https://hooks.example/2" {
		t.Fatalf("hooks %+v", hooks)
	}
	if want := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC); !hooks[0].CreatedAt.Equal(want) {
		t.Fatalf("created_at %v, want %v", hooks[0].CreatedAt, want)
	}
	for i, req := range fake.seen() {
		want := fmt.Sprintf("/api/v3/repos/octo/hello/hooks?page=%d&per_page=100", i+1)
		if i == 0 {
			want = "/api/v3/repos/octo/hello/hooks?per_page=100" // the first page, unnamed
		}
		if req.RequestURI != want {
			t.Errorf("request %d = %s, want %s", i, req.RequestURI, want)
		}
	}
}

// A create whose connection drops keeps the transport error inside the APIError, so that callers can tell
// it may have been applied; a rate-limit wait the HTTP stack refused stays an *httpx.RateLimitError.
func TestErrorsKeepTheirCause(t *testing.T) {
	_, client := newFakeGitHub(t, func(w http.ResponseWriter, _ *http.Request) {
		hj, ok := w.(http.Hijacker)
		if !ok {
			t.Error("no hijacker")
			return
		}
		conn, _, err := hj.Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		_ = conn.Close() // the answer is lost
	})
	_, err := client.CreateWebhook(context.Background(), "octo/hello", githost.WebhookInput{URL: "https://x.example/h", Events: []string{"push"}})
	if apiErr := requireAPIError(t, err, 0); apiErr.Err == nil {
		t.Fatalf("APIError %+v lost the transport error", apiErr)
	}
	if !httpx.MayHaveBeenApplied(err) {
		t.Fatalf("a dropped create must say it may have been applied: %v", err)
	}

	limited, _ := newFakeGitHub(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "3600")
		writeJSON(t, w, http.StatusTooManyRequests, map[string]string{"message": "slow down"})
	})
	limitedClient, err := New(Config{BaseURL: limited.server.URL + "/", Token: testToken,
		HTTPClient: httpx.NewClient(httpx.Options{Service: "GitHub", MaxRetries: 2})})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	start := time.Now()
	_, err = limitedClient.GetRepository(ctx, "octo/hello")
	var rateLimited *httpx.RateLimitError
	if !errors.As(err, &rateLimited) || !strings.Contains(err.Error(), "read repository") {
		t.Fatalf("error %v (%T): want an *httpx.RateLimitError naming the operation", err, err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("waited %s: a wait past the deadline must fail at once", time.Since(start))
	}
	if httpx.MayHaveBeenApplied(err) {
		t.Fatal("a rate-limited request was not applied")
	}
}
