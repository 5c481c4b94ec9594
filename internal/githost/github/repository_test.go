package github

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestGetRepository(t *testing.T) {
	tests := []struct {
		name           string
		answer         map[string]any
		wantVisibility string
		wantPrivate    bool
	}{
		{name: "visibility internal", answer: map[string]any{"visibility": "internal", "private": true}, wantVisibility: "internal", wantPrivate: true},
		{name: "visibility public", answer: map[string]any{"visibility": "public", "private": false}, wantVisibility: "public", wantPrivate: false},
		{name: "only private=true", answer: map[string]any{"private": true}, wantVisibility: "private", wantPrivate: true},
		{name: "only private=false", answer: map[string]any{"private": false}, wantVisibility: "public", wantPrivate: false},
		{name: "only visibility private", answer: map[string]any{"visibility": "private"}, wantVisibility: "private", wantPrivate: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			answer := map[string]any{
				"id": 1296269, "name": "Hello-World", "full_name": "octocat/Hello-World", "default_branch": "main",
				"archived": true, "fork": true, "description": "My first repo",
				"html_url": "https://github.com/octocat/Hello-World", "clone_url": "https://github.com/octocat/Hello-World.git",
				"ssh_url": "git@github.com:octocat/Hello-World.git", "topics": []string{"a", "b"},
				"pushed_at": "2011-01-26T19:06:43Z",
			}
			for k, v := range tt.answer {
				answer[k] = v
			}
			fake, client := newFakeGitHub(t, func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(t, w, http.StatusOK, answer)
			})
			repo, err := client.GetRepository(context.Background(), "octocat/Hello-World")
			if err != nil {
				t.Fatalf("GetRepository: %v", err)
			}
			if req := fake.only(t); req.Method != http.MethodGet || req.RequestURI != "/api/v3/repos/octocat/Hello-World" {
				t.Errorf("request = %s %s", req.Method, req.RequestURI)
			}
			if repo.ID != "1296269" || repo.Name != "Hello-World" || repo.FullName != "octocat/Hello-World" ||
				repo.DefaultBranch != "main" || !repo.Archived || !repo.Fork || repo.Description != "My first repo" ||
				repo.HTMLURL != "https://github.com/octocat/Hello-World" || repo.CloneURL != "https://github.com/octocat/Hello-World.git" ||
				repo.SSHURL != "git@github.com:octocat/Hello-World.git" || len(repo.Topics) != 2 || repo.Topics[1] != "b" ||
				!repo.PushedAt.Equal(time.Date(2011, 1, 26, 19, 6, 43, 0, time.UTC)) {
				t.Errorf("GetRepository = %+v", *repo)
			}
			if repo.Visibility != tt.wantVisibility || repo.Private != tt.wantPrivate {
				t.Errorf("visibility, private = %q, %v; want %q, %v", repo.Visibility, repo.Private, tt.wantVisibility, tt.wantPrivate)
			}
		})
	}
}

func TestGetRepositoryWithoutID(t *testing.T) {
	_, client := newFakeGitHub(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(t, w, http.StatusOK, map[string]any{"name": "x"})
	})
	_, err := client.GetRepository(context.Background(), "octo/x")
	if apiErr := requireAPIError(t, err, http.StatusOK); apiErr.Message != "the answer has no id" {
		t.Fatalf("APIError = %+v", apiErr)
	}
}

func TestGetBranch(t *testing.T) {
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.EscapedPath() == "/api/v3/repos/octo/hello/branches/feature%2Flogin" {
			writeJSON(t, w, http.StatusOK, map[string]any{
				"name": "feature/login", "protected": true,
				"commit": map[string]any{"sha": "6dcb09b5b57875f334f61aebed695e2e4193db5e"},
			})
			return
		}
		writeJSON(t, w, http.StatusNotFound, map[string]string{"message": "Branch not found"})
	})
	branch, err := client.GetBranch(context.Background(), "octo/hello", "feature/login")
	if err != nil {
		t.Fatalf("GetBranch: %v", err)
	}
	if branch.Name != "feature/login" || !branch.Protected || branch.CommitSHA != "6dcb09b5b57875f334f61aebed695e2e4193db5e" || branch.Default {
		t.Errorf("GetBranch = %+v", *branch)
	}
	if req := fake.seen()[0]; req.Header.Get("Authorization") != "Bearer "+testToken {
		t.Errorf("Authorization = %q", req.Header.Get("Authorization"))
	}

	_, err = client.GetBranch(context.Background(), "octo/hello", "gone")
	apiErr := requireAPIError(t, err, http.StatusNotFound)
	// go-github's own GetBranch would lose this message; ours keeps it.
	if apiErr.Message != "Branch not found" || apiErr.Path != "/api/v3/repos/octo/hello/branches/gone" || apiErr.Operation != "read branch" {
		t.Fatalf("APIError = %+v", apiErr)
	}
}

func TestGetBranchFollowsRename(t *testing.T) {
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v3/repos/octo/hello/branches/master" {
			http.Redirect(w, r, "/api/v3/repos/octo/hello/branches/main", http.StatusMovedPermanently)
			return
		}
		writeJSON(t, w, http.StatusOK, map[string]any{"name": "main", "commit": map[string]any{"sha": "abc"}})
	})
	branch, err := client.GetBranch(context.Background(), "octo/hello", "master")
	if err != nil || branch.Name != "main" {
		t.Fatalf("GetBranch = %+v, %v; want the renamed branch", branch, err)
	}
	seen := fake.seen()
	if len(seen) != 2 || seen[1].Header.Get("Authorization") != "Bearer "+testToken {
		t.Fatalf("requests = %+v; want the redirect followed with the token", seen)
	}
}

func TestRedirectToAnotherHostKeepsTheToken(t *testing.T) {
	var leaked []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = append(leaked, r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusOK)
	}))
	defer other.Close()
	_, client := newFakeGitHub(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusMovedPermanently)
	})
	_, err := client.GetBranch(context.Background(), "octo/hello", "main")
	if err == nil || !strings.Contains(err.Error(), "refusing to follow a redirect") {
		t.Fatalf("GetBranch = %v, want the redirect refused", err)
	}
	if len(leaked) != 0 {
		t.Fatalf("the other host got %d requests (Authorization %q)", len(leaked), leaked)
	}
}
