package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// bigSeed is the default seed plus a generated GitHub organisation and GitLab group of 5,000
// repositories each, and one repository with 2,000 branches on each host.
func bigSeed() *Seed {
	const n = 5000
	s := DefaultSeed()
	gen := GenerateSeed{Owner: "big-org", Count: n, NamePattern: "repo-%04d", ArchivedShare: 0.1, ForkShare: 0.2,
		PrivateShare: 0.3, Branches: 3}
	s.GitHub.Generate = []GenerateSeed{gen}
	s.GitHub.Repos = append(s.GitHub.Repos, GitHubRepoSeed{FullName: "big-mono/monorepo", BranchCount: 2000})
	gen.Owner = "big-group/sub"
	s.GitLab.Generate = []GenerateSeed{gen}
	s.GitLab.Projects = append(s.GitLab.Projects, GitLabProjectSeed{PathWithNamespace: "big-group/monorepo", BranchCount: 2000})
	return s
}

func TestGeneratedSeedIsFastAndExact(t *testing.T) {
	start := time.Now()
	emu := New(bigSeed())
	if d := time.Since(start); d > 5*time.Second { // normally well under a second; generous for -race
		t.Errorf("seeding 2 × 5,000 repositories took %v", d)
	}
	st := emu.State()
	var repos, archived, forks, private int
	for _, r := range st.GitHub.Repos {
		if !strings.HasPrefix(r.FullName, "big-org/repo-") {
			continue
		}
		repos++
		if r.Archived {
			archived++
		}
		if r.Visibility == "private" {
			private++
		}
		if len(r.Branches) != 3 || r.DefaultBranch != "main" {
			t.Fatalf("%s branches = %v", r.FullName, r.Branches)
		}
	}
	for _, r := range emu.st.github.repoOrder {
		if r.fork && strings.HasPrefix(r.name, "repo-") {
			forks++
		}
	}
	if repos != 5000 || archived != 500 || forks != 1000 || private != 1500 {
		t.Errorf("repos %d, archived %d, forks %d, private %d", repos, archived, forks, private)
	}
	if _, ok := emu.st.github.repos["big-org/repo-0001"]; !ok {
		t.Error("big-org/repo-0001 missing")
	}
	if b, err := emu.Branches(HostGitHub, "big-mono/monorepo"); err != nil || len(b) != 2000 {
		t.Errorf("monorepo: %d branches, %v", len(b), err)
	}
	var glPrivate int
	for _, p := range st.GitLab.Projects {
		if strings.HasPrefix(p.PathWithNamespace, "big-group/sub/") && p.Visibility == "private" {
			glPrivate++
		}
	}
	if glPrivate != 1500 {
		t.Errorf("GitLab private projects = %d", glPrivate)
	}
	// Deterministic: a second emulator has the same ids.
	again := New(bigSeed()).State()
	if again.GitHub.Repos[4000].ID != st.GitHub.Repos[4000].ID || again.GitLab.Projects[4000].ID != st.GitLab.Projects[4000].ID {
		t.Error("generated ids differ between runs")
	}
}

func TestGenerateSeedValidation(t *testing.T) {
	for _, g := range []GenerateSeed{
		{Owner: "o", Count: 1, NamePattern: "fixed"},
		{Owner: "o", Count: 1, NamePattern: "a/%d"},
		{Owner: "o", Count: 1, ArchivedShare: 1.5},
		{Owner: "", Count: 1},
		{Owner: "o", Count: -1},
	} {
		s := &Seed{GitHub: GitHubSeed{Generate: []GenerateSeed{g}}}
		if err := s.Validate(); err == nil {
			t.Errorf("%+v accepted", g)
		}
	}
	s := &Seed{GitHub: GitHubSeed{Generate: []GenerateSeed{{Owner: "o", Count: 2}, {Owner: "o", Count: 1}}}}
	if err := s.Validate(); err == nil {
		t.Error("a generator clashing with another was accepted")
	}
}

// walkGitHub follows rel="next" from path and returns the pages' sizes and the names seen.
func walkGitHub(t *testing.T, ts *testServer, path string) ([]int, map[string]bool) {
	t.Helper()
	var sizes []int
	seen := map[string]bool{}
	for next := ts.srv.URL + path; next != ""; {
		var repos []ghRepoJSON
		r := ts.do("GET", strings.TrimPrefix(next, ts.srv.URL), githubAuth, nil)
		r.want(t, http.StatusOK, &repos)
		for _, repo := range repos {
			if seen[repo.FullName] {
				t.Fatalf("%s listed twice", repo.FullName)
			}
			seen[repo.FullName] = true
		}
		sizes = append(sizes, len(repos))
		next = linkRel(r.header.Get("Link"), "next")
	}
	return sizes, seen
}

func TestGitHubBigOrgListing(t *testing.T) {
	ts := newTestServer(t, bigSeed())
	first := ts.do("GET", "/github/api/v3/orgs/big-org/repos?per_page=100", githubAuth, nil)
	link := first.header.Get("Link")
	if !strings.Contains(link, "page=50") || linkRel(link, "last") == "" || linkRel(link, "prev") != "" || linkRel(link, "first") != "" {
		t.Errorf("page 1 Link = %s", link)
	}
	last := ts.do("GET", "/github/api/v3/orgs/big-org/repos?per_page=100&page=50", githubAuth, nil).header.Get("Link")
	if linkRel(last, "next") != "" || linkRel(last, "last") != "" || !strings.Contains(linkRel(last, "prev"), "page=49") ||
		!strings.Contains(linkRel(last, "first"), "page=1") {
		t.Errorf("page 50 Link = %s", last)
	}
	ts.emu.ResetRequestCounts()
	start := time.Now()
	sizes, seen := walkGitHub(t, ts, "/github/api/v3/orgs/big-org/repos?per_page=100&sort=full_name")
	elapsed := time.Since(start)
	if len(sizes) != 50 || len(seen) != 5000 || !seen["big-org/repo-0001"] || !seen["big-org/repo-5000"] {
		t.Errorf("%d pages, %d repositories", len(sizes), len(seen))
	}
	if n := ts.emu.RequestCounts()["GET /github/api/v3/orgs/{org}/repos"]; n != 50 {
		t.Errorf("%d requests", n)
	}
	t.Logf("50 pages of 5,000 repositories in %v", elapsed)
	// per_page is capped at 100.
	var capped []ghRepoJSON
	ts.do("GET", "/github/api/v3/orgs/big-org/repos?per_page=500", githubAuth, nil).want(t, http.StatusOK, &capped)
	if len(capped) != 100 {
		t.Errorf("per_page=500 gave %d", len(capped))
	}
	// The 2,000-branch repository.
	bsizes := 0
	for next := ts.srv.URL + "/github/api/v3/repos/big-mono/monorepo/branches?per_page=100"; next != ""; bsizes++ {
		r := ts.do("GET", strings.TrimPrefix(next, ts.srv.URL), githubAuth, nil)
		r.want(t, http.StatusOK, nil)
		next = linkRel(r.header.Get("Link"), "next")
	}
	if bsizes != 20 {
		t.Errorf("branches in %d pages", bsizes)
	}
}

func TestGitHubUserReposAndAccounts(t *testing.T) {
	s := outsiderSeed()
	s.GitHub.Repos = append(s.GitHub.Repos, GitHubRepoSeed{FullName: "octocat/dotfiles", Private: true},
		GitHubRepoSeed{FullName: "outsider/own"})
	ts := newTestServer(t, s)
	names := func(auth, query string) []string {
		var repos []ghRepoJSON
		ts.do("GET", "/github/api/v3/user/repos"+query, auth, nil).want(t, http.StatusOK, &repos)
		var out []string
		for _, r := range repos {
			out = append(out, r.FullName)
		}
		return out
	}
	if got := strings.Join(names(githubAuth, ""), ","); got != "gitdeploy-demo/private-app,gitdeploy-demo/website,octocat/dotfiles" {
		t.Errorf("octocat: %s", got)
	}
	if got := strings.Join(names(githubAuth, "?affiliation=owner"), ","); got != "octocat/dotfiles" {
		t.Errorf("owner: %s", got)
	}
	if got := strings.Join(names(githubAuth, "?visibility=public"), ","); got != "gitdeploy-demo/website" {
		t.Errorf("public: %s", got)
	}
	if got := strings.Join(names(githubAuth, "?type=member"), ","); got != "gitdeploy-demo/private-app,gitdeploy-demo/website" {
		t.Errorf("member: %s", got)
	}
	if got := strings.Join(names("Authorization: token outsider-token", ""), ","); got != "outsider/own" {
		t.Errorf("outsider: %s", got)
	}
	ts.do("GET", "/github/api/v3/user/repos?type=owner&visibility=public", githubAuth, nil).want(t, http.StatusUnprocessableEntity, nil)

	var account ghAccountJSON
	ts.do("GET", "/github/api/v3/users/octocat", githubAuth, nil).want(t, http.StatusOK, &account)
	if account.Type != "User" || account.Login != "octocat" || account.ID != 1 {
		t.Errorf("user = %+v", account)
	}
	ts.do("GET", "/github/api/v3/users/gitdeploy-demo", githubAuth, nil).want(t, http.StatusOK, &account)
	if account.Type != "Organization" || account.PublicRepos != 1 {
		t.Errorf("org as user = %+v", account)
	}
	ts.do("GET", "/github/api/v3/orgs/GitDeploy-Demo", githubAuth, nil).want(t, http.StatusOK, &account)
	if account.Type != "Organization" || account.Login != "gitdeploy-demo" {
		t.Errorf("org = %+v", account)
	}
	ts.do("GET", "/github/api/v3/orgs/octocat", githubAuth, nil).want(t, http.StatusNotFound, nil)
	ts.do("GET", "/github/api/v3/users/nobody", githubAuth, nil).want(t, http.StatusNotFound, nil)
	// /users/{org}/repos answers for organisations too.
	var orgRepos []ghRepoJSON
	ts.do("GET", "/github/api/v3/users/gitdeploy-demo/repos", "Authorization: token outsider-token", nil).want(t, http.StatusOK, &orgRepos)
	if len(orgRepos) != 1 || orgRepos[0].FullName != "gitdeploy-demo/website" {
		t.Errorf("org repos as outsider = %+v", orgRepos)
	}
}

func TestGitLabBigGroupOmitsTotals(t *testing.T) {
	s := DefaultSeed()
	s.GitLab.Generate = []GenerateSeed{{Owner: "huge", Count: 10050}}
	ts := newTestServer(t, s)
	r := ts.do("GET", "/gitlab/api/v4/groups/huge/projects?per_page=100", gitlabAuth, nil)
	r.want(t, http.StatusOK, nil)
	if _, ok := r.header["X-Total"]; ok {
		t.Errorf("X-Total sent above 10,000: %v", r.header)
	}
	if _, ok := r.header["X-Total-Pages"]; ok || linkRel(r.header.Get("Link"), "last") != "" {
		t.Errorf("X-Total-Pages or last sent above 10,000: %v", r.header)
	}
	if r.header.Get("X-Next-Page") != "2" || r.header.Get("X-Page") != "1" || r.header.Get("X-Per-Page") != "100" {
		t.Errorf("headers = %v", r.header)
	}
	end := ts.do("GET", "/gitlab/api/v4/groups/huge/projects?per_page=100&page=101", gitlabAuth, nil)
	var lastPage []glProjectJSON
	end.want(t, http.StatusOK, &lastPage)
	if len(lastPage) != 50 || end.header.Get("X-Next-Page") != "" || end.header.Get("X-Prev-Page") != "100" {
		t.Errorf("last page: %d projects, headers %v", len(lastPage), end.header)
	}
	small := ts.do("GET", "/gitlab/api/v4/groups/gitdeploy-demo/projects?include_subgroups=true", gitlabAuth, nil)
	if small.header.Get("X-Total") != "2" || small.header.Get("X-Total-Pages") != "1" || linkRel(small.header.Get("Link"), "last") == "" {
		t.Errorf("small list headers = %v", small.header)
	}
}

func TestGitLabProjectsGroupsUsers(t *testing.T) {
	s := outsiderSeed()
	s.GitLab.Projects = append(s.GitLab.Projects, GitLabProjectSeed{PathWithNamespace: "stranger/mine"},
		GitLabProjectSeed{PathWithNamespace: "demo/personal", Visibility: "public"})
	ts := newTestServer(t, s)
	paths := func(auth, query string) string {
		var projects []glProjectJSON
		ts.do("GET", "/gitlab/api/v4/projects"+query, auth, nil).want(t, http.StatusOK, &projects)
		var out []string
		for _, p := range projects {
			out = append(out, p.PathWithNamespace)
		}
		return strings.Join(out, ",")
	}
	stranger := "PRIVATE-TOKEN: stranger-token"
	if got := paths(stranger, "?membership=true&order_by=path&sort=asc"); got != "stranger/mine" {
		t.Errorf("stranger membership: %s", got)
	}
	if got := paths(stranger, "?order_by=path&sort=asc"); got != "stranger/mine,demo/personal,gitdeploy-demo/website" {
		t.Errorf("stranger visible: %s", got)
	}
	if got := paths(gitlabAuth, "?owned=true"); got != "demo/personal" {
		t.Errorf("demo owned: %s", got)
	}
	if got := paths(gitlabAuth, "?membership=true&visibility=private"); got != "gitdeploy-demo/frontend/app" {
		t.Errorf("demo private membership: %s", got)
	}

	var group glGroupJSON
	ts.do("GET", "/gitlab/api/v4/groups/gitdeploy-demo%2Ffrontend", gitlabAuth, nil).want(t, http.StatusOK, &group)
	if group.FullPath != "gitdeploy-demo/frontend" || group.ParentID == nil || group.Path != "frontend" {
		t.Errorf("group = %+v", group)
	}
	ts.do("GET", fmt.Sprintf("/gitlab/api/v4/groups/%d", group.ID), gitlabAuth, nil).want(t, http.StatusOK, nil)
	var missing map[string]string
	ts.do("GET", "/gitlab/api/v4/groups/demo", gitlabAuth, nil).want(t, http.StatusNotFound, &missing)
	if missing["message"] != "404 Group Not Found" {
		t.Errorf("404 = %v", missing)
	}
	var users []glUserJSON
	ts.do("GET", "/gitlab/api/v4/users?username=Demo", gitlabAuth, nil).want(t, http.StatusOK, &users)
	if len(users) != 1 || users[0].Username != "demo" || users[0].ID != 1 {
		t.Errorf("users = %+v", users)
	}
	ts.do("GET", "/gitlab/api/v4/users?username=nobody", gitlabAuth, nil).want(t, http.StatusOK, &users)
	if len(users) != 0 {
		t.Errorf("nobody = %+v", users)
	}
}

func BenchmarkSeed5000(b *testing.B) {
	seed := bigSeed()
	for b.Loop() {
		New(seed)
	}
}

func BenchmarkListBigOrgEveryPage(b *testing.B) {
	emu := New(bigSeed())
	for b.Loop() {
		for page := 1; page <= 50; page++ {
			req, err := http.NewRequest("GET", fmt.Sprintf("/github/api/v3/orgs/big-org/repos?per_page=100&page=%d", page), nil)
			if err != nil {
				b.Fatal(err)
			}
			req.Host = "127.0.0.1"
			req.Header.Set("Authorization", "token "+DefaultGitHubToken)
			w := newBufferedWriter()
			emu.ServeHTTP(w, req)
			if w.status != http.StatusOK {
				b.Fatalf("status %d", w.status)
			}
		}
	}
}
