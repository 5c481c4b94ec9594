package emulator

import (
	"net/http"
	"net/url"
	"testing"
)

// The admin routes of Bitbucket and Gitea map onto the Go API: hooks listed with their secrets,
// changed and deleted behind the provider's back.
func TestBitbucketAndGiteaAdminHookRoutes(t *testing.T) {
	ts := newTestServer(t, nil)
	var bbHook bbHookJSON
	ts.do("POST", bbHooksPath, bitbucketAuth, map[string]any{"url": "https://x.example", "events": []string{"repo:push"}, "secret": "s"}).
		want(t, http.StatusCreated, &bbHook)
	const bbAdmin = "/_emulator/bitbucket/repositories/gitdeploy-demo/website/hooks"
	var bbHooks []BitbucketHook
	ts.do("GET", bbAdmin, "", nil).want(t, http.StatusOK, &bbHooks)
	if len(bbHooks) != 1 || bbHooks[0].Secret != "s" || bbHooks[0].UUID != bbHook.UUID {
		t.Fatalf("admin hooks = %+v", bbHooks)
	}
	ts.do("PUT", bbAdmin+"/"+url.PathEscape(bbHook.UUID), "", map[string]any{"active": false}).want(t, http.StatusNoContent, nil)
	ts.do("PUT", bbAdmin+"/"+url.PathEscape("{00000000-0000-4000-a000-000000000000}"), "", map[string]any{}).want(t, http.StatusNotFound, nil)
	ts.do("PUT", bbAdmin+"/"+url.PathEscape(bbHook.UUID), "", map[string]any{"events": []string{"nope"}}).want(t, http.StatusBadRequest, nil)
	if ts.emu.BitbucketHooks("gitdeploy-demo/website")[0].Active {
		t.Error("admin PUT did not deactivate the hook")
	}
	ts.do("DELETE", bbAdmin+"/"+url.PathEscape(bbHook.UUID), "", nil).want(t, http.StatusNoContent, nil)
	ts.do("DELETE", bbAdmin+"/"+url.PathEscape(bbHook.UUID), "", nil).want(t, http.StatusNotFound, nil)
	ts.do("GET", "/_emulator/bitbucket/repositories/gitdeploy-demo/nope/hooks", "", nil).want(t, http.StatusNotFound, nil)

	var gtHook gtHookJSON
	ts.do("POST", gtHooksPath, giteaAuth, map[string]any{"type": "gitea", "config": map[string]any{"url": "https://x.example",
		"content_type": "json", "secret": "g"}}).want(t, http.StatusCreated, &gtHook)
	const gtAdmin = "/_emulator/gitea/repos/gitdeploy-demo/website/hooks"
	var gtHooks []GiteaHook
	ts.do("GET", gtAdmin, "", nil).want(t, http.StatusOK, &gtHooks)
	if len(gtHooks) != 1 || gtHooks[0].Secret != "g" {
		t.Fatalf("admin hooks = %+v", gtHooks)
	}
	id := gtHooks[0].ID
	ts.do("PATCH", gtAdmin+"/"+id, "", map[string]any{"active": true, "events": []string{"create"}}).want(t, http.StatusNoContent, nil)
	if h := ts.emu.GiteaHooks("gitdeploy-demo/website")[0]; !h.Active || len(h.Events) != 1 || h.Events[0] != "create" {
		t.Errorf("after admin PATCH = %+v", h)
	}
	ts.do("PATCH", gtAdmin+"/"+id, "", map[string]any{"config": map[string]any{"content_type": "xml"}}).want(t, http.StatusBadRequest, nil)
	ts.do("DELETE", gtAdmin+"/"+id, "", nil).want(t, http.StatusNoContent, nil)
	ts.do("DELETE", gtAdmin+"/"+id, "", nil).want(t, http.StatusNotFound, nil)

	// Push through the admin API on both hosts.
	var res PushResult
	ts.do("POST", "/_emulator/push", "", map[string]string{"host": "gitea", "repository": "gitdeploy-demo/website", "branch": "main"}).want(t, http.StatusOK, &res)
	if res.Host != "gitea" || res.After == "" {
		t.Errorf("gitea push = %+v", res)
	}
	ts.do("POST", "/_emulator/push", "", map[string]string{"host": "bitbucket", "repository": "gitdeploy-demo/website", "branch": "x"}).want(t, http.StatusOK, &res)
	if !res.Created {
		t.Errorf("bitbucket push = %+v", res)
	}
}
