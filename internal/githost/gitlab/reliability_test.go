package gitlab

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

func TestListWebhooksFollowsEveryPage(t *testing.T) {
	fake, client := newFakeGitLab(t, func(w http.ResponseWriter, r *http.Request) {
		page := r.URL.Query().Get("page")
		if page == "" {
			page = "1" // the first request names no page
		}
		if page == "1" {
			w.Header().Set("X-Next-Page", "2")
		}
		writeJSON(t, w, http.StatusOK, []map[string]any{{
			"id": json.Number(page), "url": "https://hooks.example/" + page, "push_events": true,
			"created_at": "2026-01-02T03:04:05Z",
		}})
	})
	hooks, err := client.ListWebhooks(context.Background(), "group/sub/app")
	if err != nil {
		t.Fatal(err)
	}
	if len(hooks) != 2 || hooks[1].URL != "https://hooks.example/2" || hooks[1].ID != "2" {
		t.Fatalf("hooks %+v", hooks)
	}
	if want := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC); !hooks[0].CreatedAt.Equal(want) {
		t.Fatalf("created_at %v, want %v", hooks[0].CreatedAt, want)
	}
	seen := fake.seen()
	if len(seen) != 2 || seen[0].RequestURI != "/api/v4/projects/group%2Fsub%2Fapp/hooks?per_page=100" {
		t.Fatalf("requests %+v", seen)
	}
}

func TestDroppedCreateMayHaveBeenApplied(t *testing.T) {
	_, client := newFakeGitLab(t, func(w http.ResponseWriter, _ *http.Request) {
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
	_, err := client.CreateDeployKey(context.Background(), "group/app", githost.DeployKeyInput{Title: "t", Key: "ssh-ed25519 AAAA"})
	if !httpx.MayHaveBeenApplied(err) {
		t.Fatalf("a dropped create must say it may have been applied: %v", err)
	}
}
