package emulator

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// receiver records the webhook deliveries it gets.
type receiver struct {
	mu   sync.Mutex
	got  []receivedDelivery
	srv  *httptest.Server
	code int
}

type receivedDelivery struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T) *receiver {
	t.Helper()
	rc := &receiver{code: http.StatusOK}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("receiver: read body: %v", err)
		}
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.got = append(rc.got, receivedDelivery{header: r.Header.Clone(), body: body})
		w.WriteHeader(rc.code)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) deliveries() []receivedDelivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]receivedDelivery(nil), rc.got...)
}

func hmacHex(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hex.EncodeToString(mac.Sum(nil))
}

func TestGitHubPushDelivers(t *testing.T) {
	ts := newTestServer(t, nil)
	rc := newReceiver(t)
	ts.do("POST", ghHooksPath, githubAuth, map[string]any{"events": []string{"push"},
		"config": map[string]any{"url": rc.srv.URL + "/json", "content_type": "json", "secret": "s3cret"}}).want(t, http.StatusCreated, nil)
	ts.do("POST", ghHooksPath, githubAuth, map[string]any{"events": []string{"push"},
		"config": map[string]any{"url": rc.srv.URL + "/form", "content_type": "form"}}).want(t, http.StatusCreated, nil)
	// Not delivered: inactive, or not subscribed to push.
	ts.do("POST", ghHooksPath, githubAuth, map[string]any{"events": []string{"push"}, "active": false,
		"config": map[string]any{"url": rc.srv.URL + "/inactive"}}).want(t, http.StatusCreated, nil)
	ts.do("POST", ghHooksPath, githubAuth, map[string]any{"events": []string{"pull_request"},
		"config": map[string]any{"url": rc.srv.URL + "/pr"}}).want(t, http.StatusCreated, nil)
	// Never delivered: not loopback.
	ts.do("POST", ghHooksPath, githubAuth, map[string]any{"events": []string{"push"},
		"config": map[string]any{"url": "https://api.netlify.com/hooks/github"}}).want(t, http.StatusCreated, nil)

	var before ghBranchJSON
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website/branches/main", githubAuth, nil).want(t, http.StatusOK, &before)
	res, err := ts.emu.Push(HostGitHub, "gitdeploy-demo/website", "main")
	if err != nil {
		t.Fatal(err)
	}
	if res.Created || res.Before != before.Commit.SHA || len(res.After) != 40 || res.After == res.Before || len(res.Deliveries) != 3 {
		t.Fatalf("push result = %+v", res)
	}
	if d := res.Deliveries[2]; d.StatusCode != 0 || !strings.Contains(d.Error, "loopback") {
		t.Errorf("non-loopback delivery = %+v", d)
	}
	for _, d := range res.Deliveries[:2] {
		if d.StatusCode != http.StatusOK || d.Event != "push" || d.GUID == "" || d.Error != "" {
			t.Errorf("delivery = %+v", d)
		}
	}
	got := rc.deliveries()
	if len(got) != 2 {
		t.Fatalf("receiver got %d deliveries", len(got))
	}
	jsonDelivery, formDelivery := got[0], got[1]
	h := jsonDelivery.header
	if h.Get("X-GitHub-Event") != "push" || h.Get("X-GitHub-Delivery") != res.Deliveries[0].GUID ||
		h.Get("Content-Type") != "application/json" || !strings.HasPrefix(h.Get("User-Agent"), "GitHub-Hookshot/") ||
		h.Get("X-Hub-Signature-256") != "sha256="+hmacHex("s3cret", jsonDelivery.body) {
		t.Errorf("json delivery headers = %v", h)
	}
	var payload ghPushJSON
	if err := json.Unmarshal(jsonDelivery.body, &payload); err != nil {
		t.Fatal(err)
	}
	if payload.Ref != "refs/heads/main" || payload.Before != res.Before || payload.After != res.After ||
		payload.Repository.FullName != "gitdeploy-demo/website" || payload.Repository.ID != 1001 ||
		payload.Pusher.Name != "octocat" || payload.HeadCommit == nil || payload.HeadCommit.ID != res.After {
		t.Errorf("payload = %+v", payload)
	}
	// Form: payload=<json>, no signature without a secret.
	if formDelivery.header.Get("Content-Type") != "application/x-www-form-urlencoded" || formDelivery.header.Get("X-Hub-Signature-256") != "" {
		t.Errorf("form headers = %v", formDelivery.header)
	}
	form, err := url.ParseQuery(string(formDelivery.body))
	if err != nil || !strings.Contains(form.Get("payload"), `"after":"`+res.After+`"`) {
		t.Errorf("form body = %s (%v)", formDelivery.body, err)
	}

	// The branch head moved; the next push starts from it; the hook shows the last response.
	var after ghBranchJSON
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website/branches/main", githubAuth, nil).want(t, http.StatusOK, &after)
	if after.Commit.SHA != res.After {
		t.Errorf("head = %s, want %s", after.Commit.SHA, res.After)
	}
	again, err := ts.emu.Push(HostGitHub, "gitdeploy-demo/website", "main")
	if err != nil || again.Before != res.After {
		t.Errorf("second push = %+v, %v", again, err)
	}
	var hooks []ghHookJSON
	ts.do("GET", ghHooksPath, githubAuth, nil).want(t, http.StatusOK, &hooks)
	if hooks[0].LastResponse.Code == nil || *hooks[0].LastResponse.Code != 200 || hooks[0].LastResponse.Status != "active" ||
		hooks[2].LastResponse.Status != "unused" {
		t.Errorf("last responses = %+v / %+v", hooks[0].LastResponse, hooks[2].LastResponse)
	}

	// A push to a missing branch creates it.
	created, err := ts.emu.Push(HostGitHub, "gitdeploy-demo/website", "feature/x")
	if err != nil || !created.Created || created.Before != zeroSHA {
		t.Errorf("created = %+v, %v", created, err)
	}
	ts.do("GET", "/github/api/v3/repos/gitdeploy-demo/website/branches/feature/x", githubAuth, nil).want(t, http.StatusOK, nil)
}

func TestGitLabPushDelivers(t *testing.T) {
	ts := newTestServer(t, nil)
	rc := newReceiver(t)
	for _, body := range []map[string]any{
		{"url": rc.srv.URL + "/all", "token": "gl-token"},
		{"url": rc.srv.URL + "/main-only", "push_events_branch_filter": "main"},
		{"url": rc.srv.URL + "/no-push", "push_events": false, "tag_push_events": true},
	} {
		ts.do("POST", glHooksPath, gitlabAuth, body).want(t, http.StatusCreated, nil)
	}
	res, err := ts.emu.Push(HostGitLab, "gitdeploy-demo/website", "develop")
	if err != nil {
		t.Fatal(err)
	}
	got := rc.deliveries()
	if len(res.Deliveries) != 1 || len(got) != 1 || res.Deliveries[0].StatusCode != 200 {
		t.Fatalf("deliveries = %+v, received %d", res.Deliveries, len(got))
	}
	h := got[0].header
	if h.Get("X-Gitlab-Event") != "Push Hook" || h.Get("X-Gitlab-Token") != "gl-token" || h.Get("X-Gitlab-Event-UUID") == "" {
		t.Errorf("headers = %v", h)
	}
	var payload glPushJSON
	if err := json.Unmarshal(got[0].body, &payload); err != nil {
		t.Fatal(err)
	}
	if payload.ObjectKind != "push" || payload.Ref != "refs/heads/develop" || payload.ProjectID != 2001 ||
		payload.Project.PathWithNamespace != "gitdeploy-demo/website" || payload.After != res.After ||
		payload.Project.VisibilityLevel != 20 || payload.CheckoutSHA != res.After {
		t.Errorf("payload = %+v", payload)
	}
	// main passes the filter of the second hook too.
	res, err = ts.emu.Push(HostGitLab, "2001", "main")
	if err != nil || len(res.Deliveries) != 2 || res.Repository != "gitdeploy-demo/website" {
		t.Errorf("push to main = %+v, %v", res, err)
	}
	if _, err := ts.emu.Push(HostGitLab, "nope/nope", "main"); err == nil {
		t.Error("push to an unknown project: no error")
	}
	if _, err := ts.emu.Push("sourcehut", "a/b", "main"); err == nil {
		t.Error("push to an unknown host: no error")
	}
}
