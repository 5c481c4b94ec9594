package emulator

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

const (
	giteaAuth    = "Authorization: token " + DefaultGiteaToken
	gtRepoPath   = "/gitea/api/v1/repos/gitdeploy-demo/website"
	gtKeysPath   = gtRepoPath + "/keys"
	gtHooksPath  = gtRepoPath + "/hooks"
	giteaBearer  = "Authorization: Bearer " + DefaultGiteaToken
	gtPrivateApp = "/gitea/api/v1/repos/gitdeploy-demo/private-app"
)

type gtErrorJSON struct {
	Message string   `json:"message"`
	URL     string   `json:"url"`
	Errors  []string `json:"errors"`
}

func gtErr(t *testing.T, resp response, status int) gtErrorJSON {
	t.Helper()
	var e gtErrorJSON
	resp.want(t, status, &e)
	if e.Message == "" || !strings.HasSuffix(e.URL, "/gitea/api/swagger") {
		t.Fatalf("error body %s is not Gitea's", resp.body)
	}
	return e
}

func TestGiteaAuthAndRepository(t *testing.T) {
	ts := newTestServer(t, nil)
	var repo gtRepoJSON
	ts.do("GET", gtRepoPath, giteaAuth, nil).want(t, http.StatusOK, &repo)
	if repo.ID != 3001 || repo.FullName != "gitdeploy-demo/website" || repo.Private || repo.DefaultBranch != "main" ||
		repo.Owner.Login != "gitdeploy-demo" || !strings.HasSuffix(repo.CloneURL, "/gitea/gitdeploy-demo/website.git") ||
		!strings.HasPrefix(repo.SSHURL, "git@127.0.0.1:") || repo.Permissions == nil || !repo.Permissions.Admin {
		t.Fatalf("repository = %+v", repo)
	}
	ts.do("GET", gtRepoPath, giteaBearer, nil).want(t, http.StatusOK, nil)
	if e := gtErr(t, ts.do("GET", gtRepoPath, "", nil), http.StatusUnauthorized); e.Message != "token is required" {
		t.Errorf("401 = %+v", e)
	}
	gtErr(t, ts.do("GET", gtRepoPath, "Authorization: token nope", nil), http.StatusUnauthorized)
	if e := gtErr(t, ts.do("GET", "/gitea/api/v1/repos/gitdeploy-demo/nope", giteaAuth, nil), http.StatusNotFound); e.Message != "The target couldn't be found." {
		t.Errorf("404 = %+v", e)
	}
	var me gtUserJSON
	ts.do("GET", "/gitea/api/v1/user", giteaAuth, nil).want(t, http.StatusOK, &me)
	if me.Login != "demo" || me.ID != 1 {
		t.Errorf("user = %+v", me)
	}
	// Private repositories are invisible (404) to non-members; keys and hooks need admin rights (403).
	s := DefaultSeed()
	s.Gitea.Users = append(s.Gitea.Users, GiteaUserSeed{Login: "outsider", Token: "t2", Orgs: []string{}})
	ts = newTestServer(t, s)
	outsider := "Authorization: token t2"
	gtErr(t, ts.do("GET", gtPrivateApp, outsider, nil), http.StatusNotFound)
	gtErr(t, ts.do("GET", gtKeysPath, outsider, nil), http.StatusForbidden)
	gtErr(t, ts.do("POST", gtHooksPath, outsider, map[string]any{}), http.StatusForbidden)
}

func TestGiteaRepositoryListsPaginate(t *testing.T) {
	s := DefaultSeed()
	s.Gitea.Generate = []GenerateSeed{{Owner: "big-org", Count: 120, PrivateShare: 0.25}}
	ts := newTestServer(t, s)
	path := "/gitea/api/v1/orgs/big-org/repos?limit=100"
	var names []string
	pages := 0
	for path != "" {
		var page []gtRepoJSON
		resp := ts.do("GET", path, giteaAuth, nil)
		resp.want(t, http.StatusOK, &page)
		pages++
		if resp.header.Get("X-Total-Count") != "120" {
			t.Fatalf("X-Total-Count = %q", resp.header.Get("X-Total-Count"))
		}
		for _, r := range page {
			names = append(names, r.Name)
		}
		path = ""
		for part := range strings.SplitSeq(resp.header.Get("Link"), ",") {
			if target, ok := strings.CutSuffix(strings.TrimSpace(part), `; rel="next"`); ok {
				path = strings.TrimPrefix(strings.Trim(target, "<>"), ts.srv.URL)
			}
		}
		if pages == 1 && !strings.Contains(resp.header.Get("Link"), `rel="last"`) {
			t.Errorf("page 1 Link %q lacks last", resp.header.Get("Link"))
		}
	}
	// limit is capped at 50: three pages.
	if pages != 3 || len(names) != 120 || names[0] != "repo-0001" || names[119] != "repo-0120" {
		t.Fatalf("%d pages, %d repositories", pages, len(names))
	}
	var dflt []gtRepoJSON
	ts.do("GET", "/gitea/api/v1/orgs/big-org/repos", giteaAuth, nil).want(t, http.StatusOK, &dflt)
	if len(dflt) != 30 {
		t.Errorf("default page has %d", len(dflt))
	}
	gtErr(t, ts.do("GET", "/gitea/api/v1/orgs/nobody/repos", giteaAuth, nil), http.StatusNotFound)
	gtErr(t, ts.do("GET", "/gitea/api/v1/users/nobody/repos", giteaAuth, nil), http.StatusNotFound)
	var userRepos, mine []gtRepoJSON
	ts.do("GET", "/gitea/api/v1/users/gitdeploy-demo/repos", giteaAuth, nil).want(t, http.StatusOK, &userRepos)
	ts.do("GET", "/gitea/api/v1/user/repos?limit=50&page=3", giteaAuth, nil).want(t, http.StatusOK, &mine)
	if len(userRepos) != 2 || len(mine) != 22 {
		t.Errorf("user repos %d, mine page 3 %d", len(userRepos), len(mine))
	}
	ts.do("GET", "/gitea/api/v1/orgs/big-org", giteaAuth, nil).want(t, http.StatusOK, nil)
	ts.do("GET", "/gitea/api/v1/users/demo", giteaAuth, nil).want(t, http.StatusOK, nil)
}

func TestGiteaBranches(t *testing.T) {
	s := DefaultSeed()
	s.Gitea.Repos = append(s.Gitea.Repos, GiteaRepoSeed{FullName: "gitdeploy-demo/mono", BranchCount: 60})
	ts := newTestServer(t, s)
	var page []gtBranchJSON
	resp := ts.do("GET", "/gitea/api/v1/repos/gitdeploy-demo/mono/branches?limit=50&page=2", giteaAuth, nil)
	resp.want(t, http.StatusOK, &page)
	if len(page) != 10 || resp.header.Get("X-Total-Count") != "60" || strings.Contains(resp.header.Get("Link"), "next") {
		t.Fatalf("page 2 = %d branches, headers %v", len(page), resp.header)
	}
	if err := ts.emu.AddBranch(HostGitea, "gitdeploy-demo/website", "feature/x"); err != nil {
		t.Fatal(err)
	}
	var b gtBranchJSON
	ts.do("GET", gtRepoPath+"/branches/feature/x", giteaAuth, nil).want(t, http.StatusOK, &b)
	if b.Name != "feature/x" || len(b.Commit.ID) != 40 {
		t.Errorf("branch = %+v", b)
	}
	if e := gtErr(t, ts.do("GET", gtRepoPath+"/branches/nope", giteaAuth, nil), http.StatusNotFound); len(e.Errors) != 1 || !strings.Contains(e.Errors[0], "branch does not exist") {
		t.Errorf("404 = %+v", e)
	}
	ts.do("DELETE", "/_emulator/gitea/repos/gitdeploy-demo/website/branches/feature/x", "", nil).want(t, http.StatusNoContent, nil)
	ts.do("POST", "/_emulator/gitea/repos/gitdeploy-demo/website/branches", "", map[string]string{"name": "z"}).want(t, http.StatusCreated, nil)
	if got, _ := ts.emu.Branches(HostGitea, "gitdeploy-demo/website"); strings.Join(got, ",") != "develop,main,z" {
		t.Errorf("branches = %v", got)
	}
}

func TestGiteaDeployKeys(t *testing.T) {
	ts := newTestServer(t, nil)
	pub := newPublicKey(t)
	var key gtKeyJSON
	// read_only not sent: a read-write key, as Gitea defaults.
	ts.do("POST", gtKeysPath, giteaAuth, map[string]any{"title": "rw", "key": pub + " comment"}).want(t, http.StatusCreated, &key)
	if key.ID == 0 || key.ReadOnly || key.Key != pub || key.Title != "rw" || !strings.HasPrefix(key.Fingerprint, "SHA256:") {
		t.Fatalf("key = %+v", key)
	}
	var ro gtKeyJSON
	other := newPublicKey(t)
	ts.do("POST", gtKeysPath, giteaAuth, map[string]any{"title": "ro", "key": other, "read_only": true}).want(t, http.StatusCreated, &ro)
	if !ro.ReadOnly {
		t.Errorf("read_only key = %+v", ro)
	}
	for body, want := range map[string]map[string]any{
		"This key has already been added to this repository": {"title": "again", "key": pub},
		"A key with the same name already exists":            {"title": "rw", "key": newPublicKey(t)},
		"Invalid key content":                                {"title": "bad", "key": "ssh-rsa nope"},
		"[Title]: Required":                                  {"key": newPublicKey(t)},
	} {
		if e := gtErr(t, ts.do("POST", gtKeysPath, giteaAuth, want), http.StatusUnprocessableEntity); !strings.Contains(e.Message, body) {
			t.Errorf("message %q, want %q", e.Message, body)
		}
	}
	// The same key on another repository shares its key_id.
	var shared gtKeyJSON
	ts.do("POST", gtPrivateApp+"/keys", giteaAuth, map[string]any{"title": "x", "key": pub}).want(t, http.StatusCreated, &shared)
	if shared.KeyID != key.KeyID || shared.ID == key.ID {
		t.Errorf("shared key = %+v, first %+v", shared, key)
	}
	self := fmt.Sprintf("%s/%d", gtKeysPath, key.ID)
	var got gtKeyJSON
	ts.do("GET", self, giteaAuth, nil).want(t, http.StatusOK, &got)
	if got.ID != key.ID || got.Repository == nil || got.Repository.FullName != "gitdeploy-demo/website" {
		t.Errorf("get = %+v", got)
	}
	var list []gtKeyJSON
	resp := ts.do("GET", gtKeysPath+"?limit=1", giteaAuth, nil)
	resp.want(t, http.StatusOK, &list)
	if len(list) != 1 || resp.header.Get("X-Total-Count") != "2" {
		t.Errorf("list = %d keys of %s", len(list), resp.header.Get("X-Total-Count"))
	}
	ts.do("DELETE", self, giteaAuth, nil).want(t, http.StatusNoContent, nil)
	gtErr(t, ts.do("GET", self, giteaAuth, nil), http.StatusNotFound)
	// Deleting a key that is gone is 204 on Gitea.
	ts.do("DELETE", self, giteaAuth, nil).want(t, http.StatusNoContent, nil)
	if keys := ts.emu.GiteaDeployKeys("gitdeploy-demo/website"); len(keys) != 1 || keys[0].Title != "ro" {
		t.Errorf("Go API = %+v", keys)
	}
	ts.do("DELETE", fmt.Sprintf("/_emulator/gitea/repos/gitdeploy-demo/website/keys/%d", ro.ID), "", nil).want(t, http.StatusNoContent, nil)
	ts.do("DELETE", fmt.Sprintf("/_emulator/gitea/repos/gitdeploy-demo/website/keys/%d", ro.ID), "", nil).want(t, http.StatusNotFound, nil)
}

func TestGiteaHooks(t *testing.T) {
	ts := newTestServer(t, nil)
	var hook gtHookJSON
	resp := ts.do("POST", gtHooksPath, giteaAuth, map[string]any{"type": "gitea",
		"config": map[string]any{"url": "https://hooks.example/x", "content_type": "json", "secret": "s3cret"},
		"events": []string{"push", "pull_request"}, "branch_filter": "{main,release/*}"})
	resp.want(t, http.StatusCreated, &hook)
	// active defaults to false; pull_request turns on every pull request event; no secret in the answer.
	if hook.ID == 0 || hook.Active || hook.Type != "gitea" || hook.Config["url"] != "https://hooks.example/x" ||
		hook.Config["content_type"] != "json" || len(hook.Config) != 2 || hook.BranchFilter != "{main,release/*}" ||
		hook.Events[0] != "push" || hook.Events[1] != "pull_request" || len(hook.Events) != 11 || strings.Contains(string(resp.body), "s3cret") {
		t.Fatalf("hook = %s", resp.body)
	}
	// Defaults: events ["push"].
	var dflt gtHookJSON
	ts.do("POST", gtHooksPath, giteaAuth, map[string]any{"type": "gitea", "active": true,
		"config": map[string]any{"url": "https://hooks.example/y", "content_type": "form"}}).want(t, http.StatusCreated, &dflt)
	if !dflt.Active || strings.Join(dflt.Events, ",") != "push" {
		t.Errorf("defaults = %+v", dflt)
	}
	for msg, bad := range map[string]map[string]any{
		"Invalid hook type: ":           {"config": map[string]any{"url": "https://x", "content_type": "json"}},
		"Missing config option: url":    {"type": "gitea", "config": map[string]any{"content_type": "json"}},
		"Missing config option: conten": {"type": "gitea", "config": map[string]any{"url": "https://x"}},
		"Invalid content type":          {"type": "gitea", "config": map[string]any{"url": "https://x", "content_type": "xml"}},
	} {
		if e := gtErr(t, ts.do("POST", gtHooksPath, giteaAuth, bad), http.StatusUnprocessableEntity); !strings.HasPrefix(e.Message, msg) {
			t.Errorf("message %q, want %q", e.Message, msg)
		}
	}
	self := fmt.Sprintf("%s/%d", gtHooksPath, hook.ID)
	// PATCH: a secret not sent is kept; events and branch_filter are replaced; active only when sent.
	var patched gtHookJSON
	ts.do("PATCH", self, giteaAuth, map[string]any{"config": map[string]any{"url": "https://hooks.example/z"},
		"events": []string{"push", "create"}}).want(t, http.StatusOK, &patched)
	if patched.Config["url"] != "https://hooks.example/z" || strings.Join(patched.Events, ",") != "create,push" ||
		patched.BranchFilter != "" || patched.Active {
		t.Errorf("after PATCH = %+v", patched)
	}
	if h := ts.emu.GiteaHooks("gitdeploy-demo/website")[0]; h.Secret != "s3cret" {
		t.Errorf("secret after PATCH = %q", h.Secret)
	}
	ts.do("PATCH", self, giteaAuth, map[string]any{"config": map[string]any{"secret": ""}, "active": true}).want(t, http.StatusOK, &patched)
	if h := ts.emu.GiteaHooks("gitdeploy-demo/website")[0]; h.Secret != "" || !h.Active || strings.Join(h.Events, ",") != "push" {
		t.Errorf("after clearing the secret = %+v", h)
	}
	var got gtHookJSON
	ts.do("GET", self, giteaAuth, nil).want(t, http.StatusOK, &got)
	var list []gtHookJSON
	ts.do("GET", gtHooksPath, giteaAuth, nil).want(t, http.StatusOK, &list)
	if got.ID != hook.ID || len(list) != 2 {
		t.Errorf("get %+v, list %d", got, len(list))
	}
	if err := ts.emu.UpdateGiteaHook("gitdeploy-demo/website", fmt.Sprint(hook.ID), map[string]any{"active": false}); err != nil {
		t.Fatal(err)
	}
	ts.do("DELETE", self, giteaAuth, nil).want(t, http.StatusNoContent, nil)
	gtErr(t, ts.do("GET", self, giteaAuth, nil), http.StatusNotFound)
	gtErr(t, ts.do("PATCH", self, giteaAuth, map[string]any{}), http.StatusNotFound)
	gtErr(t, ts.do("DELETE", self, giteaAuth, nil), http.StatusNotFound)
}

func TestGiteaPushDelivers(t *testing.T) {
	ts := newTestServer(t, nil)
	rc := newReceiver(t)
	for _, body := range []map[string]any{
		{"url": rc.srv.URL + "/signed", "content_type": "json", "secret": "g1tea-secret", "active": true},
		{"url": rc.srv.URL + "/form", "content_type": "form", "active": true},
		{"url": rc.srv.URL + "/inactive", "content_type": "json"},
		{"url": rc.srv.URL + "/other-branch", "content_type": "json", "active": true, "branch_filter": "release/*"},
	} {
		active := body["active"]
		delete(body, "active")
		filter := body["branch_filter"]
		delete(body, "branch_filter")
		req := map[string]any{"type": "gitea", "config": body, "events": []string{"push"}}
		if active != nil {
			req["active"] = active
		}
		if filter != nil {
			req["branch_filter"] = filter
		}
		ts.do("POST", gtHooksPath, giteaAuth, req).want(t, http.StatusCreated, nil)
	}
	res, err := ts.emu.Push(HostGitea, "gitdeploy-demo/website", "main")
	if err != nil || len(res.Deliveries) != 2 {
		t.Fatalf("push = %+v, %v", res, err)
	}
	got := rc.deliveries()
	if len(got) != 2 {
		t.Fatalf("received %d", len(got))
	}
	h := got[0].header
	if h.Get("X-Gitea-Event") != "push" || h.Get("X-Gitea-Event-Type") != "push" || h.Get("X-Gitea-Delivery") != res.Deliveries[0].GUID ||
		h.Get("X-Gitea-Signature") != hmacHex("g1tea-secret", got[0].body) || h.Get("X-Gogs-Event") != "push" ||
		h.Get("X-Hub-Signature-256") != "sha256="+hmacHex("g1tea-secret", got[0].body) || h.Get("X-GitHub-Event") != "push" {
		t.Errorf("headers = %v", h)
	}
	var payload gtPushJSON
	if err := json.Unmarshal(got[0].body, &payload); err != nil {
		t.Fatal(err)
	}
	if payload.Ref != "refs/heads/main" || payload.After != res.After || payload.Before != res.Before ||
		payload.Repository.FullName != "gitdeploy-demo/website" || payload.Repository.ID != 3001 || payload.Pusher.Login != "demo" ||
		payload.HeadCommit == nil || payload.HeadCommit.ID != res.After || payload.TotalCommits != 1 {
		t.Errorf("payload = %s", got[0].body)
	}
	form, err := url.ParseQuery(string(got[1].body))
	if err != nil || got[1].header.Get("Content-Type") != "application/x-www-form-urlencoded" || !strings.Contains(form.Get("payload"), res.After) ||
		got[1].header.Get("X-Gitea-Signature") != "" {
		t.Errorf("form delivery = %s (%v)", got[1].body, err)
	}
	// The branch filter lets release/* through.
	res, err = ts.emu.Push(HostGitea, "gitdeploy-demo/website", "release/1.0")
	if err != nil || len(res.Deliveries) != 3 || !res.Created {
		t.Errorf("push to release/1.0 = %+v, %v", res, err)
	}
}

func TestGiteaBranchFilterGlob(t *testing.T) {
	for _, tt := range []struct {
		filter, branch string
		want           bool
	}{
		{"", "anything", true}, {"*", "a/b", true}, {"main", "main", true}, {"main", "mainline", false},
		{"release/*", "release/1.0", true}, {"{main,develop}", "develop", true}, {"{main,develop}", "feature", false},
		{"v?.x", "v1.x", true}, {"[ab]*", "beta", true}, {"[!ab]*", "beta", false},
	} {
		h := &gtHook{branchFilter: tt.filter}
		if got := h.matchesBranch(tt.branch); got != tt.want {
			t.Errorf("%q matches %q = %v, want %v", tt.filter, tt.branch, got, tt.want)
		}
	}
	if _, err := branchGlobRegexp("{unclosed"); err == nil {
		t.Error("an unclosed { compiled")
	}
}

func TestGiteaSeedStateAndRateLimit(t *testing.T) {
	ts := newTestServer(t, nil)
	st := ts.emu.State()
	if len(st.Gitea.Repos) != 2 || st.Gitea.Repos[1].ID != "3002" || !st.Gitea.Repos[1].Private || st.Gitea.Orgs[0] != "gitdeploy-demo" {
		t.Errorf("state = %+v", st.Gitea)
	}
	for _, bad := range []GiteaSeed{
		{Repos: []GiteaRepoSeed{{FullName: "x"}}},
		{Repos: []GiteaRepoSeed{{FullName: "a/b", ID: 3001}}},
		{Users: []GiteaUserSeed{{Login: "demo", Token: "x"}}},
	} {
		if err := ts.emu.Seed(&Seed{Gitea: bad}); err == nil {
			t.Errorf("seed %+v accepted", bad)
		}
	}
	if err := ts.emu.ConfigureRateLimit(ServiceGitea, RateLimit{Limit: 1, Window: 3600e9}); err != nil {
		t.Fatal(err)
	}
	ts.do("GET", gtRepoPath, giteaAuth, nil).want(t, http.StatusOK, nil)
	limited := ts.do("GET", gtRepoPath, giteaAuth, nil)
	gtErr(t, limited, http.StatusTooManyRequests)
	if limited.header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	ts.emu.Reset()
	gtErr(t, ts.do("GET", "/gitea/api/v1/nothing", giteaAuth, nil), http.StatusNotFound)
}
