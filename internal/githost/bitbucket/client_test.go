package bitbucket

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// newEmulated starts the emulator with seed (nil: the demo seed) and returns it with a client using the
// demo account's API token.
func newEmulated(t *testing.T, seed *emulator.Seed) (*emulator.Emulator, *httptest.Server, *Client) {
	t.Helper()
	emu := emulator.New(seed)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	client, err := New(Config{BaseURL: srv.URL + emulator.BitbucketPrefix, Email: emulator.DefaultBitbucketEmail,
		APIToken: emulator.DefaultBitbucketAPIToken, HTTPClient: srv.Client(), UserAgent: "gitdeploy-test"})
	if err != nil {
		t.Fatal(err)
	}
	return emu, srv, client
}

func requireAPIError(t *testing.T, err error, status int) *httpx.APIError {
	t.Helper()
	var apiErr *httpx.APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("error %v (%T) is not an *httpx.APIError", err, err)
	}
	if apiErr.StatusCode != status || apiErr.Service != "Bitbucket" {
		t.Fatalf("APIError = %+v, want Bitbucket status %d", apiErr, status)
	}
	return apiErr
}

func newKey(t *testing.T) string {
	t.Helper()
	// A fixed valid ed25519 key with a varying body would need crypto; the emulator's Netlify makes keys.
	return "ssh-ed25519 " + base64.StdEncoding.EncodeToString(append([]byte("\x00\x00\x00\x0bssh-ed25519\x00\x00\x00\x20"), randomBytes(t, 32)...))
}

var keyMu sync.Mutex
var keySeq byte

func randomBytes(t *testing.T, n int) []byte {
	t.Helper()
	keyMu.Lock()
	defer keyMu.Unlock()
	keySeq++
	out := make([]byte, n)
	for i := range out {
		out[i] = keySeq + byte(i)
	}
	return out
}

func TestNew(t *testing.T) {
	c, err := New(Config{})
	if err != nil || c.base.String() != DefaultBaseURL || c.auth != "" || c.Kind() != "bitbucket" {
		t.Fatalf("New(Config{}) = %+v, %v", c, err)
	}
	c, err = New(Config{AccessToken: "tok"})
	if err != nil || c.auth != "Bearer tok" {
		t.Fatalf("access token: %+v, %v", c, err)
	}
	for _, bad := range []Config{
		{BaseURL: "api.bitbucket.org"}, {BaseURL: "ftp://x/"}, {BaseURL: "https://x/2.0?q=1"},
		{APIToken: "t"}, {Email: "a@b"}, {AccessToken: "a", APIToken: "t", Email: "a@b"},
	} {
		if _, err := New(bad); err == nil {
			t.Errorf("New(%+v) succeeded", bad)
		}
	}
	secrets := Config{Email: "a@b.c", APIToken: "api", AccessToken: ""}.Secrets()
	if !slices.Contains(secrets, "api") || !slices.Contains(secrets, base64.StdEncoding.EncodeToString([]byte("a@b.c:api"))) {
		t.Errorf("Secrets = %v", secrets)
	}
}

func TestGetRepositoryAndBranch(t *testing.T) {
	_, _, client := newEmulated(t, nil)
	ctx := context.Background()
	repo, err := client.GetRepository(ctx, "gitdeploy-demo/private-app")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(repo.ID, "{") || repo.FullName != "gitdeploy-demo/private-app" || repo.Name != "private-app" ||
		!repo.Private || repo.Visibility != "private" || repo.DefaultBranch != "main" || repo.Fork ||
		!strings.HasSuffix(repo.CloneURL, "/gitdeploy-demo/private-app.git") || !strings.HasPrefix(repo.SSHURL, "git@") ||
		repo.HTMLURL == "" || repo.PushedAt.IsZero() {
		t.Fatalf("repository = %+v", repo)
	}
	_, err = client.GetRepository(ctx, "gitdeploy-demo/gone")
	if apiErr := requireAPIError(t, err, http.StatusNotFound); !httpx.IsNotFound(err) ||
		apiErr.Path != "/bitbucket/2.0/repositories/gitdeploy-demo/gone" || apiErr.Operation != "read repository" ||
		!strings.Contains(apiErr.Message, "not found") {
		t.Errorf("APIError = %+v", apiErr)
	}
	b, err := client.GetBranch(ctx, "gitdeploy-demo/website", "develop")
	if err != nil || b.Name != "develop" || len(b.CommitSHA) != 40 || b.Default {
		t.Fatalf("branch = %+v, %v", b, err)
	}
	if _, err := client.GetBranch(ctx, "gitdeploy-demo/website", "nope"); !httpx.IsNotFound(err) {
		t.Errorf("missing branch: %v", err)
	}
}

func TestListBranchesMarksDefault(t *testing.T) {
	s := emulator.DefaultSeed()
	s.Bitbucket.Repos = append(s.Bitbucket.Repos, emulator.BitbucketRepoSeed{FullName: "gitdeploy-demo/mono", MainBranch: "branch-0150", BranchCount: 230})
	emu, _, client := newEmulated(t, s)
	if err := emu.AddBranch(emulator.HostBitbucket, "gitdeploy-demo/mono", "feature/x"); err != nil {
		t.Fatal(err)
	}
	emu.ResetRequestCounts()
	branches, err := client.ListBranches(context.Background(), "gitdeploy-demo/mono")
	if err != nil {
		t.Fatal(err)
	}
	var defaults []string
	for _, b := range branches {
		if b.Default {
			defaults = append(defaults, b.Name)
		}
	}
	all, _ := emu.Branches(emulator.HostBitbucket, "gitdeploy-demo/mono")
	if len(branches) != len(all) || len(all) < 230 || !slices.Equal(defaults, []string{"branch-0150"}) || !slices.ContainsFunc(branches, func(b githost.Branch) bool { return b.Name == "feature/x" }) {
		t.Fatalf("%d branches, defaults %v", len(branches), defaults)
	}
	counts := emu.RequestCounts()
	if counts["GET /bitbucket/2.0/repositories/{workspace}/{repo_slug}/refs/branches"] != 3 || counts["GET /bitbucket/2.0/repositories/{workspace}/{repo_slug}"] != 1 {
		t.Errorf("requests = %v", counts)
	}
	if _, err := client.ListBranches(context.Background(), "gitdeploy-demo/gone"); !httpx.IsNotFound(err) {
		t.Errorf("missing repository: %v", err)
	}
}

func TestListRepositories(t *testing.T) {
	s := emulator.DefaultSeed()
	s.Bitbucket.Generate = []emulator.GenerateSeed{{Owner: "big-ws", Count: 250, PrivateShare: 0.3}}
	emu, _, client := newEmulated(t, s)
	ctx := context.Background()
	repos, truncated, err := client.ListRepositories(ctx, githost.ListRepositoriesInput{Owner: "big-ws"})
	if err != nil || truncated || len(repos) != 250 {
		t.Fatalf("ListRepositories = %d, %v, %v", len(repos), truncated, err)
	}
	for i, r := range repos {
		if want := fmt.Sprintf("big-ws/repo-%04d", i+1); r.FullName != want {
			t.Fatalf("repository %d = %s, want %s", i, r.FullName, want)
		}
	}
	if n := emu.RequestCounts()["GET /bitbucket/2.0/repositories/{workspace}"]; n != 3 {
		t.Errorf("%d requests, want 3", n)
	}
	private, _, err := client.ListRepositories(ctx, githost.ListRepositoriesInput{Owner: "big-ws", Visibility: "private"})
	if err != nil || len(private) != 75 || !private[0].Private {
		t.Errorf("private = %d, %v", len(private), err)
	}
	cut, truncated, err := client.ListRepositories(ctx, githost.ListRepositoriesInput{Owner: "big-ws", MaxItems: 20,
		Keep: func(r *githost.Repository) bool { return strings.HasSuffix(r.Name, "5") }})
	if err != nil || !truncated || len(cut) != 20 {
		t.Errorf("MaxItems = %d, %v, %v", len(cut), truncated, err)
	}
	mine, _, err := client.ListRepositories(ctx, githost.ListRepositoriesInput{})
	if err != nil || len(mine) != 252 {
		t.Errorf("member repositories = %d, %v", len(mine), err)
	}
	_, _, err = client.ListRepositories(ctx, githost.ListRepositoriesInput{Owner: "nobody"})
	if apiErr := requireAPIError(t, err, http.StatusNotFound); !strings.Contains(apiErr.Message, `no workspace named "nobody"`) {
		t.Errorf("unknown workspace: %+v", apiErr)
	}
	for _, bad := range []githost.ListRepositoriesInput{{Owner: "a/b"}, {Owner: "x y"}, {Visibility: "hidden"}, {MaxItems: -1}} {
		if _, _, err := client.ListRepositories(ctx, bad); err == nil {
			t.Errorf("ListRepositories(%+v) succeeded", bad)
		}
	}
}

func TestDeployKeys(t *testing.T) {
	emu, _, client := newEmulated(t, nil)
	ctx := context.Background()
	key := newKey(t)
	if _, err := client.CreateDeployKey(ctx, "gitdeploy-demo/website", githost.DeployKeyInput{Title: "rw", Key: key}); !errors.Is(err, errReadWriteKey) {
		t.Fatalf("read-write key: %v", err)
	}
	created, err := client.CreateDeployKey(ctx, "gitdeploy-demo/website", githost.DeployKeyInput{Title: "netlify", Key: key + " site@netlify", ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || created.Title != "netlify" || created.Key != key || !created.ReadOnly || created.CreatedAt.IsZero() {
		t.Fatalf("created = %+v", created)
	}
	_, err = client.CreateDeployKey(ctx, "gitdeploy-demo/website", githost.DeployKeyInput{Title: "again", Key: key, ReadOnly: true})
	if apiErr := requireAPIError(t, err, http.StatusBadRequest); !strings.Contains(apiErr.Message, "already added") || httpx.MayHaveBeenApplied(err) {
		t.Errorf("duplicate: %+v", apiErr)
	}
	got, err := client.GetDeployKey(ctx, "gitdeploy-demo/website", created.ID)
	if err != nil || got.ID != created.ID || got.Key != key {
		t.Fatalf("get = %+v, %v", got, err)
	}
	for i := range 120 {
		if _, err := client.CreateDeployKey(ctx, "gitdeploy-demo/website", githost.DeployKeyInput{Title: fmt.Sprint(i), Key: newKey(t), ReadOnly: true}); err != nil {
			t.Fatal(err)
		}
	}
	keys, err := client.ListDeployKeys(ctx, "gitdeploy-demo/website")
	if err != nil || len(keys) != 121 || keys[0].ID != created.ID {
		t.Fatalf("list = %d, %v", len(keys), err)
	}
	if !emu.DeleteBitbucketDeployKey("gitdeploy-demo/website", created.ID) {
		t.Fatal("could not delete behind the provider's back")
	}
	if _, err := client.GetDeployKey(ctx, "gitdeploy-demo/website", created.ID); !httpx.IsNotFound(err) {
		t.Errorf("read after removal: %v", err)
	}
	if err := client.DeleteDeployKey(ctx, "gitdeploy-demo/website", created.ID); !httpx.IsNotFound(err) {
		t.Errorf("delete of a gone key: %v", err)
	}
	if err := client.DeleteDeployKey(ctx, "gitdeploy-demo/website", keys[1].ID); err != nil {
		t.Errorf("delete: %v", err)
	}
}

func TestAccessTokenCannotManageDeployKeys(t *testing.T) {
	_, srv, _ := newEmulated(t, nil)
	client, err := New(Config{BaseURL: srv.URL + emulator.BitbucketPrefix, AccessToken: emulator.DefaultBitbucketAccessToken, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	_, err = client.CreateDeployKey(context.Background(), "gitdeploy-demo/website", githost.DeployKeyInput{Title: "x", Key: newKey(t), ReadOnly: true})
	_ = requireAPIError(t, err, http.StatusForbidden)
	if _, err := client.ListDeployKeys(context.Background(), "gitdeploy-demo/website"); err != nil {
		t.Errorf("an access token may list deploy keys: %v", err)
	}
	bad, _ := New(Config{BaseURL: srv.URL + emulator.BitbucketPrefix, AccessToken: "wrong", HTTPClient: srv.Client()})
	_, err = bad.GetRepository(context.Background(), "gitdeploy-demo/website")
	_ = requireAPIError(t, err, http.StatusUnauthorized)
}

func TestWebhooks(t *testing.T) {
	emu, _, client := newEmulated(t, nil)
	ctx := context.Background()
	const repo = "gitdeploy-demo/website"
	if _, err := client.CreateWebhook(ctx, repo, githost.WebhookInput{URL: "https://x.example", Events: []string{"tag"}}); !errors.Is(err, errTagEvent) {
		t.Errorf("tag event: %v", err)
	}
	for _, bad := range []githost.WebhookInput{
		{URL: "https://x.example", Events: []string{"push"}, ContentType: "form"},
		{URL: "https://x.example", Events: []string{"push"}, BranchFilter: "main"},
		{URL: "https://x.example", Events: []string{"push"}, InsecureSSL: true},
		{URL: "", Events: []string{"push"}},
		{URL: "https://x.example"},
	} {
		if _, err := client.CreateWebhook(ctx, repo, bad); err == nil {
			t.Errorf("CreateWebhook(%+v) succeeded", bad)
		}
	}
	created, err := client.CreateWebhook(ctx, repo, githost.WebhookInput{URL: "https://api.netlify.example/hooks/bitbucket",
		Secret: "s3cret", Events: []string{"push", "pull_request"}, Active: true})
	if err != nil {
		t.Fatal(err)
	}
	if !isBracedUUID(created.ID) || !slices.Equal(created.Events, []string{"pull_request", "push"}) || !created.Active ||
		created.ContentType != "json" || created.CreatedAt.IsZero() {
		t.Fatalf("created = %+v", created)
	}
	hooks := emu.BitbucketHooks(repo)
	if len(hooks) != 1 || hooks[0].Secret != "s3cret" || len(hooks[0].Events) != 5 {
		t.Fatalf("emulated hooks = %+v", hooks)
	}
	// A hand-made change shows as drift: a pull request event removed leaves Bitbucket's names.
	if err := emu.UpdateBitbucketHook(repo, created.ID, map[string]any{"events": []string{"repo:push", "pullrequest:created"}}); err != nil {
		t.Fatal(err)
	}
	got, err := client.GetWebhook(ctx, repo, created.ID)
	if err != nil || !slices.Equal(got.Events, []string{"pullrequest:created", "push"}) {
		t.Fatalf("get = %+v, %v", got, err)
	}
	// Update sends the whole hook: an empty secret removes it.
	updated, err := client.UpdateWebhook(ctx, repo, created.ID, githost.WebhookInput{URL: "https://other.example/h", Events: []string{"push"}, Active: false})
	if err != nil || updated.URL != "https://other.example/h" || updated.Active || !slices.Equal(updated.Events, []string{"push"}) {
		t.Fatalf("updated = %+v, %v", updated, err)
	}
	if h := emu.BitbucketHooks(repo)[0]; h.Secret != "" {
		t.Errorf("secret after an update without one = %q", h.Secret)
	}
	if _, err := client.UpdateWebhook(ctx, repo, created.ID, githost.WebhookInput{URL: "https://other.example/h", Secret: "new", Events: []string{"push"}}); err != nil {
		t.Fatal(err)
	}
	if h := emu.BitbucketHooks(repo)[0]; h.Secret != "new" {
		t.Errorf("secret = %q", h.Secret)
	}
	for range 3 {
		if _, err := client.CreateWebhook(ctx, repo, githost.WebhookInput{URL: "https://more.example", Events: []string{"push"}}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := client.ListWebhooks(ctx, repo)
	if err != nil || len(all) != 4 {
		t.Fatalf("list = %d, %v", len(all), err)
	}
	if err := client.DeleteWebhook(ctx, repo, created.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := client.GetWebhook(ctx, repo, created.ID); !httpx.IsNotFound(err) {
		t.Errorf("read after delete: %v", err)
	}
	if err := client.DeleteWebhook(ctx, repo, created.ID); !httpx.IsNotFound(err) {
		t.Errorf("delete twice: %v", err)
	}
}

func TestBadInputMakesNoRequest(t *testing.T) {
	emu, _, client := newEmulated(t, nil)
	emu.ResetRequestCounts()
	ctx := context.Background()
	checks := []struct {
		name    string
		call    func() error
		wantErr string
	}{
		{"key id not a number", func() error { _, err := client.GetDeployKey(ctx, "ws/repo", "abc"); return err }, "not a positive decimal"},
		{"key id with sign", func() error { return client.DeleteDeployKey(ctx, "ws/repo", "+3") }, "not a positive decimal"},
		{"hook id without braces", func() error {
			_, err := client.GetWebhook(ctx, "ws/repo", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
			return err
		}, "UUID in braces"},
		{"hook id numeric", func() error { return client.DeleteWebhook(ctx, "ws/repo", "42") }, "UUID in braces"},
		{"three parts", func() error { _, err := client.GetRepository(ctx, "a/b/c"); return err }, "workspace/repo_slug"},
		{"dot-dot", func() error { _, err := client.GetRepository(ctx, "ws/.."); return err }, "not allowed"},
		{"encoded slash", func() error { _, err := client.ListDeployKeys(ctx, "ws/a%2F.."); return err }, "may only hold"},
		{"empty branch", func() error { _, err := client.GetBranch(ctx, "ws/repo", ""); return err }, "branch name is empty"},
	}
	for _, check := range checks {
		if err := check.call(); err == nil || !strings.Contains(err.Error(), check.wantErr) {
			t.Errorf("%s: error %v, want one containing %q", check.name, err, check.wantErr)
		}
	}
	if counts := emu.RequestCounts(); len(counts) != 0 {
		t.Fatalf("bad input reached the server: %v", counts)
	}
}

// Errors from answers that are not Bitbucket's JSON, lost answers and foreign next links.
func TestErrorsAndSafety(t *testing.T) {
	var foreign string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/html"):
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
		case strings.HasSuffix(r.URL.Path, "/deploy-keys"):
			if r.Method == http.MethodPost {
				conn, _, err := http.NewResponseController(w).Hijack()
				if err == nil {
					_ = conn.Close()
				}
				return
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = fmt.Fprintf(w, `{"values": [{"id": 1, "key": "k"}], "next": %q}`, foreign)
		}
	}))
	t.Cleanup(srv.Close)
	foreign = "https://elsewhere.example/2.0/repositories/ws/repo/deploy-keys?page=2"
	client, err := New(Config{BaseURL: srv.URL + "/2.0", AccessToken: "t", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = client.GetRepository(ctx, "ws/html")
	if apiErr := requireAPIError(t, err, http.StatusBadGateway); apiErr.Message != "502 Bad Gateway" {
		t.Errorf("summary = %q", apiErr.Message)
	}
	if _, err := client.ListDeployKeys(ctx, "ws/repo"); err == nil || !strings.Contains(err.Error(), "refusing to follow") {
		t.Errorf("foreign next link: %v", err)
	}
	_, err = client.CreateDeployKey(ctx, "ws/repo", githost.DeployKeyInput{Key: "k", ReadOnly: true})
	if apiErr := requireAPIError(t, err, 0); apiErr.Err == nil || !httpx.MayHaveBeenApplied(err) {
		t.Errorf("a dropped create must say it may have been applied: %+v", apiErr)
	}
}
