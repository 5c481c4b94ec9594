package gitlab

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestGetRepository(t *testing.T) {
	for _, tt := range []struct {
		visibility  string
		wantPrivate bool
	}{{"public", false}, {"internal", true}, {"private", true}} {
		t.Run(tt.visibility, func(t *testing.T) {
			fake, client := newFakeGitLab(t, func(w http.ResponseWriter, _ *http.Request) {
				writeJSON(t, w, http.StatusOK, map[string]any{
					"id": 3, "name": "Diaspora Project Site", "path_with_namespace": "diaspora/sub/diaspora-project-site",
					"default_branch": "main", "visibility": tt.visibility, "archived": true, "description": "d",
					"web_url":          "https://gitlab.example.com/diaspora/sub/diaspora-project-site",
					"http_url_to_repo": "https://gitlab.example.com/diaspora/sub/diaspora-project-site.git",
					"ssh_url_to_repo":  "git@gitlab.example.com:diaspora/sub/diaspora-project-site.git",
					"topics":           []string{"x"}, "last_activity_at": "2013-09-30T13:46:02Z",
					"forked_from_project": map[string]any{"id": 1},
				})
			})
			repo, err := client.GetRepository(context.Background(), "diaspora/sub/diaspora-project-site")
			if err != nil {
				t.Fatalf("GetRepository: %v", err)
			}
			req := fake.only(t)
			if req.Method != http.MethodGet || req.RequestURI != "/api/v4/projects/diaspora%2Fsub%2Fdiaspora-project-site" {
				t.Errorf("request = %s %s", req.Method, req.RequestURI)
			}
			if req.Header.Get("PRIVATE-TOKEN") != testToken {
				t.Errorf("PRIVATE-TOKEN = %q", req.Header.Get("PRIVATE-TOKEN"))
			}
			if repo.ID != "3" || repo.Name != "Diaspora Project Site" || repo.FullName != "diaspora/sub/diaspora-project-site" ||
				repo.DefaultBranch != "main" || !repo.Archived || !repo.Fork || repo.Description != "d" ||
				repo.HTMLURL != "https://gitlab.example.com/diaspora/sub/diaspora-project-site" ||
				repo.CloneURL != "https://gitlab.example.com/diaspora/sub/diaspora-project-site.git" ||
				repo.SSHURL != "git@gitlab.example.com:diaspora/sub/diaspora-project-site.git" ||
				len(repo.Topics) != 1 || !repo.PushedAt.Equal(time.Date(2013, 9, 30, 13, 46, 2, 0, time.UTC)) {
				t.Errorf("GetRepository = %+v", *repo)
			}
			if repo.Visibility != tt.visibility || repo.Private != tt.wantPrivate {
				t.Errorf("visibility, private = %q, %v; want %q, %v", repo.Visibility, repo.Private, tt.visibility, tt.wantPrivate)
			}
		})
	}
}

func TestGetRepositoryNotFound(t *testing.T) {
	_, client := newFakeGitLab(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(t, w, http.StatusNotFound, map[string]string{"message": "404 Project Not Found"})
	})
	_, err := client.GetRepository(context.Background(), "group/gone")
	apiErr := requireAPIError(t, err, http.StatusNotFound)
	if apiErr.Path != "/api/v4/projects/group%2Fgone" || apiErr.Operation != "read repository" {
		t.Fatalf("APIError = %+v", apiErr)
	}
}

func TestGetBranch(t *testing.T) {
	fake, client := newFakeGitLab(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v4/projects/group/project/repository/branches/feature/login" {
			writeJSON(t, w, http.StatusOK, map[string]any{
				"name": "feature/login", "protected": true, "default": true,
				"commit": map[string]any{"id": "7b5c3cc8be40ee161ae89a06bba6229da1032a0c"},
			})
			return
		}
		writeJSON(t, w, http.StatusNotFound, map[string]string{"message": "404 Branch Not Found"})
	})
	branch, err := client.GetBranch(context.Background(), "group/project", "feature/login")
	if err != nil {
		t.Fatalf("GetBranch: %v", err)
	}
	if branch.Name != "feature/login" || !branch.Protected || !branch.Default || branch.CommitSHA != "7b5c3cc8be40ee161ae89a06bba6229da1032a0c" {
		t.Errorf("GetBranch = %+v", *branch)
	}
	if req := fake.seen()[0]; req.RequestURI != "/api/v4/projects/group%2Fproject/repository/branches/feature%2Flogin" {
		t.Errorf("request = %s", req.RequestURI)
	}

	_, err = client.GetBranch(context.Background(), "group/project", "gone")
	apiErr := requireAPIError(t, err, http.StatusNotFound)
	if apiErr.Path != "/api/v4/projects/group%2Fproject/repository/branches/gone" || apiErr.Operation != "read branch" {
		t.Fatalf("APIError = %+v", apiErr)
	}
}

func TestRedirectToAnotherHostKeepsTheToken(t *testing.T) {
	var leaked []string
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked = append(leaked, r.Header.Get("PRIVATE-TOKEN"))
		w.WriteHeader(http.StatusOK)
	}))
	defer other.Close()
	_, client := newFakeGitLab(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/steal", http.StatusFound)
	})
	_, err := client.GetRepository(context.Background(), "group/project")
	if err == nil || !strings.Contains(err.Error(), "refusing to follow a redirect") {
		t.Fatalf("GetRepository = %v, want the redirect refused", err)
	}
	if len(leaked) != 0 {
		t.Fatalf("the other host got %d requests (PRIVATE-TOKEN %q)", len(leaked), leaked)
	}
}
