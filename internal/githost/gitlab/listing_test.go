package gitlab

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost/githosttest"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// servePage answers one page of total items the way GitLab does: X-Page, X-Per-Page, X-Next-Page,
// X-Prev-Page, and X-Total and X-Total-Pages unless withTotals is false (GitLab leaves them out above
// 10,000 results). item builds item i (from 1).
func servePage(t *testing.T, w http.ResponseWriter, r *http.Request, total int, withTotals bool, item func(i int) map[string]any) {
	t.Helper()
	query := r.URL.Query()
	perPage, page := 20, 1
	if v := query.Get("per_page"); v != "" {
		perPage, _ = strconv.Atoi(v)
		perPage = min(perPage, 100)
	}
	if v := query.Get("page"); v != "" {
		page, _ = strconv.Atoi(v)
	}
	pages := (total + perPage - 1) / perPage
	h := w.Header()
	h.Set("X-Page", strconv.Itoa(page))
	h.Set("X-Per-Page", strconv.Itoa(perPage))
	h.Set("X-Next-Page", "")
	if page < pages {
		h.Set("X-Next-Page", strconv.Itoa(page+1))
	}
	if page > 1 {
		h.Set("X-Prev-Page", strconv.Itoa(page-1))
	}
	if withTotals {
		h.Set("X-Total", strconv.Itoa(total))
		h.Set("X-Total-Pages", strconv.Itoa(pages))
	}
	items := []map[string]any{}
	for i := (page-1)*perPage + 1; i <= min(page*perPage, total); i++ {
		items = append(items, item(i))
	}
	body, err := json.Marshal(items)
	if err != nil {
		t.Errorf("encoding page: %v", err)
	}
	w.Header().Set("Content-Type", "application/json")
	// The write error is ignored: a client that has enough cancels the pages still in flight.
	_, _ = w.Write(body)
}

func projectItem(namespace string) func(i int) map[string]any {
	return func(i int) map[string]any {
		visibility := []string{"public", "private", "internal"}[i%3]
		project := map[string]any{
			"id": 500 + i, "name": fmt.Sprintf("proj-%04d", i), "path_with_namespace": fmt.Sprintf("%s/proj-%04d", namespace, i),
			"visibility": visibility, "default_branch": "main", "archived": i%7 == 0, "topics": []string{"go"},
			"web_url": "https://gitlab.test/p", "http_url_to_repo": "https://gitlab.test/p.git", "ssh_url_to_repo": "git@gitlab.test:p.git",
			"last_activity_at": "2024-01-02T03:04:05Z",
		}
		if i%5 == 0 {
			project["forked_from_project"] = map[string]any{"id": 1}
		}
		return project
	}
}

func notFound(t *testing.T, w http.ResponseWriter, message string) {
	t.Helper()
	writeJSON(t, w, http.StatusNotFound, map[string]string{"message": message})
}

func TestListRepositoriesOfGroupFetchesPagesConcurrently(t *testing.T) {
	const total = 250
	gate := githosttest.NewGate(2, 5*time.Second)
	fake, client := newFakeGitLab(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.EscapedPath() != "/api/v4/groups/acme%2Fplatform/projects" {
			notFound(t, w, "404 Group Not Found")
			return
		}
		if r.URL.Query().Get("page") != "1" {
			defer gate.Leave()
			if !gate.Enter() {
				writeJSON(t, w, http.StatusInternalServerError, map[string]string{"message": "pages were not requested concurrently"})
				return
			}
		}
		servePage(t, w, r, total, true, projectItem("acme/platform"))
	})
	repos, truncated, err := client.ListRepositories(context.Background(), githost.ListRepositoriesInput{Owner: "acme/platform", IncludeSubgroups: true})
	if err != nil || truncated {
		t.Fatalf("ListRepositories = truncated %v, %v", truncated, err)
	}
	if len(repos) != total {
		t.Fatalf("got %d repositories, want %d", len(repos), total)
	}
	for i, repo := range repos {
		if want := fmt.Sprintf("acme/platform/proj-%04d", i+1); repo.FullName != want {
			t.Fatalf("repository %d = %s, want %s in page order", i, repo.FullName, want)
		}
	}
	fifth := repos[4] // i = 5: internal, a fork
	if fifth.ID != "505" || fifth.Visibility != "internal" || !fifth.Private || !fifth.Fork || fifth.Archived ||
		fifth.CloneURL != "https://gitlab.test/p.git" || fifth.PushedAt.IsZero() || !slices.Equal(fifth.Topics, []string{"go"}) {
		t.Errorf("repository 5 = %+v", fifth)
	}
	seen := fake.seen()
	if len(seen) != 3 {
		t.Fatalf("server saw %d requests, want exactly ceil(250/100) = 3", len(seen))
	}
	for _, req := range seen {
		for _, want := range []string{"per_page=100", "include_subgroups=true", "with_shared=false"} {
			if !strings.Contains(req.RequestURI, want) {
				t.Errorf("request %s lacks %s", req.RequestURI, want)
			}
		}
	}
}

func TestListRepositoriesWithoutTotalPagesIsSequential(t *testing.T) {
	gate := githosttest.NewGate(1, time.Second) // only counts
	fake, client := newFakeGitLab(t, func(w http.ResponseWriter, r *http.Request) {
		defer gate.Leave()
		gate.Enter()
		time.Sleep(5 * time.Millisecond) // give a concurrent client the chance to overlap
		servePage(t, w, r, 250, false, projectItem("big"))
	})
	repos, truncated, err := client.ListRepositories(context.Background(), githost.ListRepositoriesInput{Owner: "big"})
	if err != nil || truncated || len(repos) != 250 {
		t.Fatalf("ListRepositories = %d repositories, truncated %v, %v; want 250", len(repos), truncated, err)
	}
	seen := fake.seen()
	if len(seen) != 3 {
		t.Fatalf("server saw %d requests, want 3", len(seen))
	}
	for i, req := range seen {
		if !strings.Contains(req.RequestURI, fmt.Sprintf("&page=%d&", i+1)) && !strings.Contains(req.RequestURI, fmt.Sprintf("?page=%d&", i+1)) {
			t.Errorf("request %d = %s, want page %d", i, req.RequestURI, i+1)
		}
	}
	if n := gate.MaxInFlight(); n != 1 {
		t.Errorf("%d requests in flight together without X-Total-Pages, want 1", n)
	}
}

func TestListRepositoriesFallsBackToUser(t *testing.T) {
	fake, client := newFakeGitLab(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v4/users/jdoe/projects" {
			servePage(t, w, r, 4, true, projectItem("jdoe"))
			return
		}
		notFound(t, w, "404 Group Not Found")
	})
	repos, _, err := client.ListRepositories(context.Background(), githost.ListRepositoriesInput{Owner: "jdoe", Visibility: "internal"})
	if err != nil {
		t.Fatalf("ListRepositories: %v", err)
	}
	// The fake ignores visibility=; the client filters again.
	if len(repos) != 1 || repos[0].Name != "proj-0002" {
		t.Errorf("kept %+v, want only the internal proj-0002", repos)
	}
	seen := fake.seen()
	if len(seen) != 2 || !strings.HasPrefix(seen[0].RequestURI, "/api/v4/groups/jdoe/projects?") ||
		!strings.HasPrefix(seen[1].RequestURI, "/api/v4/users/jdoe/projects?") {
		t.Fatalf("requests = %+v; want the group listing, then the user listing", seen)
	}
	for _, req := range seen {
		if !strings.Contains(req.RequestURI, "visibility=internal") {
			t.Errorf("request %s does not ask GitLab to filter visibility", req.RequestURI)
		}
	}
}

func TestListRepositoriesUnknownOwnerNamesIt(t *testing.T) {
	fake, client := newFakeGitLab(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/v4/users/") {
			notFound(t, w, "404 User Not Found")
			return
		}
		notFound(t, w, "404 Group Not Found")
	})
	_, _, err := client.ListRepositories(context.Background(), githost.ListRepositoriesInput{Owner: "ghost/team"})
	apiErr := requireAPIError(t, err, http.StatusNotFound)
	if !strings.Contains(apiErr.Message, `"ghost/team"`) || !httpx.IsNotFound(err) {
		t.Fatalf("APIError = %+v; want a 404 naming the owner", apiErr)
	}
	if n := len(fake.seen()); n != 2 {
		t.Fatalf("server saw %d requests, want 2", n)
	}
}

func TestListRepositoriesOfMember(t *testing.T) {
	fake, client := newFakeGitLab(t, func(w http.ResponseWriter, r *http.Request) {
		servePage(t, w, r, 2, true, projectItem("me"))
	})
	repos, _, err := client.ListRepositories(context.Background(), githost.ListRepositoriesInput{})
	if err != nil || len(repos) != 2 {
		t.Fatalf("ListRepositories = %v, %v", repos, err)
	}
	req := fake.only(t)
	if !strings.HasPrefix(req.RequestURI, "/api/v4/projects?") || !strings.Contains(req.RequestURI, "membership=true") {
		t.Errorf("request = %s, want /projects?membership=true", req.RequestURI)
	}
}

func TestListRepositoriesMaxItems(t *testing.T) {
	fake, client := newFakeGitLab(t, func(w http.ResponseWriter, r *http.Request) {
		if page, _ := strconv.Atoi(r.URL.Query().Get("page")); page > 2 {
			// Page 2 arrives first and fills the list, so no page completes before the client knows.
			select {
			case <-time.After(100 * time.Millisecond):
			case <-r.Context().Done():
			}
		}
		servePage(t, w, r, 1000, true, projectItem("acme"))
	})
	keepPublic := func(repo *githost.Repository) bool { return repo.Visibility == "public" }
	repos, truncated, err := client.ListRepositories(context.Background(), githost.ListRepositoriesInput{Owner: "acme", MaxItems: 40, Keep: keepPublic})
	if err != nil || !truncated || len(repos) != 40 {
		t.Fatalf("ListRepositories = %d repositories, truncated %v, %v; want 40, truncated", len(repos), truncated, err)
	}
	for _, repo := range repos {
		if repo.Visibility != "public" {
			t.Fatalf("kept %+v, which Keep refused", repo)
		}
	}
	// 33 public projects a page: page 2 fills the list. Pages 3..9 were launched with it (some may be
	// cancelled before they reach the server); nothing is launched after.
	seen := fake.seen()
	if len(seen) < 2 {
		t.Fatalf("server saw %d requests, want at least pages 1 and 2", len(seen))
	}
	for _, req := range seen {
		u, err := url.Parse(req.RequestURI)
		if err != nil {
			t.Fatalf("request URI %q: %v", req.RequestURI, err)
		}
		if page, _ := strconv.Atoi(u.Query().Get("page")); page > 1+githost.PageConcurrency {
			t.Errorf("page %d was requested after the list was full", page)
		}
	}
}

func TestListBranches(t *testing.T) {
	gate := githosttest.NewGate(2, 5*time.Second)
	fake, client := newFakeGitLab(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.EscapedPath() != "/api/v4/projects/group%2Fproj/repository/branches" {
			notFound(t, w, "404 Project Not Found")
			return
		}
		if r.URL.Query().Get("page") != "1" {
			defer gate.Leave()
			if !gate.Enter() {
				writeJSON(t, w, http.StatusInternalServerError, map[string]string{"message": "not concurrent"})
				return
			}
		}
		servePage(t, w, r, 205, true, func(i int) map[string]any {
			return map[string]any{"name": fmt.Sprintf("b-%03d", i), "protected": i == 1, "default": i == 1, "commit": map[string]any{"id": fmt.Sprintf("c%d", i)}}
		})
	})
	branches, err := client.ListBranches(context.Background(), "group/proj")
	if err != nil {
		t.Fatalf("ListBranches: %v", err)
	}
	if len(branches) != 205 || branches[0].Name != "b-001" || !branches[0].Default || !branches[0].Protected ||
		branches[204].Name != "b-205" || branches[204].Default || branches[204].CommitSHA != "c205" {
		t.Fatalf("ListBranches = %d branches, first %+v", len(branches), branches[0])
	}
	if n := len(fake.seen()); n != 3 {
		t.Errorf("server saw %d requests, want 3", n)
	}

	_, err = client.ListBranches(context.Background(), "group/gone")
	if !httpx.IsNotFound(err) {
		t.Fatalf("ListBranches of a missing project = %v, want a 404", err)
	}
}
