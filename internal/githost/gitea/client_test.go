package gitea

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost/githosttest"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

func newEmulated(t *testing.T, seed *emulator.Seed) (*emulator.Emulator, *httptest.Server, *Client) {
	t.Helper()
	emu := emulator.New(seed)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	client, err := New(Config{BaseURL: srv.URL + "/gitea/", Token: emulator.DefaultGiteaToken, HTTPClient: srv.Client(), UserAgent: "gitdeploy-test"})
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
	if apiErr.StatusCode != status || apiErr.Service != "Gitea" {
		t.Fatalf("APIError = %+v, want Gitea status %d", apiErr, status)
	}
	return apiErr
}

func newKey(t *testing.T) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(ssh.MarshalAuthorizedKey(sshPub)))
}

func TestNew(t *testing.T) {
	for in, want := range map[string]string{
		"https://gitea.example.com/":        "https://gitea.example.com",
		"https://gitea.example.com/api/v1":  "https://gitea.example.com",
		"https://host/sub/path/api/v1/":     "https://host/sub/path",
		"http://127.0.0.1:3000":             "http://127.0.0.1:3000",
		"https://codeberg.org/api/v1/":      "https://codeberg.org",
		"https://forgejo.example.com/git/":  "https://forgejo.example.com/git",
		"https://forgejo.example.com/git/x": "https://forgejo.example.com/git/x",
	} {
		c, err := New(Config{BaseURL: in})
		if err != nil || c.base != want || c.Kind() != "gitea" {
			t.Errorf("New(%q) = %+v, %v; want base %q", in, c, err, want)
		}
	}
	for _, bad := range []string{"", "gitea.example.com", "ftp://x", "https://x/?q=1"} {
		if _, err := New(Config{BaseURL: bad}); err == nil {
			t.Errorf("New(%q) succeeded", bad)
		}
	}
}

func TestRepositoriesAndBranches(t *testing.T) {
	s := emulator.DefaultSeed()
	s.Gitea.Generate = []emulator.GenerateSeed{{Owner: "big-org", Count: 130, PrivateShare: 0.2, ArchivedShare: 0.1}}
	s.Gitea.Repos = append(s.Gitea.Repos, emulator.GiteaRepoSeed{FullName: "demo/mono", DefaultBranch: "branch-0100", BranchCount: 120})
	emu, _, client := newEmulated(t, s)
	ctx := context.Background()

	repo, err := client.GetRepository(ctx, "gitdeploy-demo/private-app")
	if err != nil {
		t.Fatal(err)
	}
	if repo.ID != "3002" || repo.FullName != "gitdeploy-demo/private-app" || !repo.Private || repo.Visibility != "private" ||
		repo.DefaultBranch != "main" || !strings.HasSuffix(repo.CloneURL, ".git") || repo.SSHURL == "" || repo.PushedAt.IsZero() {
		t.Fatalf("repository = %+v", repo)
	}
	_, err = client.GetRepository(ctx, "gitdeploy-demo/gone")
	if apiErr := requireAPIError(t, err, http.StatusNotFound); apiErr.Message != `repository "gitdeploy-demo/gone" does not exist or is not visible to the token (The target couldn't be found.)` ||
		apiErr.Path != "/gitea/api/v1/repos/gitdeploy-demo/gone" || apiErr.Operation != "read repository" {
		t.Errorf("APIError = %+v", apiErr)
	}

	emu.ResetRequestCounts()
	repos, truncated, err := client.ListRepositories(ctx, githost.ListRepositoriesInput{Owner: "big-org"})
	if err != nil || truncated || len(repos) != 130 || repos[0].FullName != "big-org/repo-0001" || repos[129].FullName != "big-org/repo-0130" {
		t.Fatalf("org repositories = %d, %v, %v", len(repos), truncated, err)
	}
	if n := emu.RequestCounts()["GET /gitea/api/v1/orgs/{org}/repos"]; n != 3 {
		t.Errorf("%d page requests, want 3 of 50", n)
	}
	private, _, err := client.ListRepositories(ctx, githost.ListRepositoriesInput{Owner: "big-org", Visibility: "private"})
	if err != nil || len(private) != 26 {
		t.Errorf("private = %d, %v", len(private), err)
	}
	// A user: the organisation listing answers 404, then the user listing.
	users, _, err := client.ListRepositories(ctx, githost.ListRepositoriesInput{Owner: "demo"})
	if err != nil || len(users) != 1 || users[0].FullName != "demo/mono" {
		t.Errorf("user repositories = %+v, %v", users, err)
	}
	mine, _, err := client.ListRepositories(ctx, githost.ListRepositoriesInput{MaxItems: 10})
	if err != nil || len(mine) != 10 {
		t.Errorf("own repositories = %d, %v", len(mine), err)
	}
	_, _, err = client.ListRepositories(ctx, githost.ListRepositoriesInput{Owner: "nobody"})
	if apiErr := requireAPIError(t, err, http.StatusNotFound); !strings.Contains(apiErr.Message, `no organization or user named "nobody"`) {
		t.Errorf("unknown owner: %+v", apiErr)
	}

	branches, err := client.ListBranches(ctx, "demo/mono")
	if err != nil {
		t.Fatal(err)
	}
	var defaults []string
	for _, b := range branches {
		if b.Default {
			defaults = append(defaults, b.Name)
		}
	}
	all, _ := emu.Branches(emulator.HostGitea, "demo/mono")
	if len(branches) != len(all) || !slices.Equal(defaults, []string{"branch-0100"}) || len(branches[0].CommitSHA) != 40 {
		t.Fatalf("%d branches (want %d), defaults %v", len(branches), len(all), defaults)
	}
	if err := emu.AddBranch(emulator.HostGitea, "gitdeploy-demo/website", "feature/x"); err != nil {
		t.Fatal(err)
	}
	b, err := client.GetBranch(ctx, "gitdeploy-demo/website", "feature/x")
	if err != nil || b.Name != "feature/x" {
		t.Errorf("branch = %+v, %v", b, err)
	}
	if _, err := client.GetBranch(ctx, "gitdeploy-demo/website", "nope"); !httpx.IsNotFound(err) {
		t.Errorf("missing branch: %v", err)
	}
}

// Pages after the first are fetched concurrently: two requests for pages 2 and 3 must be in flight
// together before either is answered.
func TestListRepositoriesFetchesPagesConcurrently(t *testing.T) {
	s := emulator.DefaultSeed()
	s.Gitea.Generate = []emulator.GenerateSeed{{Owner: "big-org", Count: 150}}
	emu := emulator.New(s)
	gate := githosttest.NewGate(2, 5*time.Second)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("page") != "1" {
			defer gate.Leave()
			if !gate.Enter() {
				w.WriteHeader(http.StatusInternalServerError)
				return
			}
		}
		emu.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	client, err := New(Config{BaseURL: srv.URL + "/gitea", Token: emulator.DefaultGiteaToken, HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	repos, _, err := client.ListRepositories(context.Background(), githost.ListRepositoriesInput{Owner: "big-org"})
	if err != nil || len(repos) != 150 || gate.MaxInFlight() < 2 {
		t.Fatalf("ListRepositories = %d, %v; %d in flight", len(repos), err, gate.MaxInFlight())
	}
}

func TestDeployKeys(t *testing.T) {
	emu, _, client := newEmulated(t, nil)
	ctx := context.Background()
	const repo = "gitdeploy-demo/website"
	for _, readOnly := range []bool{false, true} {
		key := newKey(t)
		created, err := client.CreateDeployKey(ctx, repo, githost.DeployKeyInput{Title: fmt.Sprint("key-", readOnly), Key: key + " comment", ReadOnly: readOnly})
		if err != nil {
			t.Fatal(err)
		}
		// read_only is sent both ways, so Gitea's read-write default never decides.
		if created.ReadOnly != readOnly || created.Key != key || created.ID == "" || created.CreatedAt.IsZero() {
			t.Fatalf("created = %+v", created)
		}
		got, err := client.GetDeployKey(ctx, repo, created.ID)
		if err != nil || got.ReadOnly != readOnly {
			t.Fatalf("get = %+v, %v", got, err)
		}
	}
	keys := emu.GiteaDeployKeys(repo)
	_, err := client.CreateDeployKey(ctx, repo, githost.DeployKeyInput{Title: "again", Key: keys[0].Key, ReadOnly: true})
	if apiErr := requireAPIError(t, err, http.StatusUnprocessableEntity); apiErr.Message != "This key has already been added to this repository" {
		t.Errorf("duplicate: %+v", apiErr)
	}
	for i := range 55 {
		if _, err := client.CreateDeployKey(ctx, repo, githost.DeployKeyInput{Title: fmt.Sprint("k", i), Key: newKey(t), ReadOnly: true}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := client.ListDeployKeys(ctx, repo)
	if err != nil || len(list) != 57 {
		t.Fatalf("list = %d, %v", len(list), err)
	}
	if !emu.DeleteGiteaDeployKey(repo, keys[0].ID) {
		t.Fatal("could not delete behind the provider's back")
	}
	if _, err := client.GetDeployKey(ctx, repo, keys[0].ID); !httpx.IsNotFound(err) {
		t.Errorf("read after removal: %v", err)
	}
	// Gitea answers 204 for a key that is gone.
	if err := client.DeleteDeployKey(ctx, repo, keys[0].ID); err != nil {
		t.Errorf("delete of a gone key: %v", err)
	}
	if err := client.DeleteDeployKey(ctx, repo, keys[1].ID); err != nil || len(emu.GiteaDeployKeys(repo)) != 55 {
		t.Errorf("delete: %v", err)
	}
}

func TestWebhooks(t *testing.T) {
	emu, _, client := newEmulated(t, nil)
	ctx := context.Background()
	const repo = "gitdeploy-demo/website"
	for _, bad := range []githost.WebhookInput{
		{URL: "https://x.example", Events: []string{"push"}, ContentType: "xml"},
		{URL: "https://x.example", Events: []string{"push"}, InsecureSSL: true},
		{URL: "", Events: []string{"push"}},
		{URL: "https://x.example", Events: []string{"issues"}},
	} {
		if _, err := client.CreateWebhook(ctx, repo, bad); err == nil {
			t.Errorf("CreateWebhook(%+v) succeeded", bad)
		}
	}
	// Active false must stay false, and true must be sent: Gitea defaults to inactive.
	for _, active := range []bool{true, false} {
		created, err := client.CreateWebhook(ctx, repo, githost.WebhookInput{URL: fmt.Sprint("https://hooks.example/", active),
			Secret: "s3cret", Events: []string{"push", "pull_request", "tag"}, Active: active, BranchFilter: "main"})
		if err != nil {
			t.Fatal(err)
		}
		if created.Active != active || !slices.Equal(created.Events, []string{"pull_request", "push", "tag"}) ||
			created.ContentType != "json" || created.BranchFilter != "main" || created.ID == "" {
			t.Fatalf("created = %+v", created)
		}
	}
	hooks := emu.GiteaHooks(repo)
	if len(hooks) != 2 || hooks[0].Secret != "s3cret" || hooks[0].Type != "gitea" || !hooks[0].Active || hooks[1].Active {
		t.Fatalf("emulated hooks = %+v", hooks)
	}
	// A hand-made change shows as drift under Gitea's names.
	if err := emu.UpdateGiteaHook(repo, hooks[0].ID, map[string]any{"events": []string{"push", "issues_only"}, "branch_filter": "main"}); err != nil {
		t.Fatal(err)
	}
	got, err := client.GetWebhook(ctx, repo, hooks[0].ID)
	if err != nil || !slices.Equal(got.Events, []string{"issues", "push"}) {
		t.Fatalf("get = %+v, %v", got, err)
	}
	// Update sends everything: the empty secret clears it, active false is kept false.
	updated, err := client.UpdateWebhook(ctx, repo, hooks[0].ID, githost.WebhookInput{URL: "https://other.example/h",
		Events: []string{"push"}, ContentType: "form"})
	if err != nil || updated.URL != "https://other.example/h" || updated.Active || updated.ContentType != "form" ||
		updated.BranchFilter != "" || !slices.Equal(updated.Events, []string{"push"}) {
		t.Fatalf("updated = %+v, %v", updated, err)
	}
	if h := emu.GiteaHooks(repo)[0]; h.Secret != "" || h.Active {
		t.Errorf("after update = %+v", h)
	}
	if _, err := client.UpdateWebhook(ctx, repo, hooks[0].ID, githost.WebhookInput{URL: "https://other.example/h", Secret: "new",
		Events: []string{"push"}, Active: true}); err != nil {
		t.Fatal(err)
	}
	if h := emu.GiteaHooks(repo)[0]; h.Secret != "new" || !h.Active {
		t.Errorf("after second update = %+v", h)
	}
	all, err := client.ListWebhooks(ctx, repo)
	if err != nil || len(all) != 2 {
		t.Fatalf("list = %d, %v", len(all), err)
	}
	if err := client.DeleteWebhook(ctx, repo, hooks[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := client.GetWebhook(ctx, repo, hooks[0].ID); !httpx.IsNotFound(err) {
		t.Errorf("read after delete: %v", err)
	}
	if err := client.DeleteWebhook(ctx, repo, hooks[0].ID); !httpx.IsNotFound(err) {
		t.Errorf("delete twice: %v", err)
	}
	if _, err := client.UpdateWebhook(ctx, repo, hooks[0].ID, githost.WebhookInput{URL: "https://x", Events: []string{"push"}}); !httpx.IsNotFound(err) {
		t.Errorf("update of a gone hook: %v", err)
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
		{"id not a number", func() error { _, err := client.GetDeployKey(ctx, "o/r", "abc"); return err }, "not a positive decimal"},
		{"negative id", func() error { return client.DeleteWebhook(ctx, "o/r", "-1") }, "not a positive decimal"},
		{"three parts", func() error { _, err := client.GetRepository(ctx, "a/b/c"); return err }, `must be "owner/name"`},
		{"dot-dot", func() error { _, err := client.GetRepository(ctx, "o/.."); return err }, "run of dots"},
		{"reserved suffix", func() error { _, err := client.GetRepository(ctx, "o/repo.git"); return err }, "must not end in"},
		{"owner with double dash", func() error { _, err := client.ListDeployKeys(ctx, "a--b/r"); return err }, "in a row"},
		{"encoded slash", func() error { _, err := client.ListWebhooks(ctx, "o/a%2F.."); return err }, "may only hold"},
		{"empty branch", func() error { _, err := client.GetBranch(ctx, "o/r", ""); return err }, "branch name is empty"},
		{"owner", func() error {
			_, _, err := client.ListRepositories(ctx, githost.ListRepositoriesInput{Owner: "-x"})
			return err
		}, "must begin"},
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

// Errors keep their cause: an answer that is not JSON is summarised, a dropped connection on a create
// may have been applied, a wrong token is 401, a cancelled context stays a context error.
func TestErrors(t *testing.T) {
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		switch r.Method {
		case http.MethodPost:
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
			}
		default:
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			_, _ = w.Write([]byte("<html><body><h1>502 Bad Gateway</h1></body></html>"))
		}
	}))
	t.Cleanup(srv.Close)
	client, err := New(Config{BaseURL: srv.URL, Token: "t", HTTPClient: srv.Client()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err = client.GetRepository(ctx, "o/r")
	if apiErr := requireAPIError(t, err, http.StatusBadGateway); apiErr.Message != "502 Bad Gateway" || apiErr.Path != "/api/v1/repos/o/r" {
		t.Errorf("APIError = %+v", apiErr)
	}
	_, err = client.CreateWebhook(ctx, "o/r", githost.WebhookInput{URL: "https://x", Events: []string{"push"}})
	if apiErr := requireAPIError(t, err, 0); apiErr.Err == nil || !httpx.MayHaveBeenApplied(err) || apiErr.Path != "/api/v1/repos/o/r/hooks" {
		t.Errorf("dropped create = %+v", apiErr)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := client.GetRepository(cancelled, "o/r"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}

	_, emuSrv, _ := newEmulated(t, nil)
	wrong, _ := New(Config{BaseURL: emuSrv.URL + "/gitea", Token: "wrong", HTTPClient: emuSrv.Client()})
	_, err = wrong.GetRepository(ctx, "gitdeploy-demo/website")
	_ = requireAPIError(t, err, http.StatusUnauthorized)
}
