package emulator

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
)

func TestNetlifyAuth(t *testing.T) {
	ts := newTestServer(t, nil)
	for _, auth := range []string{"", "Authorization: Bearer wrong", "Authorization: token " + DefaultNetlifyToken} {
		var body struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
		}
		ts.do("GET", "/netlify/api/v1/sites", auth, nil).want(t, http.StatusUnauthorized, &body)
		if body.Code != 401 || !strings.Contains(body.Message, "Access Denied") {
			t.Errorf("auth %q: body %+v", auth, body)
		}
	}
	ts.do("GET", "/netlify/api/v1/sites", netlifyAuth, nil).want(t, http.StatusOK, nil)
	ts.do("GET", "/netlify/api/v1/sites?access_token="+DefaultNetlifyToken, "", nil).want(t, http.StatusOK, nil)
}

var hex24 = regexp.MustCompile(`^[0-9a-f]{24}$`)

func TestNetlifyDeployKeys(t *testing.T) {
	ts := newTestServer(t, nil)
	var created nlDeployKeyJSON
	ts.do("POST", "/netlify/api/v1/deploy_keys", netlifyAuth, nil).want(t, http.StatusCreated, &created)
	if !hex24.MatchString(created.ID) {
		t.Errorf("id %q is not 24 hex characters", created.ID)
	}
	if _, _, _, _, err := ssh.ParseAuthorizedKey([]byte(created.PublicKey)); err != nil {
		t.Errorf("public key %q does not parse: %v", created.PublicKey, err)
	}
	if created.CreatedAt == "" {
		t.Error("created_at is empty")
	}
	var second nlDeployKeyJSON
	ts.do("POST", "/netlify/api/v1/deploy_keys", netlifyAuth, nil).want(t, http.StatusCreated, &second)
	if second.ID == created.ID || second.PublicKey == created.PublicKey {
		t.Error("two deploy keys share an id or a public key")
	}

	var got nlDeployKeyJSON
	ts.do("GET", "/netlify/api/v1/deploy_keys/"+created.ID, netlifyAuth, nil).want(t, http.StatusOK, &got)
	if got != created {
		t.Errorf("get = %+v, want %+v", got, created)
	}
	var list []nlDeployKeyJSON
	ts.do("GET", "/netlify/api/v1/deploy_keys", netlifyAuth, nil).want(t, http.StatusOK, &list)
	if len(list) != 2 || list[0].ID != created.ID || list[1].ID != second.ID {
		t.Errorf("list = %+v", list)
	}

	snap := ts.emu.NetlifyDeployKeys()
	if len(snap) != 2 || snap[0].PublicKey != created.PublicKey || !strings.Contains(snap[0].PrivateKey, "OPENSSH PRIVATE KEY") {
		t.Errorf("snapshot = %+v", snap)
	}

	ts.do("DELETE", "/netlify/api/v1/deploy_keys/"+created.ID, netlifyAuth, nil).want(t, http.StatusNoContent, nil)
	var notFound map[string]any
	ts.do("GET", "/netlify/api/v1/deploy_keys/"+created.ID, netlifyAuth, nil).want(t, http.StatusNotFound, &notFound)
	if notFound["code"] != float64(404) || notFound["message"] != "Not Found" {
		t.Errorf("404 body = %v", notFound)
	}
	ts.do("DELETE", "/netlify/api/v1/deploy_keys/"+created.ID, netlifyAuth, nil).want(t, http.StatusNotFound, nil)

	if !ts.emu.DeleteNetlifyDeployKey(second.ID) || ts.emu.DeleteNetlifyDeployKey(second.ID) {
		t.Error("DeleteNetlifyDeployKey should succeed once")
	}
	ts.do("GET", "/netlify/api/v1/deploy_keys/"+second.ID, netlifyAuth, nil).want(t, http.StatusNotFound, nil)
}

func TestNetlifySiteCreateAndNames(t *testing.T) {
	ts := newTestServer(t, nil)
	var site nlSiteJSON
	ts.do("POST", "/netlify/api/v1/sites", netlifyAuth, map[string]any{"name": "my-site"}).want(t, http.StatusCreated, &site)
	if site.ID == "" || site.SiteID != site.ID || site.Name != "my-site" || site.AccountSlug != "gitdeploy-demo" {
		t.Errorf("site = %+v", site)
	}
	if site.URL != "http://my-site.netlify.app" || site.SSLURL != "https://my-site.netlify.app" ||
		site.AdminURL != "https://app.netlify.com/sites/my-site" {
		t.Errorf("urls = %s %s %s", site.URL, site.SSLURL, site.AdminURL)
	}
	if site.BuildSettings.RepoPath != nil || !isNullJSON(site.BuildSettings.ID) {
		t.Errorf("a new site has no repo: %+v", site.BuildSettings)
	}

	var taken map[string]map[string][]string
	ts.do("POST", "/netlify/api/v1/sites", netlifyAuth, map[string]any{"name": "My-Site"}).want(t, http.StatusUnprocessableEntity, &taken)
	if got := taken["errors"]["subdomain"]; len(got) != 1 || got[0] != "must be unique" {
		t.Errorf("422 body = %v", taken)
	}

	var generated nlSiteJSON
	ts.do("POST", "/netlify/api/v1/sites", netlifyAuth, nil).want(t, http.StatusCreated, &generated)
	if !regexp.MustCompile(`^[a-z]+-[a-z]+-[0-9a-f]{6}$`).MatchString(generated.Name) {
		t.Errorf("generated name %q is not adjective-noun-hex", generated.Name)
	}

	var inAccount nlSiteJSON
	ts.do("POST", "/netlify/api/v1/gitdeploy-demo/sites", netlifyAuth, map[string]any{"name": "team-site"}).want(t, http.StatusCreated, &inAccount)
	if inAccount.AccountSlug != "gitdeploy-demo" {
		t.Errorf("account_slug = %q", inAccount.AccountSlug)
	}
	ts.do("POST", "/netlify/api/v1/no-such-account/sites", netlifyAuth, map[string]any{"name": "x"}).want(t, http.StatusNotFound, nil)
}

func TestNetlifySiteBuildSettingsRoundTrip(t *testing.T) {
	ts := newTestServer(t, nil)
	repo := map[string]any{
		"provider": "github", "repo_path": "gitdeploy-demo/website", "repo_branch": "main",
		"repo_url": "https://github.com/gitdeploy-demo/website", "repo_type": "git", "id": 1001,
		"deploy_key_id": "abc", "cmd": "npm run build", "dir": "public", "base": "site",
		"functions_dir": "functions", "allowed_branches": []string{"main", "develop"}, "installation_id": 42,
	}
	var site nlSiteJSON
	ts.do("POST", "/netlify/api/v1/sites", netlifyAuth, map[string]any{"name": "linked", "repo": repo}).want(t, http.StatusCreated, &site)
	bs := site.BuildSettings
	if string(bs.ID) != "1001" || string(bs.InstallationID) != "42" || *bs.Provider != "github" ||
		*bs.RepoPath != "gitdeploy-demo/website" || *bs.RepoBranch != "main" || *bs.RepoType != "git" ||
		*bs.DeployKeyID != "abc" || *bs.Cmd != "npm run build" || *bs.Dir != "public" || *bs.Base != "site" ||
		*bs.FunctionsDir != "functions" || strings.Join(bs.AllowedBranches, ",") != "main,develop" ||
		*bs.RepoURL != "https://github.com/gitdeploy-demo/website" {
		t.Fatalf("build_settings = %s", mustJSON(t, bs))
	}

	// PATCH changes only what it sends; a Bitbucket-style string repo id comes back as a string.
	var patched nlSiteJSON
	ts.do("PATCH", "/netlify/api/v1/sites/"+site.ID, netlifyAuth, map[string]any{
		"custom_domain": "www.example.com",
		"repo":          map[string]any{"repo_branch": "develop", "repo_id": "ws/repo"},
	}).want(t, http.StatusOK, &patched)
	if *patched.BuildSettings.RepoBranch != "develop" || string(patched.BuildSettings.ID) != `"ws/repo"` ||
		*patched.BuildSettings.Cmd != "npm run build" {
		t.Errorf("patched build_settings = %s", mustJSON(t, patched.BuildSettings))
	}
	if patched.URL != "http://www.example.com" || *patched.CustomDomain != "www.example.com" {
		t.Errorf("custom domain not applied: %+v", patched)
	}
	var put nlSiteJSON
	ts.do("PUT", "/netlify/api/v1/sites/"+site.ID, netlifyAuth, map[string]any{"name": "renamed"}).want(t, http.StatusOK, &put)
	if put.Name != "renamed" || put.AdminURL != "https://app.netlify.com/sites/renamed" {
		t.Errorf("put = %+v", put)
	}
	ts.do("PATCH", "/netlify/api/v1/sites/"+site.ID, netlifyAuth, map[string]any{"repo": map[string]any{"provider": "svn"}}).
		want(t, http.StatusUnprocessableEntity, nil)

	var got nlSiteJSON
	ts.do("GET", "/netlify/api/v1/sites/"+site.ID, netlifyAuth, nil).want(t, http.StatusOK, &got)
	if mustJSON(t, got) != mustJSON(t, put) {
		t.Errorf("GET = %s, want %s", mustJSON(t, got), mustJSON(t, put))
	}
	snap, ok := ts.emu.NetlifySite(site.ID)
	if !ok || snap.BuildSettings.RepoID != "ws/repo" || snap.BuildSettings.InstallationID != "42" || !snap.Linked {
		t.Errorf("snapshot = %+v", snap)
	}

	// Behind the provider's back.
	if err := ts.emu.UpdateNetlifySite(site.ID, map[string]any{"repo": map[string]any{"repo_branch": "hotfix"}}); err != nil {
		t.Fatal(err)
	}
	ts.do("GET", "/netlify/api/v1/sites/"+site.ID, netlifyAuth, nil).want(t, http.StatusOK, &got)
	if *got.BuildSettings.RepoBranch != "hotfix" {
		t.Errorf("UpdateNetlifySite not visible: %s", *got.BuildSettings.RepoBranch)
	}
	if err := ts.emu.UpdateNetlifySite("nope", map[string]any{}); err == nil {
		t.Error("UpdateNetlifySite on an unknown site should fail")
	}

	ts.do("DELETE", "/netlify/api/v1/sites/"+site.ID, netlifyAuth, nil).want(t, http.StatusNoContent, nil)
	ts.do("GET", "/netlify/api/v1/sites/"+site.ID, netlifyAuth, nil).want(t, http.StatusNotFound, nil)
	ts.do("PATCH", "/netlify/api/v1/sites/"+site.ID, netlifyAuth, map[string]any{}).want(t, http.StatusNotFound, nil)
}

func TestNetlifySiteListPagination(t *testing.T) {
	ts := newTestServer(t, nil)
	for _, name := range []string{"alpha", "beta", "gamma"} {
		ts.do("POST", "/netlify/api/v1/sites", netlifyAuth, map[string]any{"name": name}).want(t, http.StatusCreated, nil)
	}
	var page1 []nlSiteJSON
	r := ts.do("GET", "/netlify/api/v1/sites?per_page=2", netlifyAuth, nil)
	r.want(t, http.StatusOK, &page1)
	if len(page1) != 2 || page1[0].Name != "alpha" {
		t.Fatalf("page 1 = %+v", page1)
	}
	link := r.header.Get("Link")
	if !strings.Contains(link, `page=2&per_page=2>; rel="next"`) || !strings.Contains(link, ts.srv.URL+"/netlify/api/v1/sites?") {
		t.Errorf("Link = %q", link)
	}
	var page2 []nlSiteJSON
	r = ts.do("GET", "/netlify/api/v1/sites?per_page=2&page=2", netlifyAuth, nil)
	r.want(t, http.StatusOK, &page2)
	if len(page2) != 1 || page2[0].Name != "gamma" || strings.Contains(r.header.Get("Link"), `rel="next"`) {
		t.Errorf("page 2 = %+v, Link %q", page2, r.header.Get("Link"))
	}
	var filtered []nlSiteJSON
	ts.do("GET", "/netlify/api/v1/sites?name=amm", netlifyAuth, nil).want(t, http.StatusOK, &filtered)
	if len(filtered) != 1 || filtered[0].Name != "gamma" {
		t.Errorf("name filter = %+v", filtered)
	}
}

func TestNetlifyUnlinkDeletesKeyAndBuildHooks(t *testing.T) {
	ts := newTestServer(t, nil)
	var key, otherKey nlDeployKeyJSON
	ts.do("POST", "/netlify/api/v1/deploy_keys", netlifyAuth, nil).want(t, http.StatusCreated, &key)
	ts.do("POST", "/netlify/api/v1/deploy_keys", netlifyAuth, nil).want(t, http.StatusCreated, &otherKey)
	var site nlSiteJSON
	ts.do("POST", "/netlify/api/v1/sites", netlifyAuth, map[string]any{"name": "to-unlink", "repo": map[string]any{
		"provider": "gitlab", "repo_path": "gitdeploy-demo/website", "repo_branch": "main", "deploy_key_id": key.ID, "id": 2001,
	}}).want(t, http.StatusCreated, &site)
	var hook nlBuildHookJSON
	ts.do("POST", "/netlify/api/v1/sites/"+site.ID+"/build_hooks", netlifyAuth, map[string]any{"title": "ci"}).want(t, http.StatusCreated, &hook)
	if hook.Branch != "main" {
		t.Errorf("hook branch defaults to the repo branch: got %q", hook.Branch)
	}

	var unlinked nlSiteJSON
	ts.do("PUT", "/netlify/api/v1/sites/"+site.ID+"/unlink_repo", netlifyAuth, nil).want(t, http.StatusOK, &unlinked)
	if unlinked.BuildSettings.RepoPath != nil || !isNullJSON(unlinked.BuildSettings.ID) || unlinked.BuildSettings.DeployKeyID != nil {
		t.Errorf("build_settings after unlink = %s", mustJSON(t, unlinked.BuildSettings))
	}
	ts.do("GET", "/netlify/api/v1/deploy_keys/"+key.ID, netlifyAuth, nil).want(t, http.StatusNotFound, nil)
	ts.do("GET", "/netlify/api/v1/deploy_keys/"+otherKey.ID, netlifyAuth, nil).want(t, http.StatusOK, nil)
	var hooks []nlBuildHookJSON
	ts.do("GET", "/netlify/api/v1/sites/"+site.ID+"/build_hooks", netlifyAuth, nil).want(t, http.StatusOK, &hooks)
	if len(hooks) != 0 {
		t.Errorf("build hooks after unlink = %+v", hooks)
	}
	if s, _ := ts.emu.NetlifySite(site.ID); s.Linked {
		t.Error("site still linked")
	}
	ts.do("PUT", "/netlify/api/v1/sites/nope/unlink_repo", netlifyAuth, nil).want(t, http.StatusNotFound, nil)
}

func TestNetlifyBuildHooks(t *testing.T) {
	ts := newTestServer(t, nil)
	var site nlSiteJSON
	ts.do("POST", "/netlify/api/v1/sites", netlifyAuth, map[string]any{"name": "hooked"}).want(t, http.StatusCreated, &site)
	base := "/netlify/api/v1/sites/" + site.ID + "/build_hooks"
	var hook nlBuildHookJSON
	ts.do("POST", base, netlifyAuth, map[string]any{"title": "deploy", "branch": "develop"}).want(t, http.StatusCreated, &hook)
	if !hex24.MatchString(hook.ID) || hook.Title != "deploy" || hook.Branch != "develop" || hook.SiteID != site.ID ||
		hook.URL != ts.srv.URL+"/netlify/build_hooks/"+hook.ID || hook.CreatedAt == "" {
		t.Errorf("hook = %+v", hook)
	}
	var got nlBuildHookJSON
	ts.do("GET", base+"/"+hook.ID, netlifyAuth, nil).want(t, http.StatusOK, &got)
	if got != hook {
		t.Errorf("get = %+v, want %+v", got, hook)
	}
	r := ts.do("PUT", base+"/"+hook.ID, netlifyAuth, map[string]any{"title": "renamed"})
	r.want(t, http.StatusNoContent, nil)
	if len(r.body) != 0 {
		t.Errorf("PUT answered a body: %s", r.body)
	}
	var list []nlBuildHookJSON
	ts.do("GET", base, netlifyAuth, nil).want(t, http.StatusOK, &list)
	if len(list) != 1 || list[0].Title != "renamed" || list[0].Branch != "develop" {
		t.Errorf("list = %+v", list)
	}
	ts.do("POST", "/netlify/build_hooks/"+hook.ID, "", nil).want(t, http.StatusOK, nil)
	if hooks := ts.emu.NetlifyBuildHooks(site.ID); len(hooks) != 1 || hooks[0].Triggered != 1 {
		t.Errorf("snapshot = %+v", hooks)
	}
	ts.do("DELETE", base+"/"+hook.ID, netlifyAuth, nil).want(t, http.StatusNoContent, nil)
	ts.do("GET", base+"/"+hook.ID, netlifyAuth, nil).want(t, http.StatusNotFound, nil)
	ts.do("POST", "/netlify/build_hooks/"+hook.ID, "", nil).want(t, http.StatusNotFound, nil)
	ts.do("POST", "/netlify/api/v1/sites/nope/build_hooks", netlifyAuth, map[string]any{}).want(t, http.StatusNotFound, nil)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func isNullJSON(raw json.RawMessage) bool { return raw == nil || string(raw) == "null" }
