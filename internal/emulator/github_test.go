package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// outsiderSeed adds a GitHub user who belongs to no organisation.
func outsiderSeed() *Seed {
	s := DefaultSeed()
	s.GitHub.Users = append(s.GitHub.Users, GitHubUserSeed{Login: "outsider", Token: "outsider-token", Orgs: []string{}})
	s.GitLab.Users = append(s.GitLab.Users, GitLabUserSeed{Username: "stranger", Token: "stranger-token", Groups: []string{}})
	return s
}

func TestGitHubAuth(t *testing.T) {
	ts := newTestServer(t, nil)
	cases := []struct {
		auth    string
		message string
	}{
		{"", "Requires authentication"},
		{"Authorization: Bearer nope", "Bad credentials"},
		{"Authorization: Basic abc", "Requires authentication"},
	}
	for _, c := range cases {
		var body map[string]string
		ts.do("GET", "/github/api/v3/user", c.auth, nil).want(t, http.StatusUnauthorized, &body)
		if body["message"] != c.message || body["documentation_url"] == "" {
			t.Errorf("auth %q: body %v", c.auth, body)
		}
	}
	for _, auth := range []string{githubAuth, "Authorization: token " + DefaultGitHubToken} {
		var user ghOwnerJSON
		ts.do("GET", "/github/api/v3/user", auth, nil).want(t, http.StatusOK, &user)
		if user.Login != "octocat" || user.ID != 1 || user.Type != "User" {
			t.Errorf("user = %+v", user)
		}
	}
}

func TestGitHubRepoAndVisibility(t *testing.T) {
	ts := newTestServer(t, outsiderSeed())
	var repo ghRepoJSON
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website", githubAuth, nil).want(t, http.StatusOK, &repo)
	if repo.ID != 1001 || repo.FullName != "gitdeploy-demo/website" || repo.Private || repo.Visibility != "public" ||
		repo.DefaultBranch != "main" || repo.Owner.Login != "gitdeploy-demo" || repo.Owner.Type != "Organization" ||
		repo.CloneURL != ts.srv.URL+"/github/gitdeploy-demo/website.git" || repo.SSHURL != "git@127.0.0.1:gitdeploy-demo/website.git" ||
		repo.NodeID == "" || repo.PushedAt == "" || !repo.Permissions.Admin || strings.Join(repo.Topics, ",") != "demo,website" {
		t.Errorf("repo = %+v", repo)
	}
	// Names are case-insensitive on GitHub.
	ts.do("GET", "/github/api/v3/repos/GitDeploy-Demo/Website", githubAuth, nil).want(t, http.StatusOK, nil)

	var private ghRepoJSON
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/private-app", githubAuth, nil).want(t, http.StatusOK, &private)
	if !private.Private || private.Visibility != "private" {
		t.Errorf("private repo = %+v", private)
	}
	outsider := "Authorization: token outsider-token"
	var notFound map[string]string
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/private-app", outsider, nil).want(t, http.StatusNotFound, &notFound)
	if notFound["message"] != "Not Found" || notFound["status"] != "404" {
		t.Errorf("404 body = %v", notFound)
	}
	var public ghRepoJSON
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website", outsider, nil).want(t, http.StatusOK, &public)
	if public.Permissions.Admin || !public.Permissions.Pull {
		t.Errorf("outsider permissions = %+v", public.Permissions)
	}
	// Deploy keys need admin rights: GitHub hides the endpoint with 404.
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website/keys", outsider, nil).want(t, http.StatusNotFound, nil)
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/nope", githubAuth, nil).want(t, http.StatusNotFound, nil)
}

func TestGitHubBranchesPagination(t *testing.T) {
	ts := newTestServer(t, nil)
	for i := range 5 {
		if err := ts.emu.AddBranch(HostGitHub, "gitdeploy-demo/website", fmt.Sprintf("feature/f%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	// 7 branches: develop, feature/f0..f4, main.
	var page1 []ghBranchJSON
	r := ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website/branches?per_page=3", githubAuth, nil)
	r.want(t, http.StatusOK, &page1)
	if len(page1) != 3 || page1[0].Name != "develop" || len(page1[0].Commit.SHA) != 40 {
		t.Fatalf("page 1 = %+v", page1)
	}
	base := ts.srv.URL + "/github/api/v3/repos/gitdeploy-demo/website/branches"
	want := fmt.Sprintf(`<%s?page=2&per_page=3>; rel="next", <%s?page=3&per_page=3>; rel="last"`, base, base)
	if got := r.header.Get("Link"); got != want {
		t.Errorf("Link page 1 = %q\nwant %q", got, want)
	}
	r = ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website/branches?per_page=3&page=2", githubAuth, nil)
	r.want(t, http.StatusOK, nil)
	want = fmt.Sprintf(`<%s?page=1&per_page=3>; rel="prev", <%s?page=3&per_page=3>; rel="next", <%s?page=3&per_page=3>; rel="last", <%s?page=1&per_page=3>; rel="first"`, base, base, base, base)
	if got := r.header.Get("Link"); got != want {
		t.Errorf("Link page 2 = %q\nwant %q", got, want)
	}
	var page3 []ghBranchJSON
	r = ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website/branches?per_page=3&page=3", githubAuth, nil)
	r.want(t, http.StatusOK, &page3)
	if len(page3) != 1 || page3[0].Name != "main" || strings.Contains(r.header.Get("Link"), `rel="next"`) {
		t.Errorf("page 3 = %+v, Link %q", page3, r.header.Get("Link"))
	}
	// All on one page: no Link header; per_page is capped at 100.
	var all []ghBranchJSON
	r = ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website/branches?per_page=1000", githubAuth, nil)
	r.want(t, http.StatusOK, &all)
	if len(all) != 7 || r.header.Get("Link") != "" {
		t.Errorf("all = %d branches, Link %q", len(all), r.header.Get("Link"))
	}

	var branch ghBranchDetailJSON
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website/branches/feature/f1", githubAuth, nil).want(t, http.StatusOK, &branch)
	if branch.Name != "feature/f1" || branch.Commit.SHA != commitSHA("github", "gitdeploy-demo/website", "feature/f1") {
		t.Errorf("branch = %+v", branch)
	}
	var missing map[string]string
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website/branches/nope", githubAuth, nil).want(t, http.StatusNotFound, &missing)
	if missing["message"] != "Branch not found" {
		t.Errorf("missing branch body = %v", missing)
	}
	if err := ts.emu.DeleteBranch(HostGitHub, "gitdeploy-demo/website", "feature/f1"); err != nil {
		t.Fatal(err)
	}
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website/branches/feature/f1", githubAuth, nil).want(t, http.StatusNotFound, nil)
	if err := ts.emu.DeleteBranch(HostGitHub, "gitdeploy-demo/website", "main"); err == nil {
		t.Error("deleting the default branch should fail")
	}
}

func TestGitHubDeployKeys(t *testing.T) {
	ts := newTestServer(t, nil)
	keysURL := "/github/api/v3/repos/gitdeploy-demo/website/keys"
	pub := newPublicKey(t)
	var created ghKeyJSON
	ts.do("POST", keysURL, githubAuth, map[string]any{"title": "netlify", "key": pub + " some comment"}).
		want(t, http.StatusCreated, &created)
	if created.Key != pub || created.Title != "netlify" || created.ReadOnly || !created.Verified || created.AddedBy != "octocat" ||
		created.URL != ts.srv.URL+keysURL+fmt.Sprint("/", created.ID) || created.LastUsed != nil || !created.Enabled {
		t.Errorf("created = %+v", created)
	}
	var readOnly ghKeyJSON
	ts.do("POST", "/github/api/v3/repos/gitdeploy-demo/private-app/keys", githubAuth,
		map[string]any{"title": "ro", "key": newPublicKey(t), "read_only": true}).want(t, http.StatusCreated, &readOnly)
	if !readOnly.ReadOnly || readOnly.ID == created.ID {
		t.Errorf("read-only key = %+v (ids must be unique across repositories)", readOnly)
	}

	// The same key, on this or any other repository, is refused.
	for _, url := range []string{keysURL, "/github/api/v3/repos/gitdeploy-demo/private-app/keys"} {
		var dup struct {
			Message string              `json:"message"`
			Errors  []ghValidationError `json:"errors"`
		}
		ts.do("POST", url, githubAuth, map[string]any{"title": "again", "key": pub}).want(t, http.StatusUnprocessableEntity, &dup)
		if dup.Message != "Validation Failed" || len(dup.Errors) != 1 || dup.Errors[0].Message != "key is already in use" ||
			dup.Errors[0].Resource != "PublicKey" || dup.Errors[0].Field != "key" || dup.Errors[0].Code != "custom" {
			t.Errorf("%s duplicate = %+v", url, dup)
		}
	}
	var invalid struct {
		Errors []ghValidationError `json:"errors"`
	}
	ts.do("POST", keysURL, githubAuth, map[string]any{"title": "bad", "key": "ssh-rsa notbase64"}).want(t, http.StatusUnprocessableEntity, &invalid)
	if len(invalid.Errors) != 1 || !strings.HasPrefix(invalid.Errors[0].Message, "key is invalid") {
		t.Errorf("invalid = %+v", invalid)
	}
	ts.do("POST", keysURL, githubAuth, map[string]any{"title": "none"}).want(t, http.StatusUnprocessableEntity, nil)
	ts.do("POST", keysURL, githubAuth, "{not json").want(t, http.StatusBadRequest, nil)

	var got ghKeyJSON
	ts.do("GET", fmt.Sprint(keysURL, "/", created.ID), githubAuth, nil).want(t, http.StatusOK, &got)
	if got != created {
		t.Errorf("get = %+v, want %+v", got, created)
	}
	var list []ghKeyJSON
	ts.do("GET", keysURL, githubAuth, nil).want(t, http.StatusOK, &list)
	if len(list) != 1 || list[0].ID != created.ID {
		t.Errorf("list = %+v", list)
	}
	snap := ts.emu.GitHubDeployKeys("gitdeploy-demo/website")
	if len(snap) != 1 || snap[0].ID != fmt.Sprint(created.ID) || snap[0].Key != pub {
		t.Errorf("snapshot = %+v", snap)
	}
	ts.do("DELETE", fmt.Sprint(keysURL, "/", created.ID), githubAuth, nil).want(t, http.StatusNoContent, nil)
	ts.do("GET", fmt.Sprint(keysURL, "/", created.ID), githubAuth, nil).want(t, http.StatusNotFound, nil)
	ts.do("DELETE", fmt.Sprint(keysURL, "/", created.ID), githubAuth, nil).want(t, http.StatusNotFound, nil)
	// Deleted, the key may be used again.
	ts.do("POST", keysURL, githubAuth, map[string]any{"title": "back", "key": pub}).want(t, http.StatusCreated, nil)

	if !ts.emu.DeleteGitHubDeployKey("gitdeploy-demo/private-app", fmt.Sprint(readOnly.ID)) {
		t.Error("DeleteGitHubDeployKey failed")
	}
	if ts.emu.DeleteGitHubDeployKey("gitdeploy-demo/private-app", fmt.Sprint(readOnly.ID)) {
		t.Error("DeleteGitHubDeployKey succeeded twice")
	}
}

func TestGitHubArchivedRepoRefusesKeys(t *testing.T) {
	s := DefaultSeed()
	s.GitHub.Repos = append(s.GitHub.Repos, GitHubRepoSeed{FullName: "gitdeploy-demo/old", Archived: true})
	ts := newTestServer(t, s)
	ts.do("POST", "/github/api/v3/repos/gitdeploy-demo/old/keys", githubAuth, map[string]any{"title": "x", "key": newPublicKey(t)}).
		want(t, http.StatusForbidden, nil)
}

func TestGitHubRenamedBranchRedirects(t *testing.T) {
	ts := newTestServer(t, nil)
	branches := "/github/api/v3/repos/gitdeploy-demo/website/branches"
	ts.do("POST", "/_emulator/github/repos/gitdeploy-demo/website/branches", "", map[string]any{"name": "prod"}).want(t, http.StatusCreated, nil)
	var b struct{ Name string }
	ts.do("POST", branches+"/prod/rename", githubAuth, map[string]any{"new_name": "production"}).want(t, http.StatusCreated, &b)
	if b.Name != "production" {
		t.Errorf("renamed branch %+v", b)
	}
	// The test client follows the 301 as GitHub's clients do: the old name reads as the new branch.
	ts.do("GET", branches+"/prod", githubAuth, nil).want(t, http.StatusOK, &b)
	if b.Name != "production" {
		t.Errorf("the old name led to %+v", b)
	}
	req, err := http.NewRequest("GET", ts.srv.URL+branches+"/prod", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+DefaultGitHubToken)
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close() // status and header only
	if resp.StatusCode != http.StatusMovedPermanently || !strings.HasSuffix(resp.Header.Get("Location"), branches+"/production") {
		t.Errorf("old name: %d %v", resp.StatusCode, resp.Header)
	}
	ts.do("GET", branches+"/production", githubAuth, nil).want(t, http.StatusOK, nil)
	ts.do("POST", branches+"/nope/rename", githubAuth, map[string]any{"new_name": "x"}).want(t, http.StatusNotFound, nil)
	if err := ts.emu.RenameGitHubBranch("gitdeploy-demo/website", "production", "live"); err != nil {
		t.Fatal(err)
	}
	ts.do("GET", branches+"/live", githubAuth, nil).want(t, http.StatusOK, nil)
}
