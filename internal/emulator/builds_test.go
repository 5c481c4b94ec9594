package emulator

import (
	"net/http"
	"strings"
	"testing"
)

// linkSite creates a Netlify site linked as repo says and returns its id.
func linkSite(t *testing.T, ts *testServer, repo map[string]any) string {
	t.Helper()
	var site nlSiteJSON
	ts.do("POST", "/netlify/api/v1/sites", netlifyAuth, map[string]any{"repo": repo}).want(t, http.StatusCreated, &site)
	return site.ID
}

func newNetlifyKey(t *testing.T, ts *testServer) nlDeployKeyJSON {
	t.Helper()
	var key nlDeployKeyJSON
	ts.do("POST", "/netlify/api/v1/deploy_keys", netlifyAuth, nil).want(t, http.StatusCreated, &key)
	return key
}

func TestPushBuildsLinkedSites(t *testing.T) {
	ts := newTestServer(t, nil)
	site := linkSite(t, ts, map[string]any{"provider": "github", "repo_path": "gitdeploy-demo/website", "repo_branch": "main"})
	byID := linkSite(t, ts, map[string]any{"provider": "github", "id": 1001, "repo_branch": "main", "allowed_branches": []string{"develop"}})
	other := linkSite(t, ts, map[string]any{"provider": "gitlab", "repo_path": "gitdeploy-demo/website", "repo_branch": "main"})
	ts.do("POST", ghHooksPath, githubAuth, map[string]any{"events": []string{"push"},
		"config": map[string]any{"url": ts.srv.URL + "/netlify/hooks/github", "content_type": "json", "secret": "x"}}).
		want(t, http.StatusCreated, nil)

	res, err := ts.emu.Push(HostGitHub, "gitdeploy-demo/website", "main")
	if err != nil || len(res.Deliveries) != 1 || res.Deliveries[0].StatusCode != http.StatusNoContent {
		t.Fatalf("push = %+v, %v", res, err)
	}
	for _, id := range []string{site, byID} {
		builds := ts.emu.Builds(id)
		if len(builds) != 1 || builds[0].State != "ready" || builds[0].SHA != res.After || builds[0].Branch != "main" ||
			builds[0].Source != "github" || builds[0].ErrorMessage != "" {
			t.Errorf("site %s builds = %+v", id, builds)
		}
	}
	if n := len(ts.emu.Builds(other)); n != 0 {
		t.Errorf("the GitLab site built %d times on a GitHub push", n)
	}
	// develop is allowed on one site only.
	if _, err := ts.emu.Push(HostGitHub, "gitdeploy-demo/website", "develop"); err != nil {
		t.Fatal(err)
	}
	if len(ts.emu.Builds(site)) != 1 || len(ts.emu.Builds(byID)) != 2 {
		t.Errorf("after develop push: %d and %d builds", len(ts.emu.Builds(site)), len(ts.emu.Builds(byID)))
	}

	// Netlify's builds API.
	var list []nlBuildJSON
	ts.do("GET", "/netlify/api/v1/sites/"+byID+"/builds", netlifyAuth, nil).want(t, http.StatusOK, &list)
	if len(list) != 2 || list[0].Branch != "develop" || !list[0].Done || list[0].Error != nil || list[0].DeployState != "ready" ||
		list[0].SHA == nil || list[0].DeployID == "" || list[0].SiteID != byID {
		t.Fatalf("builds = %+v", list)
	}
	var one nlBuildJSON
	ts.do("GET", "/netlify/api/v1/builds/"+list[1].ID, netlifyAuth, nil).want(t, http.StatusOK, &one)
	if one.ID != list[1].ID || one.Branch != "main" {
		t.Errorf("build = %+v", one)
	}
	ts.do("GET", "/netlify/api/v1/builds/nope", netlifyAuth, nil).want(t, http.StatusNotFound, nil)
	ts.do("GET", "/netlify/api/v1/builds/"+one.ID, "", nil).want(t, http.StatusUnauthorized, nil)
	ts.do("GET", "/netlify/api/v1/sites/nope/builds", netlifyAuth, nil).want(t, http.StatusNotFound, nil)
	if n := ts.emu.RequestCounts()["POST /netlify/hooks/{provider}"]; n != 2 {
		t.Errorf("hook deliveries counted %d times", n)
	}
}

func TestPrivateRepoBuildNeedsDeployKeyOrInstallation(t *testing.T) {
	ts := newTestServer(t, nil)
	key := newNetlifyKey(t, ts)
	withKey := linkSite(t, ts, map[string]any{"provider": "github", "repo_path": "gitdeploy-demo/private-app",
		"repo_branch": "main", "deploy_key_id": key.ID, "repo_url": "git@github.example:gitdeploy-demo/private-app.git"})
	withApp := linkSite(t, ts, map[string]any{"provider": "github", "repo_path": "gitdeploy-demo/private-app",
		"repo_branch": "main", "installation_id": "12345"})
	ts.do("POST", "/github/api/v3/repos/gitdeploy-demo/private-app/hooks", githubAuth, map[string]any{
		"config": map[string]any{"url": ts.srv.URL + "/netlify/hooks/github", "content_type": "form"}}).
		want(t, http.StatusCreated, nil)

	if _, err := ts.emu.Push(HostGitHub, "gitdeploy-demo/private-app", "main"); err != nil {
		t.Fatal(err)
	}
	failed := ts.emu.Builds(withKey)
	if len(failed) != 1 || failed[0].State != "error" ||
		!strings.Contains(failed[0].ErrorMessage, "git@github.example: Permission denied (publickey)") ||
		!strings.HasPrefix(failed[0].ErrorMessage, "Failed during stage 'preparing repo'") {
		t.Fatalf("builds without the key installed = %+v", failed)
	}
	if b := ts.emu.Builds(withApp); len(b) != 1 || b[0].State != "ready" {
		t.Errorf("GitHub App site builds = %+v", b)
	}
	// Install the key on the repository: the next push builds.
	ts.do("POST", "/github/api/v3/repos/gitdeploy-demo/private-app/keys", githubAuth,
		map[string]any{"title": "netlify", "key": key.PublicKey, "read_only": true}).want(t, http.StatusCreated, nil)
	if _, err := ts.emu.Push(HostGitHub, "gitdeploy-demo/private-app", "main"); err != nil {
		t.Fatal(err)
	}
	if b := ts.emu.Builds(withKey); len(b) != 2 || b[1].State != "ready" {
		t.Errorf("builds after installing the key = %+v", b)
	}
}

func TestGitLabPushBuildsPrivateProject(t *testing.T) {
	ts := newTestServer(t, nil)
	key := newNetlifyKey(t, ts)
	site := linkSite(t, ts, map[string]any{"provider": "gitlab", "repo_path": "gitdeploy-demo/frontend/app",
		"repo_branch": "main", "deploy_key_id": key.ID})
	const hooks = "/gitlab/api/v4/projects/gitdeploy-demo%2Ffrontend%2Fapp/hooks"
	ts.do("POST", hooks, gitlabAuth, map[string]any{"url": ts.srv.URL + "/netlify/hooks/gitlab", "token": "t"}).
		want(t, http.StatusCreated, nil)
	if _, err := ts.emu.Push(HostGitLab, "gitdeploy-demo/frontend/app", "main"); err != nil {
		t.Fatal(err)
	}
	if b := ts.emu.Builds(site); len(b) != 1 || b[0].State != "error" || !strings.Contains(b[0].ErrorMessage, "git@gitlab.com: Permission denied") {
		t.Fatalf("builds = %+v", b)
	}
	ts.do("POST", "/gitlab/api/v4/projects/2002/deploy_keys", gitlabAuth, map[string]any{"title": "netlify", "key": key.PublicKey + " netlify"}).
		want(t, http.StatusCreated, nil)
	res, err := ts.emu.Push(HostGitLab, "gitdeploy-demo/frontend/app", "main")
	if err != nil {
		t.Fatal(err)
	}
	if b := ts.emu.Builds(site); len(b) != 2 || b[1].State != "ready" || b[1].SHA != res.After || b[1].Source != "gitlab" {
		t.Errorf("builds after installing the key = %+v", b)
	}
	// The key deleted from Netlify: the private project can no longer be read.
	if !ts.emu.DeleteNetlifyDeployKey(key.ID) {
		t.Fatal("key not deleted")
	}
	if _, err := ts.emu.Push(HostGitLab, "gitdeploy-demo/frontend/app", "main"); err != nil {
		t.Fatal(err)
	}
	if b := ts.emu.Builds(site); len(b) != 3 || b[2].State != "error" {
		t.Errorf("builds after deleting the Netlify key = %+v", b)
	}
}

func TestBuildHookBuildsAndMissingBranchFails(t *testing.T) {
	ts := newTestServer(t, nil)
	site := linkSite(t, ts, map[string]any{"provider": "github", "repo_path": "gitdeploy-demo/website", "repo_branch": "main"})
	var hook, prodHook nlBuildHookJSON
	ts.do("POST", "/netlify/api/v1/sites/"+site+"/build_hooks", netlifyAuth, map[string]any{"title": "ci"}).want(t, http.StatusCreated, &hook)
	ts.do("POST", "/netlify/api/v1/sites/"+site+"/build_hooks", netlifyAuth, map[string]any{"title": "prod", "branch": "prod"}).
		want(t, http.StatusCreated, &prodHook)

	ts.do("POST", strings.TrimPrefix(hook.URL, ts.srv.URL), "", nil).want(t, http.StatusOK, nil)
	ts.do("POST", strings.TrimPrefix(prodHook.URL, ts.srv.URL), "", nil).want(t, http.StatusOK, nil)
	ts.do("POST", strings.TrimPrefix(hook.URL, ts.srv.URL)+"?trigger_branch=develop", "", "{}").want(t, http.StatusOK, nil)
	ts.do("POST", "/netlify/build_hooks/nope", "", nil).want(t, http.StatusNotFound, nil)

	builds := ts.emu.Builds(site)
	if len(builds) != 3 {
		t.Fatalf("builds = %+v", builds)
	}
	if builds[0].Branch != "main" || builds[0].State != "ready" || builds[0].SHA != commitSHA(HostGitHub, "gitdeploy-demo/website", "main") ||
		builds[0].Source != "build_hook" {
		t.Errorf("build hook build = %+v", builds[0])
	}
	if builds[1].State != "error" || !strings.Contains(builds[1].ErrorMessage, "error checking for ref refs/heads/prod") {
		t.Errorf("missing branch build = %+v", builds[1])
	}
	if builds[2].Branch != "develop" || builds[2].State != "ready" {
		t.Errorf("trigger_branch build = %+v", builds[2])
	}
	if h := ts.emu.NetlifyBuildHooks(site); h[0].Triggered != 2 || h[1].Triggered != 1 {
		t.Errorf("triggered = %+v", h)
	}
}

func TestAdminPush(t *testing.T) {
	ts := newTestServer(t, nil)
	var res PushResult
	ts.do("POST", "/_emulator/push", "", map[string]string{"host": "github", "repository": "gitdeploy-demo/website", "branch": "hotfix"}).
		want(t, http.StatusOK, &res)
	if !res.Created || res.Branch != "hotfix" || res.Deliveries == nil {
		t.Errorf("push = %+v", res)
	}
	ts.do("POST", "/_emulator/push", "", map[string]string{"host": "github", "repository": "nope/nope", "branch": "x"}).
		want(t, http.StatusNotFound, nil)
	ts.do("POST", "/_emulator/push", "", map[string]string{"host": "svn", "repository": "a/b", "branch": "x"}).
		want(t, http.StatusBadRequest, nil)
	ts.do("POST", "/_emulator/push", "", "not json").want(t, http.StatusBadRequest, nil)
	var builds []NetlifyBuild
	ts.do("GET", "/_emulator/netlify/builds", "", nil).want(t, http.StatusOK, &builds)
	if len(builds) != 0 {
		t.Errorf("builds = %+v", builds)
	}
	// Admin hook access.
	ts.do("POST", ghHooksPath, githubAuth, map[string]any{"config": map[string]any{"url": "https://x.example", "secret": "s"}}).
		want(t, http.StatusCreated, nil)
	var hooks []GitHubHook
	ts.do("GET", "/_emulator/github/repos/gitdeploy-demo/website/hooks", "", nil).want(t, http.StatusOK, &hooks)
	if len(hooks) != 1 || hooks[0].Secret != "s" {
		t.Fatalf("admin hooks = %+v", hooks)
	}
	ts.do("PATCH", "/_emulator/github/repos/gitdeploy-demo/website/hooks/"+hooks[0].ID, "", map[string]any{"active": false}).
		want(t, http.StatusNoContent, nil)
	ts.do("DELETE", "/_emulator/github/repos/gitdeploy-demo/website/hooks/"+hooks[0].ID, "", nil).want(t, http.StatusNoContent, nil)
	ts.do("GET", "/_emulator/github/repos/nope/nope/hooks", "", nil).want(t, http.StatusNotFound, nil)
	ts.do("GET", "/_emulator/gitlab/projects/2001/hooks", "", nil).want(t, http.StatusOK, nil)
}

func TestNetlifyHookReceiverIgnoresOtherEvents(t *testing.T) {
	ts := newTestServer(t, nil)
	site := linkSite(t, ts, map[string]any{"provider": "github", "repo_path": "gitdeploy-demo/website", "repo_branch": "main"})
	post := func(provider, event, body string) int {
		req, err := http.NewRequest("POST", ts.srv.URL+"/netlify/hooks/"+provider, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		if event != "" {
			req.Header.Set("X-GitHub-Event", event)
		}
		resp, err := ts.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close() // status only
		return resp.StatusCode
	}
	push := `{"ref":"refs/heads/main","after":"` + strings.Repeat("a", 40) + `","repository":{"id":1001,"full_name":"gitdeploy-demo/website"}}`
	for _, c := range []struct {
		provider, event, body string
		status                int
	}{
		{"github", "ping", `{"zen":"hi"}`, http.StatusNoContent},
		{"github", "push", `{"ref":"refs/tags/v1","after":"` + strings.Repeat("b", 40) + `","repository":{"id":1001}}`, http.StatusNoContent},
		{"github", "push", `{"ref":"refs/heads/main","deleted":true,"repository":{"id":1001}}`, http.StatusNoContent},
		{"github", "push", `not json`, http.StatusBadRequest},
		{"gitlab", "", `{"object_kind":"tag_push","ref":"refs/tags/v1"}`, http.StatusNoContent},
		{"svn", "", `{}`, http.StatusNotFound},
	} {
		if got := post(c.provider, c.event, c.body); got != c.status {
			t.Errorf("%s %s %s: %d, want %d", c.provider, c.event, c.body, got, c.status)
		}
	}
	if b := ts.emu.Builds(site); len(b) != 0 {
		t.Fatalf("builds from non-push events: %+v", b)
	}
	if got := post("github", "push", push); got != http.StatusNoContent {
		t.Fatalf("push: %d", got)
	}
	if b := ts.emu.Builds(site); len(b) != 1 || b[0].SHA != strings.Repeat("a", 40) {
		t.Errorf("builds = %+v", b)
	}
}
