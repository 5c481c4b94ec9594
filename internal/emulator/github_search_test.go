package emulator

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

func searchPath(q string, extra ...string) string {
	v := url.Values{"q": {q}}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return "/github/api/v3/search/repositories?" + v.Encode()
}

func fullNames(res ghRepoSearchJSON) []string {
	var out []string
	for _, item := range res.Items {
		out = append(out, item.FullName)
	}
	return out
}

// searchSeed: the demo world plus a user's repositories, a fork, an archived repository and topics.
func searchSeed() *Seed {
	s := outsiderSeed()
	s.GitHub.Repos = append(s.GitHub.Repos,
		GitHubRepoSeed{FullName: "gitdeploy-demo/website-fork", Fork: true, Description: "A fork of the website"},
		GitHubRepoSeed{FullName: "gitdeploy-demo/old-site", Archived: true, Description: "Archived website", Topics: []string{"legacy"}},
		GitHubRepoSeed{FullName: "octocat/dotfiles", Description: "My dotfiles"},
		GitHubRepoSeed{FullName: "other-org/website", Description: "Someone else's website"},
	)
	return s
}

func TestGitHubSearchQualifiers(t *testing.T) {
	ts := newTestServer(t, searchSeed())
	cases := []struct {
		q    string
		want []string
	}{
		{"org:gitdeploy-demo", []string{"gitdeploy-demo/website", "gitdeploy-demo/private-app", "gitdeploy-demo/old-site"}},
		{"user:octocat", []string{"octocat/dotfiles"}},
		{"org:gitdeploy-demo user:octocat", []string{"gitdeploy-demo/website", "gitdeploy-demo/private-app",
			"gitdeploy-demo/old-site", "octocat/dotfiles"}},
		{"org:gitdeploy-demo org:no-such-org", []string{"gitdeploy-demo/website", "gitdeploy-demo/private-app", "gitdeploy-demo/old-site"}},
		{"org:gitdeploy-demo fork:true", []string{"gitdeploy-demo/website", "gitdeploy-demo/private-app",
			"gitdeploy-demo/website-fork", "gitdeploy-demo/old-site"}},
		{"org:gitdeploy-demo fork:only", []string{"gitdeploy-demo/website-fork"}},
		{"org:gitdeploy-demo archived:false", []string{"gitdeploy-demo/website", "gitdeploy-demo/private-app"}},
		{"org:gitdeploy-demo archived:true", []string{"gitdeploy-demo/old-site"}},
		{"org:gitdeploy-demo is:private", []string{"gitdeploy-demo/private-app"}},
		{"website in:name", []string{"gitdeploy-demo/website", "other-org/website"}},
		{"archived in:description", []string{"gitdeploy-demo/old-site"}},
		{"archived in:name", nil},
		{"website", []string{"gitdeploy-demo/website", "other-org/website", "gitdeploy-demo/old-site"}}, // name matches first
		{"topic:legacy", []string{"gitdeploy-demo/old-site"}},
		{"repo:other-org/website", []string{"other-org/website"}},
		{"org:gitdeploy-demo language:go", nil},
		{`"dot" user:octocat`, []string{"octocat/dotfiles"}},
	}
	for _, c := range cases {
		var res ghRepoSearchJSON
		ts.do("GET", searchPath(c.q), githubAuth, nil).want(t, http.StatusOK, &res)
		if got := fullNames(res); !slices.Equal(got, c.want) || res.TotalCount != len(c.want) || res.IncompleteResults {
			t.Errorf("q=%q: %v (total %d), want %v", c.q, got, res.TotalCount, c.want)
		}
	}
	// Search items are repositories with a score.
	var res ghRepoSearchJSON
	ts.do("GET", searchPath("repo:gitdeploy-demo/website"), githubAuth, nil).want(t, http.StatusOK, &res)
	if len(res.Items) != 1 || res.Items[0].ID != 1001 || res.Items[0].Owner.Login != "gitdeploy-demo" || res.Items[0].Score == 0 ||
		res.Items[0].DefaultBranch != "main" {
		t.Errorf("item = %+v", res.Items)
	}
	// Private repositories stay hidden from those who cannot see them.
	var outsider ghRepoSearchJSON
	ts.do("GET", searchPath("org:gitdeploy-demo"), "Authorization: token outsider-token", nil).want(t, http.StatusOK, &outsider)
	if slices.Contains(fullNames(outsider), "gitdeploy-demo/private-app") || outsider.TotalCount != 2 {
		t.Errorf("outsider sees %v", fullNames(outsider))
	}
}

func TestGitHubSearchErrors(t *testing.T) {
	ts := newTestServer(t, nil)
	var invalid struct {
		Message string              `json:"message"`
		Errors  []ghValidationError `json:"errors"`
	}
	ts.do("GET", searchPath("org:no-such-org"), githubAuth, nil).want(t, http.StatusUnprocessableEntity, &invalid)
	if invalid.Message != "Validation Failed" || len(invalid.Errors) != 1 || invalid.Errors[0].Code != "invalid" ||
		invalid.Errors[0].Field != "q" || !strings.Contains(invalid.Errors[0].Message, "cannot be searched") {
		t.Errorf("unknown org: %+v", invalid)
	}
	ts.do("GET", "/github/api/v3/search/repositories", githubAuth, nil).want(t, http.StatusUnprocessableEntity, &invalid)
	if invalid.Errors[0].Code != "missing" {
		t.Errorf("missing q: %+v", invalid)
	}
	ts.do("GET", searchPath("org:gitdeploy-demo"), "", nil).want(t, http.StatusUnauthorized, nil)
}

func TestGitHubSearchPaginationAndCap(t *testing.T) {
	ts := newTestServer(t, &Seed{
		GitHub: GitHubSeed{
			Users:    []GitHubUserSeed{{Login: "octocat", Token: DefaultGitHubToken}},
			Generate: []GenerateSeed{{Owner: "big-org", Count: 1050, ForkShare: 0.1}},
		},
	})
	// Forks are left out: 945 sources.
	var page1 ghRepoSearchJSON
	r := ts.do("GET", searchPath("org:big-org", "per_page", "100"), githubAuth, nil)
	r.want(t, http.StatusOK, &page1)
	if page1.TotalCount != 945 || len(page1.Items) != 100 {
		t.Fatalf("total %d, items %d", page1.TotalCount, len(page1.Items))
	}
	// Follow Link to the end, as integrations/github does.
	seen := map[string]bool{}
	next := ts.srv.URL + searchPath("org:big-org fork:true", "per_page", "100")
	pages := 0
	for next != "" {
		var res ghRepoSearchJSON
		r := ts.do("GET", strings.TrimPrefix(next, ts.srv.URL), githubAuth, nil)
		r.want(t, http.StatusOK, &res)
		if res.TotalCount != 1050 {
			t.Fatalf("total_count %d on page %d", res.TotalCount, pages+1)
		}
		for _, item := range res.Items {
			if seen[item.FullName] {
				t.Fatalf("%s listed twice", item.FullName)
			}
			seen[item.FullName] = true
		}
		next = linkRel(r.header.Get("Link"), "next")
		pages++
		if pages == 1 && !strings.Contains(linkRel(r.header.Get("Link"), "last"), "page=10&") {
			t.Errorf("last link %q, want page 10 (1,000 results)", r.header.Get("Link"))
		}
	}
	if pages != 10 || len(seen) != 1000 {
		t.Errorf("pages %d, results %d: the search must stop at 1,000", pages, len(seen))
	}
	var capped struct {
		Message string `json:"message"`
	}
	ts.do("GET", searchPath("org:big-org fork:true", "per_page", "100", "page", "11"), githubAuth, nil).
		want(t, http.StatusUnprocessableEntity, &capped)
	if capped.Message != "Only the first 1000 search results are available" {
		t.Errorf("page 11: %q", capped.Message)
	}
	// The page holding the 1,000th result is served whole (observed on github.com).
	var page34 ghRepoSearchJSON
	r = ts.do("GET", searchPath("org:big-org fork:true", "page", "34"), githubAuth, nil)
	r.want(t, http.StatusOK, &page34)
	if len(page34.Items) != 30 || linkRel(r.header.Get("Link"), "next") != "" {
		t.Errorf("page 34: %d items, Link %q", len(page34.Items), r.header.Get("Link"))
	}
	ts.do("GET", searchPath("org:big-org fork:true", "page", "35"), githubAuth, nil).want(t, http.StatusUnprocessableEntity, nil)
	// per_page above 100 is 100.
	var big ghRepoSearchJSON
	ts.do("GET", searchPath("org:big-org", "per_page", "1000"), githubAuth, nil).want(t, http.StatusOK, &big)
	if len(big.Items) != 100 {
		t.Errorf("per_page=1000 gave %d items", len(big.Items))
	}
}
