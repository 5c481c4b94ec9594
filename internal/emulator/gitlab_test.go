package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

func TestGitLabAuth(t *testing.T) {
	ts := newTestServer(t, nil)
	for _, auth := range []string{"", "PRIVATE-TOKEN: nope", "Authorization: Bearer nope"} {
		var body map[string]string
		ts.do("GET", "/gitlab/api/v4/user", auth, nil).want(t, http.StatusUnauthorized, &body)
		if body["message"] != "401 Unauthorized" {
			t.Errorf("auth %q: body %v", auth, body)
		}
	}
	for _, auth := range []string{gitlabAuth, "Authorization: Bearer " + DefaultGitLabToken} {
		var user glUserJSON
		ts.do("GET", "/gitlab/api/v4/user", auth, nil).want(t, http.StatusOK, &user)
		if user.Username != "demo" || user.ID != 1 {
			t.Errorf("user = %+v", user)
		}
	}
}

func TestGitLabProjectByIDAndEncodedPath(t *testing.T) {
	ts := newTestServer(t, outsiderSeed())
	var byPath, byID glProjectJSON
	ts.do("GET", "/gitlab/api/v4/projects/gitdeploy-demo%2Ffrontend%2Fapp", gitlabAuth, nil).want(t, http.StatusOK, &byPath)
	ts.do("GET", "/gitlab/api/v4/projects/2002", gitlabAuth, nil).want(t, http.StatusOK, &byID)
	if mustJSON(t, byPath) != mustJSON(t, byID) {
		t.Errorf("by path %s\nby id   %s", mustJSON(t, byPath), mustJSON(t, byID))
	}
	p := byPath
	if p.ID != 2002 || p.Path != "app" || p.PathWithNamespace != "gitdeploy-demo/frontend/app" || p.Visibility != "private" ||
		p.DefaultBranch != "main" || p.Namespace.Kind != "group" || p.Namespace.FullPath != "gitdeploy-demo/frontend" ||
		p.Namespace.ParentID == nil || p.WebURL != ts.srv.URL+"/gitlab/gitdeploy-demo/frontend/app" ||
		p.HTTPURLToRepo != ts.srv.URL+"/gitlab/gitdeploy-demo/frontend/app.git" ||
		p.SSHURLToRepo != "git@127.0.0.1:gitdeploy-demo/frontend/app.git" || p.ForkedFromProject != nil {
		t.Errorf("project = %s", mustJSON(t, p))
	}
	var notFound map[string]string
	ts.do("GET", "/gitlab/api/v4/projects/gitdeploy-demo%2Fnope", gitlabAuth, nil).want(t, http.StatusNotFound, &notFound)
	if notFound["message"] != "404 Project Not Found" {
		t.Errorf("404 body = %v", notFound)
	}
	ts.do("GET", "/gitlab/api/v4/projects/999999", gitlabAuth, nil).want(t, http.StatusNotFound, nil)

	stranger := "PRIVATE-TOKEN: stranger-token"
	ts.do("GET", "/gitlab/api/v4/projects/2002", stranger, nil).want(t, http.StatusNotFound, nil)
	ts.do("GET", "/gitlab/api/v4/projects/2001", stranger, nil).want(t, http.StatusOK, nil)
	var forbidden map[string]string
	ts.do("POST", "/gitlab/api/v4/projects/2001/deploy_keys", stranger, map[string]any{"title": "x", "key": newPublicKey(t)}).
		want(t, http.StatusForbidden, &forbidden)
	if forbidden["message"] != "403 Forbidden" {
		t.Errorf("403 body = %v", forbidden)
	}
}

func TestGitLabForkedProject(t *testing.T) {
	s := DefaultSeed()
	s.GitLab.Projects = append(s.GitLab.Projects, GitLabProjectSeed{PathWithNamespace: "demo/website-fork", Visibility: "public",
		ForkedFrom: "gitdeploy-demo/website"})
	ts := newTestServer(t, s)
	var p glProjectJSON
	ts.do("GET", "/gitlab/api/v4/projects/demo%2Fwebsite-fork", gitlabAuth, nil).want(t, http.StatusOK, &p)
	if p.ForkedFromProject == nil || p.ForkedFromProject.ID != 2001 || p.Namespace.Kind != "user" || p.ID == 0 {
		t.Errorf("fork = %s", mustJSON(t, p))
	}
}

func TestGitLabBranchesPagination(t *testing.T) {
	ts := newTestServer(t, nil)
	for i := range 4 {
		if err := ts.emu.AddBranch(HostGitLab, "gitdeploy-demo/website", fmt.Sprintf("feature/f%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	// 6 branches: develop, feature/f0..f3, main.
	path := "/gitlab/api/v4/projects/gitdeploy-demo%2Fwebsite/repository/branches"
	var page2 []glBranchJSON
	r := ts.do("GET", path+"?per_page=2&page=2", gitlabAuth, nil)
	r.want(t, http.StatusOK, &page2)
	if len(page2) != 2 || page2[0].Name != "feature/f1" || page2[1].Name != "feature/f2" {
		t.Fatalf("page 2 = %+v", page2)
	}
	h := r.header
	for name, want := range map[string]string{"X-Page": "2", "X-Per-Page": "2", "X-Next-Page": "3", "X-Prev-Page": "1",
		"X-Total": "6", "X-Total-Pages": "3"} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	link := h.Get("Link")
	for _, rel := range []string{"prev", "next", "first", "last"} {
		if !strings.Contains(link, fmt.Sprintf("rel=%q", rel)) {
			t.Errorf("Link lacks %s: %q", rel, link)
		}
	}
	if !strings.Contains(link, ts.srv.URL+path+"?page=3&per_page=2>; rel=\"next\"") {
		t.Errorf("Link next keeps the encoded path: %q", link)
	}
	r = ts.do("GET", path+"?per_page=2&page=3", gitlabAuth, nil)
	r.want(t, http.StatusOK, nil)
	if r.header.Get("X-Next-Page") != "" || strings.Contains(r.header.Get("Link"), `rel="next"`) {
		t.Errorf("last page: X-Next-Page %q, Link %q", r.header.Get("X-Next-Page"), r.header.Get("Link"))
	}
	var all []glBranchJSON
	ts.do("GET", path, gitlabAuth, nil).want(t, http.StatusOK, &all)
	if len(all) != 6 {
		t.Errorf("default page = %d branches", len(all))
	}
	var searched []glBranchJSON
	ts.do("GET", path+"?search=f3", gitlabAuth, nil).want(t, http.StatusOK, &searched)
	if len(searched) != 1 || searched[0].Name != "feature/f3" {
		t.Errorf("search = %+v", searched)
	}

	var main glBranchJSON
	ts.do("GET", "/gitlab/api/v4/projects/2001/repository/branches/main", gitlabAuth, nil).want(t, http.StatusOK, &main)
	if !main.Default || !main.Protected || main.Commit.ID != commitSHA("gitlab", "gitdeploy-demo/website", "main") || main.Commit.ShortID != main.Commit.ID[:8] {
		t.Errorf("main = %+v", main)
	}
	var feature glBranchJSON
	ts.do("GET", "/gitlab/api/v4/projects/2001/repository/branches/feature%2Ff0", gitlabAuth, nil).want(t, http.StatusOK, &feature)
	if feature.Name != "feature/f0" || feature.Default {
		t.Errorf("feature = %+v", feature)
	}
	var missing map[string]string
	ts.do("GET", "/gitlab/api/v4/projects/2001/repository/branches/nope", gitlabAuth, nil).want(t, http.StatusNotFound, &missing)
	if missing["message"] != "404 Branch Not Found" {
		t.Errorf("missing = %v", missing)
	}
}

func TestGitLabDeployKeys(t *testing.T) {
	ts := newTestServer(t, nil)
	appKeys := "/gitlab/api/v4/projects/gitdeploy-demo%2Ffrontend%2Fapp/deploy_keys"
	siteKeys := "/gitlab/api/v4/projects/2001/deploy_keys"
	pub := newPublicKey(t)
	withComment := pub + " netlify@example"
	var created glKeyJSON
	ts.do("POST", appKeys, gitlabAuth, map[string]any{"title": "netlify", "key": withComment}).want(t, http.StatusCreated, &created)
	parsed, err := parsePublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	if created.Key != withComment || created.Title != "netlify" || created.CanPush || created.ExpiresAt != nil ||
		created.FingerprintSHA256 != parsed.fingerprintSHA256 || !strings.HasPrefix(created.FingerprintSHA256, "SHA256:") ||
		len(created.Fingerprint) != 47 {
		t.Errorf("created = %+v", created)
	}

	// The exact key again on the same project: GitLab answers with the key already there.
	var again glKeyJSON
	ts.do("POST", appKeys, gitlabAuth, map[string]any{"title": "other title", "key": withComment}).want(t, http.StatusCreated, &again)
	if again != created {
		t.Errorf("again = %+v, want %+v", again, created)
	}
	// The same key with another comment is a new key whose fingerprint is taken.
	var taken struct {
		Message map[string][]string `json:"message"`
	}
	ts.do("POST", appKeys, gitlabAuth, map[string]any{"title": "dup", "key": pub + " other"}).want(t, http.StatusBadRequest, &taken)
	if got := taken.Message["deploy_key.fingerprint_sha256"]; len(got) != 1 || got[0] != "has already been taken" {
		t.Errorf("taken = %+v", taken)
	}
	// The exact key on another project the user maintains is shared: same id, own can_push.
	var shared glKeyJSON
	ts.do("POST", siteKeys, gitlabAuth, map[string]any{"title": "ignored", "key": withComment, "can_push": true}).want(t, http.StatusCreated, &shared)
	if shared.ID != created.ID || !shared.CanPush || shared.Title != "netlify" {
		t.Errorf("shared = %+v", shared)
	}

	var missing map[string]string
	ts.do("POST", appKeys, gitlabAuth, map[string]any{"key": newPublicKey(t)}).want(t, http.StatusBadRequest, &missing)
	if missing["error"] != "title is missing" {
		t.Errorf("missing title = %v", missing)
	}
	ts.do("POST", appKeys, gitlabAuth, map[string]any{"title": "bad", "key": "ssh-ed25519 nope"}).want(t, http.StatusBadRequest, nil)

	var got glKeyJSON
	ts.do("GET", fmt.Sprint(appKeys, "/", created.ID), gitlabAuth, nil).want(t, http.StatusOK, &got)
	if got != created {
		t.Errorf("get = %+v", got)
	}
	var list []glKeyJSON
	r := ts.do("GET", appKeys, gitlabAuth, nil)
	r.want(t, http.StatusOK, &list)
	if len(list) != 1 || list[0].ID != created.ID || r.header.Get("X-Total") != "1" {
		t.Errorf("list = %+v, X-Total %q", list, r.header.Get("X-Total"))
	}

	// Removing it from one project keeps it on the other.
	ts.do("DELETE", fmt.Sprint(appKeys, "/", created.ID), gitlabAuth, nil).want(t, http.StatusNoContent, nil)
	var gone map[string]string
	ts.do("GET", fmt.Sprint(appKeys, "/", created.ID), gitlabAuth, nil).want(t, http.StatusNotFound, &gone)
	if gone["message"] != "404 Deploy Key Not Found" {
		t.Errorf("gone = %v", gone)
	}
	ts.do("GET", fmt.Sprint(siteKeys, "/", created.ID), gitlabAuth, nil).want(t, http.StatusOK, nil)
	if keys := ts.emu.GitLabDeployKeys("gitdeploy-demo/website"); len(keys) != 1 || keys[0].ID != fmt.Sprint(created.ID) || !keys[0].CanPush {
		t.Errorf("snapshot = %+v", keys)
	}
	if !ts.emu.DeleteGitLabDeployKey("2001", fmt.Sprint(created.ID)) || ts.emu.DeleteGitLabDeployKey("2001", fmt.Sprint(created.ID)) {
		t.Error("DeleteGitLabDeployKey should succeed once")
	}
	// Used nowhere now, the key is gone from GitLab: the other comment variant can be added.
	ts.do("POST", appKeys, gitlabAuth, map[string]any{"title": "dup", "key": pub + " other"}).want(t, http.StatusCreated, nil)
}

func TestGitLabRenameDeployKey(t *testing.T) {
	ts := newTestServer(t, nil)
	keys := "/gitlab/api/v4/projects/gitdeploy-demo%2Fwebsite/deploy_keys"
	var key struct {
		ID      int64  `json:"id"`
		Title   string `json:"title"`
		CanPush bool   `json:"can_push"`
	}
	ts.do("POST", keys, gitlabAuth, map[string]any{"title": "old", "key": newPublicKey(t)}).want(t, http.StatusCreated, &key)
	path := fmt.Sprintf("%s/%d", keys, key.ID)
	ts.do("PUT", path, gitlabAuth, map[string]any{"title": "new"}).want(t, http.StatusOK, &key)
	if key.Title != "new" || key.CanPush {
		t.Errorf("after the rename: %+v", key)
	}
	ts.do("PUT", path, gitlabAuth, map[string]any{"title": ""}).want(t, http.StatusBadRequest, nil)
	ts.do("PUT", keys+"/999999", gitlabAuth, map[string]any{"title": "x"}).want(t, http.StatusNotFound, nil)
	ts.do("PATCH", fmt.Sprintf("/_emulator/gitlab/projects/gitdeploy-demo%%2Fwebsite/deploy_keys/%d", key.ID), "", map[string]any{"title": "by hand"}).
		want(t, http.StatusNoContent, nil)
	ts.do("GET", path, gitlabAuth, nil).want(t, http.StatusOK, &key)
	if key.Title != "by hand" {
		t.Errorf("after the admin rename: %+v", key)
	}
}
