package emulator

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

const ghHooksPath = "/github/api/v3/repos/gitdeploy-demo/website/hooks"

func TestGitHubHookCreateMasksSecret(t *testing.T) {
	ts := newTestServer(t, nil)
	var hook ghHookJSON
	ts.do("POST", ghHooksPath, githubAuth, map[string]any{
		"name": "web", "active": true, "events": []string{"push", "pull_request"},
		"config": map[string]any{"url": "https://hooks.example/x", "content_type": "json", "secret": "s3cret", "insecure_ssl": "0"},
	}).want(t, http.StatusCreated, &hook)
	if hook.Type != "Repository" || hook.Name != "web" || !hook.Active || hook.ID == 0 ||
		strings.Join(hook.Events, ",") != "push,pull_request" || hook.Config.URL != "https://hooks.example/x" ||
		hook.Config.ContentType != "json" || hook.Config.InsecureSSL != "0" || hook.Config.Secret != "********" ||
		hook.LastResponse.Status != "unused" || hook.LastResponse.Code != nil {
		t.Fatalf("hook = %+v", hook)
	}
	self := fmt.Sprintf("%s%s/%d", ts.srv.URL, ghHooksPath, hook.ID)
	if hook.URL != self || hook.PingURL != self+"/pings" || hook.TestURL != self+"/test" || hook.DeliveriesURL != self+"/deliveries" {
		t.Errorf("urls = %s %s %s %s", hook.URL, hook.PingURL, hook.TestURL, hook.DeliveriesURL)
	}
	hooks := ts.emu.GitHubHooks("gitdeploy-demo/website")
	if len(hooks) != 1 || hooks[0].Secret != "s3cret" || hooks[0].ID != fmt.Sprint(hook.ID) {
		t.Fatalf("Go API hooks = %+v", hooks)
	}
	if state := ts.emu.State(); state.GitHub.Repos[0].Hooks[0].Secret != "" {
		t.Errorf("state leaks the secret: %+v", state.GitHub.Repos[0].Hooks[0])
	}

	// Defaults: content_type form, events [push], active; no secret means no "secret" key at all.
	resp := ts.do("POST", ghHooksPath, githubAuth, map[string]any{"config": map[string]any{"url": "http://127.0.0.1:1/y", "insecure_ssl": 1}})
	resp.want(t, http.StatusCreated, &hook)
	if hook.Config.ContentType != "form" || hook.Config.InsecureSSL != "1" || strings.Join(hook.Events, ",") != "push" ||
		!hook.Active || strings.Contains(string(resp.body), `"secret"`) {
		t.Errorf("defaults: %s", resp.body)
	}
}

func TestGitHubHookPatchSemantics(t *testing.T) {
	ts := newTestServer(t, nil)
	var hook ghHookJSON
	ts.do("POST", ghHooksPath, githubAuth, map[string]any{
		"events": []string{"push"}, "active": false,
		"config": map[string]any{"url": "https://hooks.example/x", "content_type": "json", "secret": "s3cret"},
	}).want(t, http.StatusCreated, &hook)
	path := fmt.Sprintf("%s/%d", ghHooksPath, hook.ID)

	// No config: the config (and its secret) stays; active stays false when omitted.
	var patched ghHookJSON
	ts.do("PATCH", path, githubAuth, map[string]any{"events": []string{"push", "pull_request"}}).want(t, http.StatusOK, &patched)
	if patched.Config.Secret != "********" || patched.Active || strings.Join(patched.Events, ",") != "push,pull_request" {
		t.Fatalf("after events patch: %+v", patched)
	}
	ts.do("PATCH", path, githubAuth, map[string]any{"add_events": []string{"create"}, "remove_events": []string{"push"}}).want(t, http.StatusOK, &patched)
	if strings.Join(patched.Events, ",") != "pull_request,create" {
		t.Errorf("add/remove events: %v", patched.Events)
	}
	// A config without the secret removes it, as GitHub documents.
	resp := ts.do("PATCH", path, githubAuth, map[string]any{"config": map[string]any{"url": "https://hooks.example/z", "content_type": "json"}})
	resp.want(t, http.StatusOK, &patched)
	if strings.Contains(string(resp.body), `"secret"`) || patched.Config.URL != "https://hooks.example/z" {
		t.Errorf("after config patch: %s", resp.body)
	}
	if got := ts.emu.GitHubHooks("gitdeploy-demo/website")[0].Secret; got != "" {
		t.Errorf("secret kept: %q", got)
	}
	// The Go API has the same semantics.
	if err := ts.emu.UpdateGitHubHook("gitdeploy-demo/website", fmt.Sprint(hook.ID), map[string]any{"active": true,
		"config": map[string]any{"url": "https://hooks.example/z", "secret": "new"}}); err != nil {
		t.Fatal(err)
	}
	if h := ts.emu.GitHubHooks("gitdeploy-demo/website")[0]; !h.Active || h.Secret != "new" || h.ContentType != "form" {
		t.Errorf("after Go API update: %+v", h)
	}
	if err := ts.emu.UpdateGitHubHook("gitdeploy-demo/website", "999", nil); err == nil {
		t.Error("unknown hook: no error")
	}
}

func TestGitHubHookErrors(t *testing.T) {
	ts := newTestServer(t, outsiderSeed())
	valid := map[string]any{"url": "https://hooks.example/x", "content_type": "json"}
	cases := []struct {
		name  string
		body  map[string]any
		field string
		code  string
	}{
		{"no config", map[string]any{"events": []string{"push"}}, "url", "missing_field"},
		{"no url", map[string]any{"config": map[string]any{"content_type": "json"}}, "url", "missing_field"},
		{"bad url", map[string]any{"config": map[string]any{"url": "not a url"}}, "url", "invalid"},
		{"bad name", map[string]any{"name": "travis", "config": valid}, "name", "invalid"},
		{"bad event", map[string]any{"events": []string{"pushh"}, "config": valid}, "events", "invalid"},
		{"bad content type", map[string]any{"config": map[string]any{"url": "https://x.example", "content_type": "xml"}}, "content_type", "invalid"},
	}
	for _, c := range cases {
		var body struct {
			Message string              `json:"message"`
			Errors  []ghValidationError `json:"errors"`
		}
		ts.do("POST", ghHooksPath, githubAuth, c.body).want(t, http.StatusUnprocessableEntity, &body)
		if body.Message != "Validation Failed" || len(body.Errors) != 1 || body.Errors[0].Field != c.field ||
			body.Errors[0].Code != c.code || body.Errors[0].Resource != "Hook" {
			t.Errorf("%s: %+v", c.name, body)
		}
	}
	var hook ghHookJSON
	ts.do("POST", ghHooksPath, githubAuth, map[string]any{"events": []string{"push"}, "config": valid}).want(t, http.StatusCreated, &hook)
	var dup struct {
		Errors []ghValidationError `json:"errors"`
	}
	ts.do("POST", ghHooksPath, githubAuth, map[string]any{"events": []string{"pull_request", "push"}, "config": valid}).
		want(t, http.StatusUnprocessableEntity, &dup)
	if len(dup.Errors) != 1 || dup.Errors[0].Message != "Hook already exists on this repository" {
		t.Errorf("duplicate: %+v", dup)
	}
	// Same URL, other events: allowed.
	ts.do("POST", ghHooksPath, githubAuth, map[string]any{"events": []string{"pull_request"}, "config": valid}).want(t, http.StatusCreated, nil)

	ts.do("GET", ghHooksPath+"/424242", githubAuth, nil).want(t, http.StatusNotFound, nil)
	ts.do("GET", ghHooksPath+"/abc", githubAuth, nil).want(t, http.StatusNotFound, nil)
	ts.do("GET", ghHooksPath, "Authorization: token outsider-token", nil).want(t, http.StatusNotFound, nil)
	ts.do("GET", ghHooksPath, "", nil).want(t, http.StatusUnauthorized, nil)
	path := fmt.Sprintf("%s/%d", ghHooksPath, hook.ID)
	ts.do("DELETE", path, githubAuth, nil).want(t, http.StatusNoContent, nil)
	ts.do("DELETE", path, githubAuth, nil).want(t, http.StatusNotFound, nil)
	ts.do("PATCH", path, githubAuth, map[string]any{"active": false}).want(t, http.StatusNotFound, nil)
}

func TestGitHubHookListPagination(t *testing.T) {
	ts := newTestServer(t, nil)
	for i := range 3 {
		ts.do("POST", ghHooksPath, githubAuth, map[string]any{"config": map[string]any{"url": fmt.Sprintf("https://h%d.example", i)}}).
			want(t, http.StatusCreated, nil)
	}
	var page []ghHookJSON
	resp := ts.do("GET", ghHooksPath+"?per_page=2", githubAuth, nil)
	resp.want(t, http.StatusOK, &page)
	if len(page) != 2 || !strings.Contains(resp.header.Get("Link"), `rel="next"`) || !strings.Contains(resp.header.Get("Link"), `rel="last"`) {
		t.Errorf("page 1: %d hooks, Link %q", len(page), resp.header.Get("Link"))
	}
	ts.do("GET", ghHooksPath+"?per_page=2&page=2", githubAuth, nil).want(t, http.StatusOK, &page)
	if len(page) != 1 || page[0].Config.URL != "https://h2.example" {
		t.Errorf("page 2: %+v", page)
	}
	if !ts.emu.DeleteGitHubHook("gitdeploy-demo/website", fmt.Sprint(page[0].ID)) || len(ts.emu.GitHubHooks("gitdeploy-demo/website")) != 2 {
		t.Error("DeleteGitHubHook did not delete")
	}
}

const glHooksPath = "/gitlab/api/v4/projects/gitdeploy-demo%2Fwebsite/hooks"

func TestGitLabHookCRUD(t *testing.T) {
	ts := newTestServer(t, nil)
	var hook glHookJSON
	resp := ts.do("POST", glHooksPath, gitlabAuth, map[string]any{"url": "https://hooks.example/gl", "token": "tok-1",
		"merge_requests_events": true, "push_events_branch_filter": "main"})
	resp.want(t, http.StatusCreated, &hook)
	if strings.Contains(string(resp.body), "tok-1") || strings.Contains(string(resp.body), `"token"`) {
		t.Errorf("token in answer: %s", resp.body)
	}
	// push_events and enable_ssl_verification default to true.
	if hook.ID == 0 || hook.ProjectID != 2001 || !hook.PushEvents || !hook.MergeRequestsEvents || hook.TagPushEvents ||
		!hook.EnableSSLVerification || hook.PushEventsBranchFilter != "main" || hook.BranchFilterStrategy != "wildcard" ||
		hook.AlertStatus != "executable" {
		t.Fatalf("hook = %+v", hook)
	}
	id := fmt.Sprint(hook.ID)
	hooks := ts.emu.GitLabHooks("gitdeploy-demo/website")
	if len(hooks) != 1 || hooks[0].Token != "tok-1" || hooks[0].ID != id {
		t.Fatalf("Go API = %+v", hooks)
	}
	// By numeric id too.
	ts.do("GET", "/gitlab/api/v4/projects/2001/hooks/"+id, gitlabAuth, nil).want(t, http.StatusOK, &hook)

	// PUT without token keeps it.
	ts.do("PUT", glHooksPath+"/"+id, gitlabAuth, map[string]any{"url": "https://hooks.example/gl", "push_events": false}).
		want(t, http.StatusOK, &hook)
	if hook.PushEvents || !hook.MergeRequestsEvents || ts.emu.GitLabHooks("2001")[0].Token != "tok-1" {
		t.Errorf("after PUT: %+v, token %q", hook, ts.emu.GitLabHooks("2001")[0].Token)
	}
	// A new URL without token resets it (documented).
	ts.do("PUT", glHooksPath+"/"+id, gitlabAuth, map[string]any{"url": "https://hooks.example/other"}).want(t, http.StatusOK, nil)
	if got := ts.emu.GitLabHooks("2001")[0].Token; got != "" {
		t.Errorf("token after URL change = %q", got)
	}
	ts.do("PUT", glHooksPath+"/"+id, gitlabAuth, map[string]any{"url": "https://hooks.example/other", "token": "tok-2"}).want(t, http.StatusOK, nil)
	if got := ts.emu.GitLabHooks("2001")[0].Token; got != "tok-2" {
		t.Errorf("token after resend = %q", got)
	}
	if err := ts.emu.UpdateGitLabHook("gitdeploy-demo/website", id, map[string]any{"tag_push_events": true}); err != nil {
		t.Fatal(err)
	}
	if h := ts.emu.GitLabHooks("2001")[0]; !h.TagPushEvents || h.URL != "https://hooks.example/other" || h.Token != "tok-2" {
		t.Errorf("after Go API update: %+v", h)
	}

	var list []glHookJSON
	lresp := ts.do("GET", glHooksPath, gitlabAuth, nil)
	lresp.want(t, http.StatusOK, &list)
	if len(list) != 1 || lresp.header.Get("X-Total") != "1" {
		t.Errorf("list = %+v, X-Total %q", list, lresp.header.Get("X-Total"))
	}
	ts.do("DELETE", glHooksPath+"/"+id, gitlabAuth, nil).want(t, http.StatusNoContent, nil)
	if len(ts.emu.GitLabHooks("2001")) != 0 {
		t.Error("hook still there after DELETE")
	}
	var notFound map[string]string
	ts.do("GET", glHooksPath+"/"+id, gitlabAuth, nil).want(t, http.StatusNotFound, &notFound)
	if notFound["message"] != "404 Not found" {
		t.Errorf("404 body = %v", notFound)
	}
}

func TestGitLabHookErrors(t *testing.T) {
	ts := newTestServer(t, outsiderSeed())
	var body map[string]any
	ts.do("POST", glHooksPath, gitlabAuth, map[string]any{"push_events": true}).want(t, http.StatusBadRequest, &body)
	if body["error"] != "url is missing" {
		t.Errorf("no url: %v", body)
	}
	ts.do("POST", glHooksPath, gitlabAuth, map[string]any{"url": "ftp://x.example/"}).want(t, http.StatusUnprocessableEntity, nil)
	ts.do("POST", glHooksPath, gitlabAuth, map[string]any{"url": "https://x.example/", "push_events": "maybe"}).want(t, http.StatusBadRequest, nil)
	ts.do("POST", glHooksPath, gitlabAuth, map[string]any{"url": "https://x.example/", "branch_filter_strategy": "regex",
		"push_events_branch_filter": "("}).want(t, http.StatusUnprocessableEntity, nil)
	// Strangers see the public project but may not manage its hooks.
	ts.do("GET", glHooksPath, "PRIVATE-TOKEN: stranger-token", nil).want(t, http.StatusForbidden, nil)
	ts.do("GET", "/gitlab/api/v4/projects/gitdeploy-demo%2Ffrontend%2Fapp/hooks", "PRIVATE-TOKEN: stranger-token", nil).
		want(t, http.StatusNotFound, nil)
	ts.do("PUT", glHooksPath+"/1", gitlabAuth, map[string]any{"url": "https://x.example"}).want(t, http.StatusNotFound, nil)
}

func TestGitLabHookBranchFilter(t *testing.T) {
	cases := []struct {
		strategy, filter, branch string
		want                     bool
	}{
		{"wildcard", "", "anything", true},
		{"wildcard", "main", "main", true},
		{"wildcard", "main", "develop", false},
		{"wildcard", "release/*", "release/1.0", true},
		{"wildcard", "release/*", "main", false},
		{"regex", "^feat-[0-9]+$", "feat-12", true},
		{"regex", "^feat-[0-9]+$", "feat-x", false},
		{"all_branches", "main", "develop", true},
	}
	for _, c := range cases {
		h := &glHook{branchFilterStrategy: c.strategy, branchFilter: c.filter}
		if got := h.matchesBranch(c.branch); got != c.want {
			t.Errorf("%s %q on %q = %v", c.strategy, c.filter, c.branch, got)
		}
	}
}

func TestGitLabHookFormEncoded(t *testing.T) {
	ts := newTestServer(t, nil)
	// Grape also takes form bodies: booleans as "true"/"false".
	req, err := http.NewRequest("POST", ts.srv.URL+glHooksPath, strings.NewReader("url=https%3A%2F%2Fx.example%2Fh&token=t&push_events=false&tag_push_events=true"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("PRIVATE-TOKEN", DefaultGitLabToken)
	resp, err := ts.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close() // the state is checked below
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("status %d", resp.StatusCode)
	}
	h := ts.emu.GitLabHooks("2001")
	if len(h) != 1 || h[0].URL != "https://x.example/h" || h[0].Token != "t" || h[0].PushEvents || !h[0].TagPushEvents {
		t.Errorf("hooks = %+v", h)
	}
}
