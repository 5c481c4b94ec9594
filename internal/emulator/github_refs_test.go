package emulator

import (
	"net/http"
	"slices"
	"testing"
)

const ghRepoAPI = "/github/api/v3/repos/gitdeploy-demo/website"

func TestGitHubGetRefMatchesBranches(t *testing.T) {
	ts := newTestServer(t, outsiderSeed())
	var ref ghRefJSON
	ts.do("GET", ghRepoAPI+"/git/ref/heads/main", githubAuth, nil).want(t, http.StatusOK, &ref)
	var branch ghBranchDetailJSON
	ts.do("GET", ghRepoAPI+"/branches/main", githubAuth, nil).want(t, http.StatusOK, &branch)
	if ref.Ref != "refs/heads/main" || ref.Object.Type != "commit" || ref.Object.SHA != branch.Commit.SHA ||
		ref.URL != ts.srv.URL+ghRepoAPI+"/git/refs/heads/main" || ref.NodeID == "" {
		t.Errorf("ref = %+v, branch sha %s", ref, branch.Commit.SHA)
	}
	// A push moves both.
	res, err := ts.emu.Push(HostGitHub, "gitdeploy-demo/website", "main")
	if err != nil {
		t.Fatal(err)
	}
	ts.do("GET", ghRepoAPI+"/git/ref/heads/main", githubAuth, nil).want(t, http.StatusOK, &ref)
	if ref.Object.SHA != res.After {
		t.Errorf("ref sha %s, pushed %s", ref.Object.SHA, res.After)
	}
	var notFound map[string]any
	ts.do("GET", ghRepoAPI+"/git/ref/heads/nope", githubAuth, nil).want(t, http.StatusNotFound, &notFound)
	if notFound["message"] != "Not Found" {
		t.Errorf("404 body = %v", notFound)
	}
	ts.do("GET", ghRepoAPI+"/git/ref/main", githubAuth, nil).want(t, http.StatusNotFound, nil) // needs heads/
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/private-app/git/ref/heads/main", "Authorization: token outsider-token", nil).
		want(t, http.StatusNotFound, nil)
	ts.do("GET", ghRepoAPI+"/git/ref/heads/main", "", nil).want(t, http.StatusUnauthorized, nil)
}

func TestGitHubMatchingRefs(t *testing.T) {
	ts := newTestServer(t, nil)
	if err := ts.emu.AddBranch(HostGitHub, "gitdeploy-demo/website", "feature/a"); err != nil {
		t.Fatal(err)
	}
	if err := ts.emu.AddBranch(HostGitHub, "gitdeploy-demo/website", "feature/b"); err != nil {
		t.Fatal(err)
	}
	names := func(path string) []string {
		t.Helper()
		var refs []ghRefJSON
		ts.do("GET", path, githubAuth, nil).want(t, http.StatusOK, &refs)
		out := []string{}
		for _, r := range refs {
			out = append(out, r.Ref)
		}
		return out
	}
	if got := names(ghRepoAPI + "/git/matching-refs/heads/feature"); !slices.Equal(got, []string{"refs/heads/feature/a", "refs/heads/feature/b"}) {
		t.Errorf("heads/feature = %v", got)
	}
	if got := names(ghRepoAPI + "/git/matching-refs/heads/nothing"); len(got) != 0 {
		t.Errorf("heads/nothing = %v, want []", got)
	}
	want := []string{"refs/heads/develop", "refs/heads/feature/a", "refs/heads/feature/b", "refs/heads/main"}
	if got := names(ghRepoAPI + "/git/matching-refs/"); !slices.Equal(got, want) {
		t.Errorf("all refs = %v", got)
	}
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/nope/git/matching-refs/heads", githubAuth, nil).want(t, http.StatusNotFound, nil)
}

func TestGitHubCreateRefIsABranch(t *testing.T) {
	ts := newTestServer(t, outsiderSeed())
	var main ghRefJSON
	ts.do("GET", ghRepoAPI+"/git/ref/heads/main", githubAuth, nil).want(t, http.StatusOK, &main)

	var created ghRefJSON
	r := ts.do("POST", ghRepoAPI+"/git/refs", githubAuth, map[string]any{"ref": "refs/heads/feature/x", "sha": main.Object.SHA})
	r.want(t, http.StatusCreated, &created)
	if created.Ref != "refs/heads/feature/x" || created.Object.SHA != main.Object.SHA || r.header.Get("Location") != created.URL {
		t.Errorf("created = %+v, Location %q", created, r.header.Get("Location"))
	}
	// The branch exists for the branches API, the emulator and matching refs.
	var branch ghBranchDetailJSON
	ts.do("GET", ghRepoAPI+"/branches/feature/x", githubAuth, nil).want(t, http.StatusOK, &branch)
	if branch.Commit.SHA != main.Object.SHA {
		t.Errorf("branch sha %s, want %s", branch.Commit.SHA, main.Object.SHA)
	}
	if got, _ := ts.emu.Branches(HostGitHub, "gitdeploy-demo/website"); !slices.Contains(got, "feature/x") {
		t.Errorf("branches = %v", got)
	}

	// Errors.
	var body struct {
		Message string `json:"message"`
	}
	ts.do("POST", ghRepoAPI+"/git/refs", githubAuth, map[string]any{"ref": "refs/heads/feature/x", "sha": main.Object.SHA}).
		want(t, http.StatusUnprocessableEntity, &body)
	if body.Message != "Reference already exists" {
		t.Errorf("duplicate: %q", body.Message)
	}
	ts.do("POST", ghRepoAPI+"/git/refs", githubAuth, map[string]any{"ref": "new-branch", "sha": main.Object.SHA}).
		want(t, http.StatusUnprocessableEntity, &body)
	if body.Message != "Reference update failed" {
		t.Errorf("ref without refs/: %q", body.Message)
	}
	ts.do("POST", ghRepoAPI+"/git/refs", githubAuth, map[string]any{"ref": "refs/heads/y", "sha": "0123456789012345678901234567890123456789"}).
		want(t, http.StatusUnprocessableEntity, &body)
	if body.Message != "Object does not exist" {
		t.Errorf("unknown sha: %q", body.Message)
	}
	ts.do("POST", ghRepoAPI+"/git/refs", githubAuth, map[string]any{"ref": "refs/heads/y"}).want(t, http.StatusUnprocessableEntity, nil)
	ts.do("POST", ghRepoAPI+"/git/refs", githubAuth, "{not json").want(t, http.StatusBadRequest, nil)
	// Writing needs push access: an outsider sees a public repository but cannot change it.
	ts.do("POST", ghRepoAPI+"/git/refs", "Authorization: token outsider-token", map[string]any{"ref": "refs/heads/z", "sha": main.Object.SHA}).
		want(t, http.StatusNotFound, nil)

	// A tag is a ref too, but not a branch.
	ts.do("POST", ghRepoAPI+"/git/refs", githubAuth, map[string]any{"ref": "refs/tags/v1.0.0", "sha": main.Object.SHA}).
		want(t, http.StatusCreated, nil)
	var tag ghRefJSON
	ts.do("GET", ghRepoAPI+"/git/ref/tags/v1.0.0", githubAuth, nil).want(t, http.StatusOK, &tag)
	if tag.Object.SHA != main.Object.SHA {
		t.Errorf("tag = %+v", tag)
	}
	if got, _ := ts.emu.Branches(HostGitHub, "gitdeploy-demo/website"); slices.Contains(got, "v1.0.0") {
		t.Error("a tag became a branch")
	}
}

func TestGitHubUpdateRefFastForward(t *testing.T) {
	ts := newTestServer(t, nil)
	var develop, main ghRefJSON
	ts.do("GET", ghRepoAPI+"/git/ref/heads/develop", githubAuth, nil).want(t, http.StatusOK, &develop)
	ts.do("GET", ghRepoAPI+"/git/ref/heads/main", githubAuth, nil).want(t, http.StatusOK, &main)
	pushed, err := ts.emu.Push(HostGitHub, "gitdeploy-demo/website", "main")
	if err != nil {
		t.Fatal(err)
	}
	// develop -> main's head is not a fast forward; with force it is accepted.
	var body struct {
		Message string `json:"message"`
	}
	ts.do("PATCH", ghRepoAPI+"/git/refs/heads/develop", githubAuth, map[string]any{"sha": pushed.After}).
		want(t, http.StatusUnprocessableEntity, &body)
	if body.Message != "Update is not a fast forward" {
		t.Errorf("non fast forward: %q", body.Message)
	}
	var moved ghRefJSON
	ts.do("PATCH", ghRepoAPI+"/git/refs/heads/develop", githubAuth, map[string]any{"sha": pushed.After, "force": true}).
		want(t, http.StatusOK, &moved)
	if moved.Object.SHA != pushed.After {
		t.Errorf("moved = %+v", moved)
	}
	// A branch at the old main head moves forward to the pushed commit without force.
	ts.do("POST", ghRepoAPI+"/git/refs", githubAuth, map[string]any{"ref": "refs/heads/old-main", "sha": main.Object.SHA}).
		want(t, http.StatusCreated, nil)
	ts.do("PATCH", ghRepoAPI+"/git/refs/heads/old-main", githubAuth, map[string]any{"sha": pushed.After}).want(t, http.StatusOK, nil)
	var branch ghBranchDetailJSON
	ts.do("GET", ghRepoAPI+"/branches/old-main", githubAuth, nil).want(t, http.StatusOK, &branch)
	if branch.Commit.SHA != pushed.After {
		t.Errorf("branch sha %s, want %s", branch.Commit.SHA, pushed.After)
	}
	ts.do("PATCH", ghRepoAPI+"/git/refs/heads/nope", githubAuth, map[string]any{"sha": pushed.After}).want(t, http.StatusUnprocessableEntity, nil)
	ts.do("PATCH", ghRepoAPI+"/git/refs/heads/develop", githubAuth, map[string]any{}).want(t, http.StatusUnprocessableEntity, nil)
}

func TestGitHubDeleteRefDeletesBranch(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.do("DELETE", ghRepoAPI+"/git/refs/heads/develop", githubAuth, nil).want(t, http.StatusNoContent, nil)
	ts.do("GET", ghRepoAPI+"/branches/develop", githubAuth, nil).want(t, http.StatusNotFound, nil)
	ts.do("GET", ghRepoAPI+"/git/ref/heads/develop", githubAuth, nil).want(t, http.StatusNotFound, nil)
	if got, _ := ts.emu.Branches(HostGitHub, "gitdeploy-demo/website"); slices.Contains(got, "develop") {
		t.Errorf("branches = %v", got)
	}
	var body struct {
		Message string `json:"message"`
	}
	ts.do("DELETE", ghRepoAPI+"/git/refs/heads/develop", githubAuth, nil).want(t, http.StatusUnprocessableEntity, &body)
	if body.Message != "Reference does not exist" {
		t.Errorf("second delete: %q", body.Message)
	}
	ts.do("DELETE", ghRepoAPI+"/git/refs/heads/main", githubAuth, nil).want(t, http.StatusUnprocessableEntity, nil)
	// A deleted branch made again through the API starts where the client says.
	var main ghRefJSON
	ts.do("GET", ghRepoAPI+"/git/ref/heads/main", githubAuth, nil).want(t, http.StatusOK, &main)
	ts.do("POST", ghRepoAPI+"/git/refs", githubAuth, map[string]any{"ref": "refs/heads/develop", "sha": main.Object.SHA}).
		want(t, http.StatusCreated, nil)
	var again ghRefJSON
	ts.do("GET", ghRepoAPI+"/git/ref/heads/develop", githubAuth, nil).want(t, http.StatusOK, &again)
	if again.Object.SHA != main.Object.SHA {
		t.Errorf("recreated develop at %s, want %s", again.Object.SHA, main.Object.SHA)
	}
}

func TestGitHubRefsOnArchivedRepo(t *testing.T) {
	seed := DefaultSeed()
	seed.GitHub.Repos = append(seed.GitHub.Repos, GitHubRepoSeed{FullName: "gitdeploy-demo/frozen", Archived: true})
	ts := newTestServer(t, seed)
	const api = "/github/api/v3/repos/gitdeploy-demo/frozen"
	var main ghRefJSON
	ts.do("GET", api+"/git/ref/heads/main", githubAuth, nil).want(t, http.StatusOK, &main)
	ts.do("POST", api+"/git/refs", githubAuth, map[string]any{"ref": "refs/heads/x", "sha": main.Object.SHA}).want(t, http.StatusForbidden, nil)
	ts.do("DELETE", api+"/git/refs/heads/main", githubAuth, nil).want(t, http.StatusForbidden, nil)
}

func TestGitHubRenameKeepsTheBranchCommit(t *testing.T) {
	ts := newTestServer(t, nil)
	var before ghRefJSON
	ts.do("GET", ghRepoAPI+"/git/ref/heads/develop", githubAuth, nil).want(t, http.StatusOK, &before)
	ts.do("POST", ghRepoAPI+"/branches/develop/rename", githubAuth, map[string]any{"new_name": "dev"}).want(t, http.StatusCreated, nil)
	var after ghRefJSON
	ts.do("GET", ghRepoAPI+"/git/ref/heads/dev", githubAuth, nil).want(t, http.StatusOK, &after)
	if after.Object.SHA != before.Object.SHA {
		t.Errorf("renamed branch at %s, was %s", after.Object.SHA, before.Object.SHA)
	}
	// Creating the old name again ends the redirect: once deleted, that branch is gone, not moved.
	ts.do("POST", ghRepoAPI+"/git/refs", githubAuth, map[string]any{"ref": "refs/heads/develop", "sha": before.Object.SHA}).
		want(t, http.StatusCreated, nil)
	ts.do("GET", ghRepoAPI+"/branches/develop", githubAuth, nil).want(t, http.StatusOK, nil)
	ts.do("DELETE", ghRepoAPI+"/git/refs/heads/develop", githubAuth, nil).want(t, http.StatusNoContent, nil)
	ts.do("GET", ghRepoAPI+"/branches/develop", githubAuth, nil).want(t, http.StatusNotFound, nil)
}

func TestGitHubRepoFullFields(t *testing.T) {
	ts := newTestServer(t, outsiderSeed())
	var raw map[string]any
	ts.do("GET", ghRepoAPI, githubAuth, nil).want(t, http.StatusOK, &raw)
	for _, k := range []string{"git_url", "svn_url", "homepage", "language", "has_issues", "has_wiki", "has_pages", "license",
		"allow_merge_commit", "delete_branch_on_merge", "stargazers_count", "forks_count"} {
		if _, ok := raw[k]; !ok {
			t.Errorf("repository lacks %q", k)
		}
	}
	var outsider map[string]any
	ts.do("GET", ghRepoAPI, "Authorization: token outsider-token", nil).want(t, http.StatusOK, &outsider)
	if _, ok := outsider["allow_merge_commit"]; ok {
		t.Error("merge settings shown to a user without admin rights")
	}
}
