package emulator

import (
	"encoding/json"
	"net/http"
	"testing"
)

func TestUnknownRoutesAnswerInTheServiceShape(t *testing.T) {
	ts := newTestServer(t, nil)
	var nl map[string]any
	ts.do("GET", "/netlify/api/v1/nope", netlifyAuth, nil).want(t, http.StatusNotFound, &nl)
	if nl["code"] != float64(404) || nl["message"] != "Not Found" {
		t.Errorf("netlify = %v", nl)
	}
	var gh map[string]string
	ts.do("GET", "/github/api/v3/nope", githubAuth, nil).want(t, http.StatusNotFound, &gh)
	if gh["message"] != "Not Found" || gh["documentation_url"] == "" {
		t.Errorf("github = %v", gh)
	}
	var gl map[string]string
	ts.do("GET", "/gitlab/api/v4/nope", gitlabAuth, nil).want(t, http.StatusNotFound, &gl)
	if gl["error"] != "404 Not Found" {
		t.Errorf("gitlab = %v", gl)
	}
	// A known path with an unknown method is an unknown route too, not the mux's text 405.
	ts.do("PATCH", "/github/api/v3/user", githubAuth, nil).want(t, http.StatusNotFound, &gh)
	ts.do("GET", "/", "", nil).want(t, http.StatusNotFound, nil)
}

func TestRequestCounts(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website/keys", githubAuth, nil).want(t, http.StatusOK, nil)
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/private-app/keys", githubAuth, nil).want(t, http.StatusOK, nil)
	ts.do("GET", "/github/api/v3/user", "", nil).want(t, http.StatusUnauthorized, nil)
	ts.do("GET", "/gitlab/api/v4/projects/a%2Fb", gitlabAuth, nil).want(t, http.StatusNotFound, nil)
	ts.do("GET", "/_emulator/state", "", nil).want(t, http.StatusOK, nil)
	counts := ts.emu.RequestCounts()
	want := map[string]int{
		"GET /github/api/v3/repos/{owner}/{repo}/keys": 2,
		"GET /github/api/v3/user":                      1,
		"GET /gitlab/api/v4/projects/{id}":             1,
	}
	if len(counts) != len(want) {
		t.Errorf("counts = %v, want %v", counts, want)
	}
	for k, v := range want {
		if counts[k] != v {
			t.Errorf("counts[%q] = %d, want %d", k, counts[k], v)
		}
	}
	var overHTTP map[string]int
	ts.do("GET", "/_emulator/requests", "", nil).want(t, http.StatusOK, &overHTTP)
	if overHTTP["GET /github/api/v3/user"] != 1 {
		t.Errorf("admin requests = %v", overHTTP)
	}
	ts.do("DELETE", "/_emulator/requests", "", nil).want(t, http.StatusNoContent, nil)
	if c := ts.emu.RequestCounts(); len(c) != 0 {
		t.Errorf("after reset: %v", c)
	}
}

func TestResetRestoresTheSeed(t *testing.T) {
	ts := newTestServer(t, nil)
	var first nlDeployKeyJSON
	ts.do("POST", "/netlify/api/v1/deploy_keys", netlifyAuth, nil).want(t, http.StatusCreated, &first)
	ts.do("POST", "/github/api/v3/repos/gitdeploy-demo/website/keys", githubAuth, map[string]any{"title": "k", "key": newPublicKey(t)}).
		want(t, http.StatusCreated, nil)
	if err := ts.emu.Seed(&Seed{GitHub: GitHubSeed{Repos: []GitHubRepoSeed{{FullName: "gitdeploy-demo/extra"}}}}); err != nil {
		t.Fatal(err)
	}
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/extra", githubAuth, nil).want(t, http.StatusOK, nil)

	ts.emu.Reset()
	if len(ts.emu.NetlifyDeployKeys()) != 0 || len(ts.emu.GitHubDeployKeys("gitdeploy-demo/website")) != 0 {
		t.Error("objects survived Reset")
	}
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/extra", githubAuth, nil).want(t, http.StatusNotFound, nil)
	if len(ts.emu.RequestCounts()) != 1 { // only the GET just made
		t.Errorf("counts after Reset = %v", ts.emu.RequestCounts())
	}
	// Ids are deterministic: the same calls after Reset give the same ids.
	var again nlDeployKeyJSON
	ts.do("POST", "/netlify/api/v1/deploy_keys", netlifyAuth, nil).want(t, http.StatusCreated, &again)
	if again.ID != first.ID {
		t.Errorf("id after Reset = %s, want %s", again.ID, first.ID)
	}
}

func TestSeedRejectsBadInputWithoutChanges(t *testing.T) {
	emu := New(nil)
	bad := &Seed{GitHub: GitHubSeed{Repos: []GitHubRepoSeed{{FullName: "gitdeploy-demo/new"}, {FullName: "no-slash"}}}}
	if err := emu.Seed(bad); err == nil {
		t.Fatal("a bad seed was accepted")
	}
	for _, r := range emu.State().GitHub.Repos {
		if r.FullName == "gitdeploy-demo/new" {
			t.Error("half of a bad seed was applied")
		}
	}
	if err := emu.Seed(&Seed{GitHub: GitHubSeed{Repos: []GitHubRepoSeed{{FullName: "gitdeploy-demo/website"}}}}); err == nil {
		t.Error("a duplicate repository was accepted")
	}
	if err := emu.Seed(&Seed{GitLab: GitLabSeed{Projects: []GitLabProjectSeed{{PathWithNamespace: "x/y", ID: 2001}}}}); err == nil {
		t.Error("a duplicate project id was accepted")
	}
	if err := DefaultSeed().Validate(); err != nil {
		t.Errorf("default seed: %v", err)
	}
}

func TestDefaultSeedContent(t *testing.T) {
	st := New(nil).State()
	if len(st.GitHub.Repos) != 2 || st.GitHub.Repos[0].FullName != "gitdeploy-demo/website" ||
		st.GitHub.Repos[0].ID != "1001" || len(st.GitHub.Repos[0].Branches) != 2 || st.GitHub.Repos[1].Visibility != "private" {
		t.Errorf("github = %+v", st.GitHub)
	}
	if len(st.GitLab.Projects) != 2 || st.GitLab.Projects[1].PathWithNamespace != "gitdeploy-demo/frontend/app" ||
		st.GitLab.Projects[1].ID != "2002" || len(st.GitLab.Groups) != 2 {
		t.Errorf("gitlab = %+v", st.GitLab)
	}
}

func TestConcurrentRequestsGetDistinctIDs(t *testing.T) {
	ts := newTestServer(t, nil)
	const n = 20
	ids := make(chan string, n)
	done := make(chan struct{})
	for range n {
		go func() {
			defer func() { done <- struct{}{} }()
			// Not ts.do: t.Fatal must not be called from another goroutine.
			req, err := http.NewRequest("POST", ts.srv.URL+"/netlify/api/v1/deploy_keys", nil)
			if err != nil {
				return
			}
			req.Header.Set("Authorization", "Bearer "+DefaultNetlifyToken)
			resp, err := ts.srv.Client().Do(req)
			if err != nil {
				return
			}
			defer func() { _ = resp.Body.Close() }() // decoded below; nothing to report
			var k nlDeployKeyJSON
			if resp.StatusCode == http.StatusCreated && json.NewDecoder(resp.Body).Decode(&k) == nil {
				ids <- k.ID
			}
		}()
	}
	for range n {
		<-done
	}
	close(ids)
	seen := map[string]bool{}
	for id := range ids {
		seen[id] = true
	}
	if len(seen) != n || len(ts.emu.NetlifyDeployKeys()) != n {
		t.Errorf("%d distinct ids, %d keys; want %d", len(seen), len(ts.emu.NetlifyDeployKeys()), n)
	}
}
