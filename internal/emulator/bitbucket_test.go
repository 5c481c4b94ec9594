package emulator

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

var (
	bitbucketAuth = "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(DefaultBitbucketEmail+":"+DefaultBitbucketAPIToken))
	bbTokenAuth   = "Authorization: Bearer " + DefaultBitbucketAccessToken
)

const (
	bbRepoPath  = "/bitbucket/2.0/repositories/gitdeploy-demo/website"
	bbKeysPath  = bbRepoPath + "/deploy-keys"
	bbHooksPath = bbRepoPath + "/hooks"
)

// bbErr decodes Bitbucket's error object and returns its message.
func bbErr(t *testing.T, resp response, status int) string {
	t.Helper()
	var e bbErrorJSON
	resp.want(t, status, &e)
	if e.Type != "error" || e.Error.Message == "" {
		t.Fatalf("error body %s is not Bitbucket's error object", resp.body)
	}
	return e.Error.Message
}

func TestBitbucketAuth(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.do("GET", bbRepoPath, bitbucketAuth, nil).want(t, http.StatusOK, nil)
	ts.do("GET", bbRepoPath, bbTokenAuth, nil).want(t, http.StatusOK, nil)
	for _, auth := range []string{
		"",
		"Authorization: Bearer nope",
		"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(DefaultBitbucketEmail+":wrong")),
		// API tokens authenticate with the e-mail, not the nickname.
		"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("demo:"+DefaultBitbucketAPIToken)),
		"Authorization: Basic !!!",
		"Authorization: token " + DefaultBitbucketAccessToken,
	} {
		bbErr(t, ts.do("GET", bbRepoPath, auth, nil), http.StatusUnauthorized)
	}
	var me bbAccountJSON
	ts.do("GET", "/bitbucket/2.0/user", bitbucketAuth, nil).want(t, http.StatusOK, &me)
	if me.Nickname != "demo" || !strings.HasPrefix(me.UUID, "{") {
		t.Errorf("user = %+v", me)
	}
}

func TestBitbucketRepository(t *testing.T) {
	ts := newTestServer(t, nil)
	var repo bbRepoJSON
	ts.do("GET", bbRepoPath, bitbucketAuth, nil).want(t, http.StatusOK, &repo)
	if repo.Type != "repository" || repo.FullName != "gitdeploy-demo/website" || repo.IsPrivate || repo.MainBranch == nil ||
		repo.MainBranch.Name != "main" || repo.Workspace.Slug != "gitdeploy-demo" || len(repo.Links.Clone) != 2 ||
		repo.Links.Clone[0].Name != "https" || !strings.HasPrefix(repo.Links.Clone[1].Href, "git@127.0.0.1:") ||
		!strings.HasPrefix(repo.UUID, "{") || !strings.HasSuffix(repo.UUID, "}") {
		t.Fatalf("repository = %+v", repo)
	}
	// The repository's UUID stands for its slug, the workspace's for its slug.
	var byUUID bbRepoJSON
	ts.do("GET", "/bitbucket/2.0/repositories/"+url.PathEscape(repo.Workspace.UUID)+"/"+url.PathEscape(repo.UUID), bitbucketAuth, nil).
		want(t, http.StatusOK, &byUUID)
	if byUUID.FullName != repo.FullName {
		t.Errorf("by uuid = %s", byUUID.FullName)
	}
	if msg := bbErr(t, ts.do("GET", "/bitbucket/2.0/repositories/gitdeploy-demo/nope", bitbucketAuth, nil), http.StatusNotFound); !strings.Contains(msg, "not found") {
		t.Errorf("404 message %q", msg)
	}
	// A private repository of a workspace the caller is not in: 403, as documented.
	s := DefaultSeed()
	s.Bitbucket.Users = append(s.Bitbucket.Users, BitbucketUserSeed{Nickname: "outsider", Email: "out@example.com", APIToken: "t2", Workspaces: []string{}})
	ts = newTestServer(t, s)
	outsider := "Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("out@example.com:t2"))
	bbErr(t, ts.do("GET", "/bitbucket/2.0/repositories/gitdeploy-demo/private-app", outsider, nil), http.StatusForbidden)
	ts.do("GET", bbRepoPath, outsider, nil).want(t, http.StatusOK, nil)
	// and its deploy keys and hooks need admin rights.
	bbErr(t, ts.do("GET", bbKeysPath, outsider, nil), http.StatusForbidden)
	bbErr(t, ts.do("GET", bbHooksPath, outsider, nil), http.StatusForbidden)
}

func TestBitbucketRepositoryListsPaginate(t *testing.T) {
	s := DefaultSeed()
	s.Bitbucket.Generate = []GenerateSeed{{Owner: "big-ws", Count: 250, PrivateShare: 0.2}}
	ts := newTestServer(t, s)
	path := "/bitbucket/2.0/repositories/big-ws?pagelen=100"
	var names []string
	pages := 0
	for path != "" {
		var page bbPageJSON[bbRepoJSON]
		ts.do("GET", path, bitbucketAuth, nil).want(t, http.StatusOK, &page)
		pages++
		if page.Size != 250 || page.Pagelen != 100 || page.Page != pages {
			t.Fatalf("page %d = size %d pagelen %d page %d", pages, page.Size, page.Pagelen, page.Page)
		}
		if pages > 1 && page.Previous == "" {
			t.Errorf("page %d has no previous link", pages)
		}
		for _, r := range page.Values {
			names = append(names, r.Name)
		}
		path = strings.TrimPrefix(page.Next, ts.srv.URL)
	}
	if pages != 3 || len(names) != 250 || names[0] != "repo-0001" || names[249] != "repo-0250" {
		t.Fatalf("%d pages, %d repositories (%v…)", pages, len(names), names[:3])
	}
	// pagelen is capped at 100 and defaults to 10.
	var capped, small bbPageJSON[bbRepoJSON]
	ts.do("GET", "/bitbucket/2.0/repositories/big-ws?pagelen=500", bitbucketAuth, nil).want(t, http.StatusOK, &capped)
	ts.do("GET", "/bitbucket/2.0/repositories/big-ws", bitbucketAuth, nil).want(t, http.StatusOK, &small)
	if len(capped.Values) != 100 || capped.Pagelen != 100 || len(small.Values) != 10 {
		t.Errorf("capped %d (pagelen %d), default %d", len(capped.Values), capped.Pagelen, len(small.Values))
	}
	bbErr(t, ts.do("GET", "/bitbucket/2.0/repositories/no-such-ws", bitbucketAuth, nil), http.StatusNotFound)
	bbErr(t, ts.do("GET", "/bitbucket/2.0/repositories/big-ws?role=king", bitbucketAuth, nil), http.StatusBadRequest)
	var private bbPageJSON[bbRepoJSON]
	ts.do("GET", "/bitbucket/2.0/repositories/big-ws?pagelen=100&q="+url.QueryEscape("is_private = true"), bitbucketAuth, nil).want(t, http.StatusOK, &private)
	if private.Size != 50 || !private.Values[0].IsPrivate {
		t.Errorf("private repositories = %d", private.Size)
	}
	bbErr(t, ts.do("GET", "/bitbucket/2.0/repositories/big-ws?q="+url.QueryEscape(`name ~ "x"`), bitbucketAuth, nil), http.StatusBadRequest)

	// GET /repositories?role=member: what the caller is a member of; the workspace token sees its workspace.
	var mine bbPageJSON[bbRepoJSON]
	ts.do("GET", "/bitbucket/2.0/repositories?role=member&pagelen=100&sort=-full_name", bbTokenAuth, nil).want(t, http.StatusOK, &mine)
	if mine.Size != 2 || mine.Values[0].FullName != "gitdeploy-demo/website" {
		t.Errorf("token's repositories = %d, first %s", mine.Size, mine.Values[0].FullName)
	}
}

func TestBitbucketBranches(t *testing.T) {
	s := DefaultSeed()
	s.Bitbucket.Repos = append(s.Bitbucket.Repos, BitbucketRepoSeed{FullName: "gitdeploy-demo/mono", BranchCount: 120})
	ts := newTestServer(t, s)
	var first, second bbPageJSON[bbBranchJSON]
	ts.do("GET", "/bitbucket/2.0/repositories/gitdeploy-demo/mono/refs/branches?pagelen=100", bitbucketAuth, nil).want(t, http.StatusOK, &first)
	ts.do("GET", strings.TrimPrefix(first.Next, ts.srv.URL), bitbucketAuth, nil).want(t, http.StatusOK, &second)
	if first.Size != 120 || len(first.Values) != 100 || len(second.Values) != 20 || second.Next != "" {
		t.Fatalf("pages of %d and %d, size %d", len(first.Values), len(second.Values), first.Size)
	}
	if b := first.Values[0]; b.Type != "branch" || b.Name != "branch-0001" || len(b.Target.Hash) != 40 || b.Target.Type != "commit" {
		t.Errorf("branch = %+v", b)
	}
	if err := ts.emu.AddBranch(HostBitbucket, "gitdeploy-demo/website", "feature/x"); err != nil {
		t.Fatal(err)
	}
	var b bbBranchJSON
	ts.do("GET", bbRepoPath+"/refs/branches/feature/x", bitbucketAuth, nil).want(t, http.StatusOK, &b)
	if b.Name != "feature/x" {
		t.Errorf("branch = %+v", b)
	}
	bbErr(t, ts.do("GET", bbRepoPath+"/refs/branches/nope", bitbucketAuth, nil), http.StatusNotFound)
	if err := ts.emu.DeleteBranch(HostBitbucket, "gitdeploy-demo/website", "main"); err == nil {
		t.Error("deleted the main branch")
	}
	ts.do("DELETE", "/_emulator/bitbucket/repositories/gitdeploy-demo/website/branches/feature/x", "", nil).want(t, http.StatusNoContent, nil)
	ts.do("GET", bbRepoPath+"/refs/branches/feature/x", bitbucketAuth, nil).want(t, http.StatusNotFound, nil)
	ts.do("POST", "/_emulator/bitbucket/repositories/gitdeploy-demo/website/branches", "", map[string]string{"name": "again"}).want(t, http.StatusCreated, nil)
	if got, _ := ts.emu.Branches(HostBitbucket, "gitdeploy-demo/website"); strings.Join(got, ",") != "again,develop,main" {
		t.Errorf("branches = %v", got)
	}
}

func TestBitbucketDeployKeys(t *testing.T) {
	ts := newTestServer(t, nil)
	pub := newPublicKey(t)
	var key bbKeyJSON
	// 200, as the OpenAPI description documents; the comment comes back apart.
	ts.do("POST", bbKeysPath, bitbucketAuth, map[string]any{"key": pub + " netlify@site", "label": "netlify"}).want(t, http.StatusOK, &key)
	if key.Type != "deploy_key" || key.ID == 0 || key.Key != pub || key.Comment != "netlify@site" || key.Label != "netlify" ||
		key.Repository.FullName != "gitdeploy-demo/website" || key.CreatedOn == "" {
		t.Fatalf("key = %+v", key)
	}
	if msg := bbErr(t, ts.do("POST", bbKeysPath, bitbucketAuth, map[string]any{"key": pub, "label": "again"}), http.StatusBadRequest); !strings.Contains(msg, "already added") {
		t.Errorf("duplicate: %q", msg)
	}
	// The same key on another repository is fine.
	ts.do("POST", "/bitbucket/2.0/repositories/gitdeploy-demo/private-app/deploy-keys", bitbucketAuth, map[string]any{"key": pub, "label": "x"}).want(t, http.StatusOK, nil)
	bbErr(t, ts.do("POST", bbKeysPath, bitbucketAuth, map[string]any{"key": "ssh-rsa nope", "label": "x"}), http.StatusBadRequest)
	bbErr(t, ts.do("POST", bbKeysPath, bitbucketAuth, map[string]any{"label": "x"}), http.StatusBadRequest)
	// Access tokens may read deploy keys but not change them.
	ts.do("GET", bbKeysPath, bbTokenAuth, nil).want(t, http.StatusOK, nil)
	bbErr(t, ts.do("POST", bbKeysPath, bbTokenAuth, map[string]any{"key": newPublicKey(t), "label": "x"}), http.StatusForbidden)

	self := fmt.Sprintf("%s/%d", bbKeysPath, key.ID)
	var got bbKeyJSON
	ts.do("GET", self, bitbucketAuth, nil).want(t, http.StatusOK, &got)
	if got.ID != key.ID || got.Key != pub {
		t.Errorf("get = %+v", got)
	}
	// PUT changes label and comment, never the key.
	ts.do("PUT", self, bitbucketAuth, map[string]any{"label": "renamed", "key": pub + " new-comment"}).want(t, http.StatusOK, &got)
	if got.Label != "renamed" || got.Comment != "new-comment" {
		t.Errorf("after PUT = %+v", got)
	}
	bbErr(t, ts.do("PUT", self, bitbucketAuth, map[string]any{"key": newPublicKey(t)}), http.StatusBadRequest)

	var list bbPageJSON[bbKeyJSON]
	ts.do("GET", bbKeysPath, bitbucketAuth, nil).want(t, http.StatusOK, &list)
	if list.Size != 1 || list.Values[0].ID != key.ID {
		t.Errorf("list = %+v", list)
	}
	if keys := ts.emu.BitbucketDeployKeys("gitdeploy-demo/website"); len(keys) != 1 || keys[0].Label != "renamed" {
		t.Errorf("Go API keys = %+v", keys)
	}
	ts.do("DELETE", self, bitbucketAuth, nil).want(t, http.StatusNoContent, nil)
	bbErr(t, ts.do("GET", self, bitbucketAuth, nil), http.StatusNotFound)
	bbErr(t, ts.do("DELETE", self, bitbucketAuth, nil), http.StatusNotFound)
	bbErr(t, ts.do("GET", bbKeysPath+"/abc", bitbucketAuth, nil), http.StatusNotFound)

	// Behind the provider's back.
	other := ts.emu.BitbucketDeployKeys("gitdeploy-demo/private-app")
	ts.do("DELETE", "/_emulator/bitbucket/repositories/gitdeploy-demo/private-app/deploy-keys/"+other[0].ID, "", nil).want(t, http.StatusNoContent, nil)
	if ts.emu.DeleteBitbucketDeployKey("gitdeploy-demo/private-app", other[0].ID) {
		t.Error("deleted a key twice")
	}
}

func TestBitbucketHooks(t *testing.T) {
	ts := newTestServer(t, nil)
	var hook bbHookJSON
	resp := ts.do("POST", bbHooksPath, bitbucketAuth, map[string]any{"description": "netlify", "url": "https://hooks.example/x",
		"active": true, "events": []string{"repo:push", "pullrequest:created"}, "secret": "s3cret"})
	resp.want(t, http.StatusCreated, &hook)
	if hook.Type != "webhook_subscription" || !strings.HasPrefix(hook.UUID, "{") || !hook.SecretSet || !hook.Active ||
		hook.SubjectType != "repository" || hook.Subject.FullName != "gitdeploy-demo/website" || len(hook.Events) != 2 ||
		strings.Contains(string(resp.body), "s3cret") || resp.header.Get("Location") != hook.Links["self"].Href {
		t.Fatalf("hook = %s (Location %q)", resp.body, resp.header.Get("Location"))
	}
	self := bbHooksPath + "/" + url.PathEscape(hook.UUID)
	var got bbHookJSON
	resp = ts.do("GET", self, bitbucketAuth, nil)
	resp.want(t, http.StatusOK, &got)
	if got.UUID != hook.UUID || strings.Contains(string(resp.body), "s3cret") {
		t.Errorf("get = %s", resp.body)
	}
	if ts.emu.BitbucketHooks("gitdeploy-demo/website")[0].Secret != "s3cret" {
		t.Error("the Go API does not show the secret")
	}
	// PUT without secret keeps it; null removes it.
	ts.do("PUT", self, bitbucketAuth, map[string]any{"active": false, "events": []string{"repo:push"}}).want(t, http.StatusOK, &got)
	if got.Active || !got.SecretSet || strings.Join(got.Events, ",") != "repo:push" || got.URL != "https://hooks.example/x" {
		t.Errorf("after PUT = %+v", got)
	}
	ts.do("PUT", self, bitbucketAuth, map[string]any{"secret": nil}).want(t, http.StatusOK, &got)
	if got.SecretSet {
		t.Error("null did not remove the secret")
	}
	for _, bad := range []map[string]any{
		{"url": "not a url", "events": []string{"repo:push"}},
		{"url": "https://x.example", "events": []string{}},
		{"url": "https://x.example", "events": []string{"push"}},
		{"url": "https://x.example", "events": []string{"repo:push"}, "secret": strings.Repeat("s", 129)},
	} {
		bbErr(t, ts.do("POST", bbHooksPath, bitbucketAuth, bad), http.StatusBadRequest)
	}
	var list bbPageJSON[bbHookJSON]
	ts.do("GET", bbHooksPath, bbTokenAuth, nil).want(t, http.StatusOK, &list)
	if list.Size != 1 {
		t.Errorf("list = %+v", list)
	}
	if err := ts.emu.UpdateBitbucketHook("gitdeploy-demo/website", hook.UUID, map[string]any{"secret": "again"}); err != nil ||
		ts.emu.BitbucketHooks("gitdeploy-demo/website")[0].Secret != "again" {
		t.Errorf("Go API update: %v", err)
	}
	ts.do("DELETE", self, bitbucketAuth, nil).want(t, http.StatusNoContent, nil)
	bbErr(t, ts.do("GET", self, bitbucketAuth, nil), http.StatusNotFound)
	bbErr(t, ts.do("PUT", self, bitbucketAuth, map[string]any{}), http.StatusNotFound)
}

func TestBitbucketPushDelivers(t *testing.T) {
	ts := newTestServer(t, nil)
	rc := newReceiver(t)
	for _, body := range []map[string]any{
		{"url": rc.srv.URL + "/signed", "events": []string{"repo:push"}, "secret": "s3cret"},
		{"url": rc.srv.URL + "/plain", "events": []string{"repo:push", "pullrequest:created"}},
		{"url": rc.srv.URL + "/inactive", "events": []string{"repo:push"}, "active": false},
		{"url": rc.srv.URL + "/pr", "events": []string{"pullrequest:created"}},
	} {
		ts.do("POST", bbHooksPath, bitbucketAuth, body).want(t, http.StatusCreated, nil)
	}
	hooks := ts.emu.BitbucketHooks("gitdeploy-demo/website")
	res, err := ts.emu.Push(HostBitbucket, "gitdeploy-demo/website", "main")
	if err != nil || len(res.Deliveries) != 2 || res.Deliveries[0].StatusCode != http.StatusOK || res.Deliveries[0].Event != "repo:push" {
		t.Fatalf("push = %+v, %v", res, err)
	}
	got := rc.deliveries()
	if len(got) != 2 {
		t.Fatalf("received %d deliveries", len(got))
	}
	h := got[0].header
	if h.Get("X-Event-Key") != "repo:push" || h.Get("X-Hook-UUID") != strings.Trim(hooks[0].UUID, "{}") ||
		h.Get("X-Request-UUID") != res.Deliveries[0].GUID || h.Get("X-Attempt-Number") != "1" ||
		h.Get("X-Hub-Signature") != "sha256="+hmacHex("s3cret", got[0].body) || h.Get("Content-Type") != "application/json" {
		t.Errorf("headers = %v", h)
	}
	if got[1].header.Get("X-Hub-Signature") != "" {
		t.Error("a hook without a secret signed its delivery")
	}
	var payload bbPushJSON
	if err := json.Unmarshal(got[0].body, &payload); err != nil {
		t.Fatal(err)
	}
	if len(payload.Push.Changes) != 1 {
		t.Fatalf("payload = %s", got[0].body)
	}
	change := payload.Push.Changes[0]
	if change.New == nil || change.New.Type != "branch" || change.New.Name != "main" || change.New.Target.Hash != res.After ||
		change.Old == nil || change.Old.Target.Hash != res.Before || change.Created ||
		payload.Repository.FullName != "gitdeploy-demo/website" || payload.Actor.Nickname != "demo" {
		t.Errorf("payload = %s", got[0].body)
	}
	var branch bbBranchJSON
	ts.do("GET", bbRepoPath+"/refs/branches/main", bitbucketAuth, nil).want(t, http.StatusOK, &branch)
	if branch.Target.Hash != res.After {
		t.Errorf("head %s, want %s", branch.Target.Hash, res.After)
	}
	created, err := ts.emu.Push(HostBitbucket, "gitdeploy-demo/website", "new-branch")
	if err != nil || !created.Created || created.Before != zeroSHA {
		t.Errorf("created = %+v, %v", created, err)
	}
	if _, err := ts.emu.Push(HostBitbucket, "gitdeploy-demo/nope", "main"); err == nil {
		t.Error("push to an unknown repository: no error")
	}
}

func TestBitbucketPushBuildsNetlifySite(t *testing.T) {
	ts := newTestServer(t, nil)
	key := newNetlifyKey(t, ts)
	site := linkSite(t, ts, map[string]any{"provider": "bitbucket", "repo_path": "gitdeploy-demo/private-app",
		"id": "gitdeploy-demo/private-app", "repo_branch": "main", "deploy_key_id": key.ID,
		"repo_url": "git@bitbucket.org:gitdeploy-demo/private-app.git"})
	public := linkSite(t, ts, map[string]any{"provider": "bitbucket", "id": "gitdeploy-demo/website", "repo_branch": "develop"})
	for _, repo := range []string{"private-app", "website"} {
		ts.do("POST", "/bitbucket/2.0/repositories/gitdeploy-demo/"+repo+"/hooks", bitbucketAuth, map[string]any{
			"url": ts.srv.URL + "/netlify/hooks/bitbucket", "events": []string{"repo:push"}}).want(t, http.StatusCreated, nil)
	}
	// Without the key installed on the repository, the build fails.
	res, err := ts.emu.Push(HostBitbucket, "gitdeploy-demo/private-app", "main")
	if err != nil || len(res.Deliveries) != 1 || res.Deliveries[0].StatusCode != http.StatusNoContent {
		t.Fatalf("push = %+v, %v", res, err)
	}
	if b := ts.emu.Builds(site); len(b) != 1 || b[0].State != "error" || b[0].Source != "bitbucket" ||
		!strings.Contains(b[0].ErrorMessage, "git@bitbucket.org: Permission denied (publickey)") {
		t.Fatalf("builds = %+v", b)
	}
	ts.do("POST", "/bitbucket/2.0/repositories/gitdeploy-demo/private-app/deploy-keys", bitbucketAuth,
		map[string]any{"key": key.PublicKey, "label": "netlify"}).want(t, http.StatusOK, nil)
	res, err = ts.emu.Push(HostBitbucket, "gitdeploy-demo/private-app", "main")
	if err != nil {
		t.Fatal(err)
	}
	if b := ts.emu.Builds(site); len(b) != 2 || b[1].State != "ready" || b[1].SHA != res.After || b[1].Branch != "main" {
		t.Fatalf("builds after installing the key = %+v", b)
	}
	// The public repository builds its develop branch, matched by the "workspace/repo" id.
	if _, err := ts.emu.Push(HostBitbucket, "gitdeploy-demo/website", "develop"); err != nil {
		t.Fatal(err)
	}
	if b := ts.emu.Builds(public); len(b) != 1 || b[0].State != "ready" {
		t.Errorf("public builds = %+v", b)
	}
	// Other events are acknowledged without a build.
	resp := ts.do("POST", "/netlify/hooks/bitbucket", "X-Event-Key: pullrequest:created", map[string]any{})
	resp.want(t, http.StatusNoContent, nil)
	if n := len(ts.emu.Builds("")); n != 3 {
		t.Errorf("%d builds in all, want 3", n)
	}
}

func TestBitbucketSeedAndState(t *testing.T) {
	emu := New(nil)
	st := emu.State()
	if len(st.Bitbucket.Repos) != 2 || st.Bitbucket.Repos[1].FullName != "gitdeploy-demo/private-app" || !st.Bitbucket.Repos[1].Private ||
		st.Bitbucket.Workspaces[0] != "gitdeploy-demo" || st.Bitbucket.Users[0] != "demo" {
		t.Errorf("state = %+v", st.Bitbucket)
	}
	for _, bad := range []BitbucketSeed{
		{Repos: []BitbucketRepoSeed{{FullName: "no-slash"}}},
		{Repos: []BitbucketRepoSeed{{FullName: "gitdeploy-demo/website"}}},
		{Users: []BitbucketUserSeed{{Nickname: "x"}}},
		{AccessTokens: []BitbucketAccessTokenSeed{{Token: "t", Workspace: "nowhere"}}},
		{AccessTokens: []BitbucketAccessTokenSeed{{Token: "t", Workspace: "gitdeploy-demo", Repository: "gitdeploy-demo/nope"}}},
	} {
		if err := emu.Seed(&Seed{Bitbucket: bad}); err == nil {
			t.Errorf("seed %+v accepted", bad)
		}
	}
	if err := emu.Seed(&Seed{Bitbucket: BitbucketSeed{Repos: []BitbucketRepoSeed{{FullName: "other/repo"}},
		AccessTokens: []BitbucketAccessTokenSeed{{Token: "repo-token", Workspace: "other", Repository: "other/repo"}}}}); err != nil {
		t.Fatal(err)
	}
	// Reset drops what Seed added and what the API created.
	if err := emu.AddBranch(HostBitbucket, "gitdeploy-demo/website", "extra"); err != nil {
		t.Fatal(err)
	}
	emu.Reset()
	if st := emu.State(); len(st.Bitbucket.Repos) != 2 || len(st.Bitbucket.Repos[0].Branches) != 2 {
		t.Errorf("after Reset = %+v", st.Bitbucket)
	}
}

func TestBitbucketRepositoryAccessToken(t *testing.T) {
	s := DefaultSeed()
	s.Bitbucket.AccessTokens = append(s.Bitbucket.AccessTokens, BitbucketAccessTokenSeed{Token: "repo-token",
		Workspace: "gitdeploy-demo", Repository: "gitdeploy-demo/website"})
	ts := newTestServer(t, s)
	auth := "Authorization: Bearer repo-token"
	ts.do("GET", bbHooksPath, auth, nil).want(t, http.StatusOK, nil)
	bbErr(t, ts.do("GET", "/bitbucket/2.0/repositories/gitdeploy-demo/private-app", auth, nil), http.StatusForbidden)
}

func TestBitbucketRateLimit(t *testing.T) {
	ts := newTestServer(t, nil)
	if err := ts.emu.ConfigureRateLimit(ServiceBitbucket, RateLimit{Limit: 2, Window: 3600e9}); err != nil {
		t.Fatal(err)
	}
	first := ts.do("GET", bbRepoPath, bitbucketAuth, nil)
	first.want(t, http.StatusOK, nil)
	if first.header.Get("X-RateLimit-Limit") != "2" || first.header.Get("X-RateLimit-NearLimit") != "false" {
		t.Errorf("headers = %v", first.header)
	}
	ts.do("GET", bbRepoPath, bitbucketAuth, nil).want(t, http.StatusOK, nil)
	if msg := bbErr(t, ts.do("GET", bbRepoPath, bitbucketAuth, nil), http.StatusTooManyRequests); !strings.Contains(msg, "Rate limit") {
		t.Errorf("message %q", msg)
	}
	if n := ts.emu.RequestCounts()["GET /bitbucket/2.0/repositories/{workspace}/{repo_slug}"]; n != 3 {
		t.Errorf("counted %d requests", n)
	}
	bbErr(t, ts.do("GET", "/bitbucket/2.0/nothing/here", bitbucketAuth, nil), http.StatusNotFound)
}
