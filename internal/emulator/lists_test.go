package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// manyReposSeed adds n public repositories to the GitHub org and n projects to the GitLab subgroup.
func manyReposSeed(n int) *Seed {
	s := &Seed{}
	for i := range n {
		s.GitHub.Repos = append(s.GitHub.Repos, GitHubRepoSeed{FullName: fmt.Sprintf("gitdeploy-demo/repo-%03d", i)})
		s.GitLab.Projects = append(s.GitLab.Projects, GitLabProjectSeed{PathWithNamespace: fmt.Sprintf("gitdeploy-demo/frontend/p-%03d", i), Visibility: "public"})
	}
	return s
}

func TestGitHubOrgReposEveryPage(t *testing.T) {
	ts := newTestServer(t, outsiderSeed())
	if err := ts.emu.Seed(manyReposSeed(150)); err != nil {
		t.Fatal(err)
	}
	// Follow the Link header as a client does.
	seen := map[string]bool{}
	next := ts.srv.URL + "/github/api/v3/orgs/gitdeploy-demo/repos?per_page=100&sort=full_name"
	pages := 0
	for next != "" {
		var repos []ghRepoJSON
		r := ts.do("GET", strings.TrimPrefix(next, ts.srv.URL), githubAuth, nil)
		r.want(t, http.StatusOK, &repos)
		for _, repo := range repos {
			if seen[repo.FullName] {
				t.Fatalf("%s listed twice", repo.FullName)
			}
			seen[repo.FullName] = true
		}
		next = linkRel(r.header.Get("Link"), "next")
		pages++
	}
	if pages != 2 || len(seen) != 152 || !seen["gitdeploy-demo/private-app"] {
		t.Errorf("pages %d, repos %d", pages, len(seen))
	}
	var outsiderView []ghRepoJSON
	ts.do("GET", "/github/api/v3/orgs/gitdeploy-demo/repos?type=private", "Authorization: token outsider-token", nil).
		want(t, http.StatusOK, &outsiderView)
	if len(outsiderView) != 0 {
		t.Errorf("outsider sees private repos: %d", len(outsiderView))
	}
	var first []ghRepoJSON
	ts.do("GET", "/github/api/v3/orgs/gitdeploy-demo/repos?sort=full_name&per_page=1", githubAuth, nil).want(t, http.StatusOK, &first)
	if len(first) != 1 || first[0].FullName != "gitdeploy-demo/private-app" {
		t.Errorf("first by full_name = %+v", first)
	}
	ts.do("GET", "/github/api/v3/orgs/nope/repos", githubAuth, nil).want(t, http.StatusNotFound, nil)
	var userRepos []ghRepoJSON
	ts.do("GET", "/github/api/v3/users/octocat/repos", githubAuth, nil).want(t, http.StatusOK, &userRepos)
	if len(userRepos) != 0 {
		t.Errorf("octocat owns no repositories: %+v", userRepos)
	}
}

func TestGitLabGroupProjectsEveryPage(t *testing.T) {
	ts := newTestServer(t, nil)
	if err := ts.emu.Seed(manyReposSeed(45)); err != nil {
		t.Fatal(err)
	}
	var total int
	page := "1"
	for page != "" {
		var projects []glProjectJSON
		r := ts.do("GET", "/gitlab/api/v4/groups/gitdeploy-demo%2Ffrontend/projects?per_page=20&page="+page, gitlabAuth, nil)
		r.want(t, http.StatusOK, &projects)
		total += len(projects)
		if r.header.Get("X-Total") != "46" || r.header.Get("X-Total-Pages") != "3" {
			t.Errorf("X-Total %q, X-Total-Pages %q", r.header.Get("X-Total"), r.header.Get("X-Total-Pages"))
		}
		page = r.header.Get("X-Next-Page")
	}
	if total != 46 {
		t.Errorf("listed %d projects, want 46", total)
	}
	var withSub []glProjectJSON
	r := ts.do("GET", "/gitlab/api/v4/groups/gitdeploy-demo/projects?include_subgroups=true&per_page=100", gitlabAuth, nil)
	r.want(t, http.StatusOK, &withSub)
	if len(withSub) != 47 {
		t.Errorf("with subgroups: %d", len(withSub))
	}
	var direct []glProjectJSON
	ts.do("GET", "/gitlab/api/v4/groups/gitdeploy-demo/projects", gitlabAuth, nil).want(t, http.StatusOK, &direct)
	if len(direct) != 1 || direct[0].PathWithNamespace != "gitdeploy-demo/website" {
		t.Errorf("direct = %d projects", len(direct))
	}
	var notFound map[string]string
	ts.do("GET", "/gitlab/api/v4/groups/nope/projects", gitlabAuth, nil).want(t, http.StatusNotFound, &notFound)
	if notFound["message"] != "404 Group Not Found" {
		t.Errorf("404 = %v", notFound)
	}
	var byName []glProjectJSON
	ts.do("GET", "/gitlab/api/v4/groups/gitdeploy-demo%2Ffrontend/projects?search=p-044&order_by=name&sort=asc", gitlabAuth, nil).want(t, http.StatusOK, &byName)
	if len(byName) != 1 || byName[0].Path != "p-044" {
		t.Errorf("search = %+v", byName)
	}
	ts.do("GET", "/gitlab/api/v4/users/demo/projects", gitlabAuth, nil).want(t, http.StatusOK, nil)
	ts.do("GET", "/gitlab/api/v4/users/nobody/projects", gitlabAuth, nil).want(t, http.StatusNotFound, nil)
}

func TestNetlifyIncomingGitHooks(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.do("POST", "/netlify/hooks/github", "", `{"ref":"refs/heads/main"}`).want(t, http.StatusNoContent, nil)
	ts.do("POST", "/netlify/hooks/svn", "", `{}`).want(t, http.StatusNotFound, nil)
	if n := ts.emu.RequestCounts()["POST /netlify/hooks/{provider}"]; n != 2 {
		t.Errorf("count = %d", n)
	}
}

// linkRel returns the URL of one relation of a Link header, or "".
func linkRel(header, rel string) string {
	for part := range strings.SplitSeq(header, ",") {
		target, params, ok := strings.Cut(strings.TrimSpace(part), ";")
		if ok && strings.TrimSpace(params) == fmt.Sprintf("rel=%q", rel) {
			return strings.Trim(target, "<>")
		}
	}
	return ""
}
