package github

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost/githosttest"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// servePage answers one page of total items the way GitHub does: per_page from the query (GitHub's
// default 30, at most 100) and a Link header with first, prev, next and last. item builds item i (from 1).
func servePage(t *testing.T, w http.ResponseWriter, r *http.Request, total int, item func(i int) map[string]any) {
	t.Helper()
	query := r.URL.Query()
	perPage, page := 30, 1
	if v := query.Get("per_page"); v != "" {
		perPage, _ = strconv.Atoi(v)
		perPage = min(perPage, 100)
	}
	if v := query.Get("page"); v != "" {
		page, _ = strconv.Atoi(v)
	}
	pages := (total + perPage - 1) / perPage
	link := func(p int, rel string) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(p))
		return fmt.Sprintf(`<http://%s%s?%s>; rel="%s"`, r.Host, r.URL.Path, q.Encode(), rel)
	}
	var links []string
	if page > 1 {
		links = append(links, link(page-1, "prev"), link(1, "first"))
	}
	if page < pages {
		links = append(links, link(page+1, "next"), link(pages, "last"))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
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

func repoItem(owner string) func(i int) map[string]any {
	return func(i int) map[string]any {
		visibility := "public"
		if i%2 == 0 {
			visibility = "private"
		}
		return map[string]any{
			"id": 1000 + i, "name": fmt.Sprintf("repo-%04d", i), "full_name": fmt.Sprintf("%s/repo-%04d", owner, i),
			"visibility": visibility, "private": visibility == "private", "default_branch": "main",
			"topics": []string{"t"}, "pushed_at": "2024-01-02T03:04:05Z", "fork": i%5 == 0, "archived": i%7 == 0,
			"html_url": "https://github.com/x", "clone_url": "https://github.com/x.git", "ssh_url": "git@github.com:x.git",
		}
	}
}

func notFound(t *testing.T, w http.ResponseWriter) {
	t.Helper()
	writeJSON(t, w, http.StatusNotFound, map[string]string{"message": "Not Found", "documentation_url": "https://docs.github.com/rest"})
}

func TestListRepositoriesOfOrganizationFetchesPagesConcurrently(t *testing.T) {
	const total = 250
	gate := githosttest.NewGate(2, 5*time.Second)
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v3/orgs/acme/repos" {
			notFound(t, w)
			return
		}
		if r.URL.Query().Get("page") != "1" {
			// Pages 2 and 3 are only answered once both are in flight.
			defer gate.Leave()
			if !gate.Enter() {
				writeJSON(t, w, http.StatusInternalServerError, map[string]string{"message": "pages were not requested concurrently"})
				return
			}
		}
		servePage(t, w, r, total, repoItem("acme"))
	})
	repos, truncated, err := client.ListRepositories(context.Background(), githost.ListRepositoriesInput{Owner: "acme"})
	if err != nil || truncated {
		t.Fatalf("ListRepositories = truncated %v, %v", truncated, err)
	}
	if len(repos) != total {
		t.Fatalf("got %d repositories, want %d", len(repos), total)
	}
	for i, repo := range repos {
		if want := fmt.Sprintf("acme/repo-%04d", i+1); repo.FullName != want || repo.ID != strconv.Itoa(1001+i) {
			t.Fatalf("repository %d = %s (id %s), want %s in page order", i, repo.FullName, repo.ID, want)
		}
	}
	third := repos[2] // i = 3: public, not a fork, not archived
	if third.Visibility != "public" || third.Private || third.Fork || third.Archived || third.DefaultBranch != "main" ||
		!slices.Equal(third.Topics, []string{"t"}) || third.PushedAt.IsZero() || third.SSHURL != "git@github.com:x.git" {
		t.Errorf("repository 3 = %+v", third)
	}
	seen := fake.seen()
	if len(seen) != 3 {
		t.Fatalf("server saw %d requests, want exactly ceil(250/100) = 3", len(seen))
	}
	for _, req := range seen {
		if !strings.Contains(req.RequestURI, "per_page=100") || !strings.Contains(req.RequestURI, "type=all") {
			t.Errorf("request %s lacks per_page=100 or type=all", req.RequestURI)
		}
	}
	if gate.MaxInFlight() < 2 {
		t.Errorf("pages 2 and 3 were not in flight together")
	}
}

func TestListRepositoriesFallsBackToUser(t *testing.T) {
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/v3/users/octocat/repos" {
			servePage(t, w, r, 5, repoItem("octocat"))
			return
		}
		notFound(t, w)
	})
	repos, _, err := client.ListRepositories(context.Background(), githost.ListRepositoriesInput{Owner: "octocat", Visibility: "private"})
	if err != nil {
		t.Fatalf("ListRepositories: %v", err)
	}
	// The user endpoint cannot filter visibility: the client does.
	var names []string
	for _, repo := range repos {
		names = append(names, repo.Name)
	}
	if !slices.Equal(names, []string{"repo-0002", "repo-0004"}) {
		t.Errorf("kept %v, want the private ones", names)
	}
	seen := fake.seen()
	if len(seen) != 2 || !strings.HasPrefix(seen[0].RequestURI, "/api/v3/orgs/octocat/repos?") ||
		!strings.HasPrefix(seen[1].RequestURI, "/api/v3/users/octocat/repos?") || !strings.Contains(seen[1].RequestURI, "type=owner") {
		t.Fatalf("requests = %+v; want the org listing, then the user listing with type=owner", seen)
	}
}

func TestListRepositoriesUnknownOwnerNamesIt(t *testing.T) {
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, _ *http.Request) { notFound(t, w) })
	_, _, err := client.ListRepositories(context.Background(), githost.ListRepositoriesInput{Owner: "nobody-here"})
	apiErr := requireAPIError(t, err, http.StatusNotFound)
	if !strings.Contains(apiErr.Message, `"nobody-here"`) || !httpx.IsNotFound(err) {
		t.Fatalf("APIError = %+v; want a 404 naming the owner", apiErr)
	}
	if n := len(fake.seen()); n != 2 {
		t.Fatalf("server saw %d requests, want 2", n)
	}
}

func TestListRepositoriesOfAuthenticatedUser(t *testing.T) {
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v3/user/repos" {
			notFound(t, w)
			return
		}
		servePage(t, w, r, 3, repoItem("me"))
	})
	if _, _, err := client.ListRepositories(context.Background(), githost.ListRepositoriesInput{Visibility: "private"}); err != nil {
		t.Fatalf("ListRepositories: %v", err)
	}
	req := fake.only(t)
	for _, want := range []string{"affiliation=owner", "visibility=private", "per_page=100"} {
		if !strings.Contains(req.RequestURI, want) {
			t.Errorf("request %s lacks %s", req.RequestURI, want)
		}
	}
	// "internal" is not a value /user/repos takes: the client filters it.
	if _, _, err := client.ListRepositories(context.Background(), githost.ListRepositoriesInput{Visibility: "internal"}); err != nil {
		t.Fatalf("ListRepositories: %v", err)
	}
	if last := fake.seen()[1]; strings.Contains(last.RequestURI, "visibility=") {
		t.Errorf("request %s sends a visibility GitHub does not take", last.RequestURI)
	}
}

func TestListRepositoriesMaxItems(t *testing.T) {
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, r *http.Request) {
		servePage(t, w, r, 1000, repoItem("acme"))
	})
	repos, truncated, err := client.ListRepositories(context.Background(), githost.ListRepositoriesInput{Owner: "acme", MaxItems: 50})
	if err != nil || !truncated || len(repos) != 50 {
		t.Fatalf("ListRepositories = %d repositories, truncated %v, %v; want 50, truncated", len(repos), truncated, err)
	}
	if n := len(fake.seen()); n != 1 {
		t.Fatalf("server saw %d requests, want 1: the first page already held 50", n)
	}
}

func TestListRepositoriesBadInputMakesNoRequest(t *testing.T) {
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	for _, in := range []githost.ListRepositoriesInput{{Owner: "a/b"}, {Owner: "-x"}, {Visibility: "hidden"}} {
		if _, _, err := client.ListRepositories(context.Background(), in); err == nil {
			t.Errorf("ListRepositories(%+v) succeeded, want an error", in)
		}
	}
	if n := len(fake.seen()); n != 0 {
		t.Fatalf("bad input reached the server %d times", n)
	}
}

func TestListBranches(t *testing.T) {
	const total = 230
	gate := githosttest.NewGate(2, 5*time.Second)
	fake, client := newFakeGitHub(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/v3/repos/octo/hello":
			writeJSON(t, w, http.StatusOK, map[string]any{"id": 1, "full_name": "octo/hello", "default_branch": "branch-0150"})
		case "/api/v3/repos/octo/hello/branches":
			if r.URL.Query().Get("page") != "1" {
				defer gate.Leave()
				if !gate.Enter() {
					writeJSON(t, w, http.StatusInternalServerError, map[string]string{"message": "not concurrent"})
					return
				}
			}
			servePage(t, w, r, total, func(i int) map[string]any {
				return map[string]any{"name": fmt.Sprintf("branch-%04d", i), "protected": i%3 == 0, "commit": map[string]any{"sha": fmt.Sprintf("sha%d", i)}}
			})
		default:
			notFound(t, w)
		}
	})
	branches, err := client.ListBranches(context.Background(), "octo/hello")
	if err != nil {
		t.Fatalf("ListBranches: %v", err)
	}
	if len(branches) != total {
		t.Fatalf("got %d branches, want %d", len(branches), total)
	}
	var defaults []string
	for i, b := range branches {
		if b.Name != fmt.Sprintf("branch-%04d", i+1) || b.Protected != ((i+1)%3 == 0) || b.CommitSHA != fmt.Sprintf("sha%d", i+1) {
			t.Fatalf("branch %d = %+v", i, b)
		}
		if b.Default {
			defaults = append(defaults, b.Name)
		}
	}
	if !slices.Equal(defaults, []string{"branch-0150"}) {
		t.Errorf("default branches = %v, want branch-0150", defaults)
	}
	if n := len(fake.seen()); n != 4 {
		t.Errorf("server saw %d requests, want 3 pages and the repository", n)
	}
}

func TestListBranchesMissingRepository(t *testing.T) {
	_, client := newFakeGitHub(t, func(w http.ResponseWriter, _ *http.Request) { notFound(t, w) })
	branches, err := client.ListBranches(context.Background(), "octo/gone")
	if !httpx.IsNotFound(err) || branches != nil {
		t.Fatalf("ListBranches = %v, %v; want a 404", branches, err)
	}
}
