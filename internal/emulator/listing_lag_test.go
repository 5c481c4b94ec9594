package emulator

import (
	"net/http"
	"testing"
	"time"
)

func TestFaultAppliedThenAnsweredWithStatus(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.do("POST", "/_emulator/faults", "", map[string]any{"route": "POST /netlify/api/v1/deploy_keys", "after_apply": true, "status": 502}).
		want(t, http.StatusNoContent, nil)
	ts.do("POST", "/netlify/api/v1/deploy_keys", netlifyAuth, map[string]any{}).want(t, http.StatusBadGateway, nil)
	if n := len(ts.emu.NetlifyDeployKeys()); n != 1 {
		t.Errorf("the request answered 502 after it was applied made %d keys, want 1", n)
	}
}

func TestListingLag(t *testing.T) {
	ts := newTestServer(t, nil)
	ts.do("PUT", "/_emulator/listing_lag", "", map[string]any{"lag": "300ms"}).want(t, http.StatusNoContent, nil)
	var lag map[string]string
	ts.do("GET", "/_emulator/listing_lag", "", nil).want(t, http.StatusOK, &lag)
	if lag["lag"] != "300ms" {
		t.Errorf("lag = %v", lag)
	}

	var key struct{ ID string }
	ts.do("POST", "/netlify/api/v1/deploy_keys", netlifyAuth, map[string]any{}).want(t, http.StatusCreated, &key)
	var hook struct{ ID int64 }
	ts.do("POST", ghHooksPath, githubAuth, map[string]any{"config": map[string]any{"url": "https://a.example"}}).
		want(t, http.StatusCreated, &hook)
	var glHook struct{ ID int64 }
	ts.do("POST", "/gitlab/api/v4/projects/gitdeploy-demo%2Fwebsite/hooks", gitlabAuth, map[string]any{"url": "https://a.example"}).
		want(t, http.StatusCreated, &glHook)

	count := func(path, auth string) int {
		var items []map[string]any
		ts.do("GET", path, auth, nil).want(t, http.StatusOK, &items)
		return len(items)
	}
	lists := []struct{ path, auth string }{
		{"/netlify/api/v1/deploy_keys", netlifyAuth},
		{ghHooksPath, githubAuth},
		{"/gitlab/api/v4/projects/gitdeploy-demo%2Fwebsite/hooks", gitlabAuth},
	}
	for _, l := range lists {
		if n := count(l.path, l.auth); n != 0 {
			t.Errorf("%s lists %d objects at once, want 0 while the lag lasts", l.path, n)
		}
	}
	// The object itself reads at once.
	ts.do("GET", "/netlify/api/v1/deploy_keys/"+key.ID, netlifyAuth, nil).want(t, http.StatusOK, nil)
	time.Sleep(350 * time.Millisecond)
	for _, l := range lists {
		if n := count(l.path, l.auth); n != 1 {
			t.Errorf("%s lists %d objects after the lag, want 1", l.path, n)
		}
	}
	ts.do("PUT", "/_emulator/listing_lag", "", map[string]any{"lag": "soon"}).want(t, http.StatusBadRequest, nil)
	ts.emu.SetListingLag(time.Hour)
	ts.emu.Reset()
	if ts.emu.ListingLag() != 0 {
		t.Error("Reset kept the listing lag")
	}
}
