package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestAdminAPI(t *testing.T) {
	ts := newTestServer(t, nil)

	// Seed over HTTP, then see it in the state.
	ts.do("POST", "/_emulator/seed", "", map[string]any{
		"github": map[string]any{"repos": []map[string]any{{"full_name": "gitdeploy-demo/docs", "id": 1500, "branches": []string{"main", "gh-pages"}}}},
		"gitlab": map[string]any{"projects": []map[string]any{{"path_with_namespace": "gitdeploy-demo/frontend/docs", "id": 2500}}},
	}).want(t, http.StatusNoContent, nil)
	ts.do("POST", "/_emulator/seed", "", `{"github":{"repos":[{"full_name":"bad"}]}}`).want(t, http.StatusBadRequest, nil)
	var st State
	ts.do("GET", "/_emulator/state", "", nil).want(t, http.StatusOK, &st)
	if len(st.GitHub.Repos) != 3 || st.GitHub.Repos[2].ID != "1500" || len(st.GitLab.Projects) != 3 {
		t.Fatalf("state = %+v", st)
	}

	// Branches.
	ts.do("POST", "/_emulator/github/repos/gitdeploy-demo/docs/branches", "", map[string]string{"name": "release/1"}).want(t, http.StatusCreated, nil)
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/docs/branches/release/1", githubAuth, nil).want(t, http.StatusOK, nil)
	ts.do("DELETE", "/_emulator/github/repos/gitdeploy-demo/docs/branches/release/1", "", nil).want(t, http.StatusNoContent, nil)
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/docs/branches/release/1", githubAuth, nil).want(t, http.StatusNotFound, nil)
	ts.do("DELETE", "/_emulator/github/repos/gitdeploy-demo/docs/branches/main", "", nil).want(t, http.StatusBadRequest, nil)
	ts.do("DELETE", "/_emulator/github/repos/gitdeploy-demo/docs/branches/nope", "", nil).want(t, http.StatusNotFound, nil)
	ts.do("POST", "/_emulator/gitlab/projects/gitdeploy-demo%2Ffrontend%2Fdocs/branches", "", map[string]string{"name": "prod"}).want(t, http.StatusCreated, nil)
	ts.do("GET", "/gitlab/api/v4/projects/2500/repository/branches/prod", gitlabAuth, nil).want(t, http.StatusOK, nil)
	ts.do("DELETE", "/_emulator/gitlab/projects/2500/branches/prod", "", nil).want(t, http.StatusNoContent, nil)
	ts.do("GET", "/gitlab/api/v4/projects/2500/repository/branches/prod", gitlabAuth, nil).want(t, http.StatusNotFound, nil)
	ts.do("POST", "/_emulator/gitlab/projects/nope/branches", "", map[string]string{"name": "x"}).want(t, http.StatusNotFound, nil)

	// Deleting keys behind the provider's back.
	var nlKey nlDeployKeyJSON
	ts.do("POST", "/netlify/api/v1/deploy_keys", netlifyAuth, nil).want(t, http.StatusCreated, &nlKey)
	ts.do("DELETE", "/_emulator/netlify/deploy_keys/"+nlKey.ID, "", nil).want(t, http.StatusNoContent, nil)
	ts.do("GET", "/netlify/api/v1/deploy_keys/"+nlKey.ID, netlifyAuth, nil).want(t, http.StatusNotFound, nil)
	ts.do("DELETE", "/_emulator/netlify/deploy_keys/"+nlKey.ID, "", nil).want(t, http.StatusNotFound, nil)

	var ghKey ghKeyJSON
	ts.do("POST", "/github/api/v3/repos/gitdeploy-demo/docs/keys", githubAuth, map[string]any{"title": "k", "key": newPublicKey(t)}).
		want(t, http.StatusCreated, &ghKey)
	ts.do("DELETE", fmt.Sprint("/_emulator/github/repos/gitdeploy-demo/docs/keys/", ghKey.ID), "", nil).want(t, http.StatusNoContent, nil)
	ts.do("GET", fmt.Sprint("/github/api/v3/repos/gitdeploy-demo/docs/keys/", ghKey.ID), githubAuth, nil).want(t, http.StatusNotFound, nil)

	var glKey glKeyJSON
	ts.do("POST", "/gitlab/api/v4/projects/2500/deploy_keys", gitlabAuth, map[string]any{"title": "k", "key": newPublicKey(t)}).
		want(t, http.StatusCreated, &glKey)
	ts.do("DELETE", fmt.Sprint("/_emulator/gitlab/projects/gitdeploy-demo%2Ffrontend%2Fdocs/deploy_keys/", glKey.ID), "", nil).want(t, http.StatusNoContent, nil)
	ts.do("GET", fmt.Sprint("/gitlab/api/v4/projects/2500/deploy_keys/", glKey.ID), gitlabAuth, nil).want(t, http.StatusNotFound, nil)

	// Sites.
	var site nlSiteJSON
	ts.do("POST", "/netlify/api/v1/sites", netlifyAuth, map[string]any{"name": "admin-site"}).want(t, http.StatusCreated, &site)
	var patched NetlifySite
	ts.do("PATCH", "/_emulator/netlify/sites/"+site.ID, "", map[string]any{"repo": map[string]any{"repo_branch": "x", "id": 7}}).
		want(t, http.StatusOK, &patched)
	if patched.BuildSettings.RepoBranch != "x" || patched.BuildSettings.RepoID != "7" {
		t.Errorf("patched = %+v", patched)
	}
	ts.do("PATCH", "/_emulator/netlify/sites/nope", "", map[string]any{}).want(t, http.StatusNotFound, nil)
	ts.do("DELETE", "/_emulator/netlify/sites/"+site.ID, "", nil).want(t, http.StatusNoContent, nil)
	ts.do("GET", "/netlify/api/v1/sites/"+site.ID, netlifyAuth, nil).want(t, http.StatusNotFound, nil)

	// Admin requests are not counted; reset brings the seed back.
	for k := range ts.emu.RequestCounts() {
		if strings.Contains(k, AdminPrefix) {
			t.Errorf("admin request counted: %s", k)
		}
	}
	ts.do("POST", "/_emulator/reset", "", nil).want(t, http.StatusNoContent, nil)
	ts.do("GET", "/_emulator/state", "", nil).want(t, http.StatusOK, &st)
	if len(st.GitHub.Repos) != 2 || len(st.Netlify.Sites) != 0 {
		t.Errorf("state after reset = %+v", st)
	}
	ts.do("GET", "/_emulator/nope", "", nil).want(t, http.StatusNotFound, nil)
}

func TestFaults(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.do("POST", "/_emulator/faults", "", map[string]any{
		"method": "POST", "route": "/github/api/v3/repos/{owner}/{repo}/keys", "status": 502, "retry_after": 3, "times": 2,
	}).want(t, http.StatusNoContent, nil)
	ts.do("POST", "/_emulator/faults", "", map[string]any{"status": 42}).want(t, http.StatusBadRequest, nil)
	body := map[string]any{"title": "k", "key": newPublicKey(t)}
	for range 2 {
		r := ts.do("POST", "/github/api/v3/repos/gitdeploy-demo/website/keys", githubAuth, body)
		r.want(t, http.StatusBadGateway, nil)
		if r.header.Get("Retry-After") != "3" {
			t.Errorf("Retry-After = %q", r.header.Get("Retry-After"))
		}
	}
	if len(ts.emu.GitHubDeployKeys("gitdeploy-demo/website")) != 0 {
		t.Error("a faulted request reached the state")
	}
	// Other routes are unaffected, and the fault is used up after two requests.
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website/keys", githubAuth, nil).want(t, http.StatusOK, nil)
	ts.do("POST", "/github/api/v3/repos/gitdeploy-demo/website/keys", githubAuth, body).want(t, http.StatusCreated, nil)

	ts.emu.InjectFault(Fault{Status: 500, Body: `{"message":"boom"}`})
	var boom map[string]string
	ts.do("GET", "/gitlab/api/v4/user", gitlabAuth, nil).want(t, http.StatusInternalServerError, &boom)
	if boom["message"] != "boom" {
		t.Errorf("body = %v", boom)
	}
	ts.emu.InjectFault(Fault{Status: 503, Times: 5})
	ts.do("DELETE", "/_emulator/faults", "", nil).want(t, http.StatusNoContent, nil)
	ts.do("GET", "/gitlab/api/v4/user", gitlabAuth, nil).want(t, http.StatusOK, nil)
}
