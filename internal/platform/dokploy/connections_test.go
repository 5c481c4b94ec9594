package dokploy

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost/githosttest"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

const (
	testAppID          = 4711
	testInstallationID = 8080
	testGitHubConnID   = "gh-connection"
)

// newEmulatedWithApp is newEmulated with a GitHub App installed on gitdeploy-demo and a Dokploy
// connection to it (made in the dashboard, so seeded).
func newEmulatedWithApp(t *testing.T) (*emulator.Emulator, *httptest.Server, *Client) {
	t.Helper()
	private, public := githosttest.GitHubAppKey(0)
	seed := emulator.DefaultSeed()
	seed.GitHub.Apps = []emulator.GitHubAppSeed{{ID: testAppID, Slug: "dokploy-app", PublicKey: public,
		Installations: []emulator.GitHubInstallationSeed{{ID: testInstallationID, Account: "gitdeploy-demo"}}}}
	seed.Dokploy.GitHubConnections = []emulator.DokployGitHubConnectionSeed{{Name: "GitHub", GitHubID: testGitHubConnID,
		AppName: "dokploy-app", AppID: testAppID, InstallationID: testInstallationID, PrivateKey: private}}
	emu := emulator.New(seed)
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	c, err := New(Config{URL: srv.URL + "/dokploy", APIKey: emulator.DefaultDokployAPIKey, HTTPClient: testHTTP()})
	if err != nil {
		t.Fatal(err)
	}
	return emu, srv, c
}

func branchNames(branches []ConnectionBranch) string {
	var out []string
	for _, b := range branches {
		if len(b.Commit) != 40 {
			return fmt.Sprintf("branch %q has commit %q", b.Name, b.Commit)
		}
		out = append(out, b.Name)
	}
	return strings.Join(out, ",")
}

func TestGitLabConnection(t *testing.T) {
	emu, srv, c := newEmulated(t)
	ctx := context.Background()
	conn, err := c.CreateGitLabConnection(ctx, GitLabConnectionInput{Name: "GitLab", URL: srv.URL + "/gitlab",
		ApplicationID: "oauth-app", Secret: "oauth-secret", GroupName: "gitdeploy-demo"})
	if err != nil {
		t.Fatal(err)
	}
	if conn.ID == "" || conn.GitProviderID == "" || conn.Authorized() || conn.Secrets.Secret != "oauth-secret" ||
		conn.RedirectURI != srv.URL+"/dokploy/api/providers/gitlab/callback" || conn.CreatedAt.IsZero() {
		t.Fatalf("created = %+v", conn)
	}
	authURL, err := url.Parse(c.GitLabAuthorizeURL(conn))
	if err != nil || authURL.Path != "/gitlab/oauth/authorize" || authURL.Query().Get("client_id") != "oauth-app" ||
		authURL.Query().Get("redirect_uri") != conn.RedirectURI+"?gitlabId="+conn.ID || authURL.Query().Get("response_type") != "code" {
		t.Errorf("authorize URL = %v (%v)", authURL, err)
	}
	// Not authorised yet: Dokploy cannot refresh a token it does not have.
	_, err = c.TestGitLabConnection(ctx, conn.ID, "gitdeploy-demo")
	if apiErr := apiError(t, err); apiErr.StatusCode != 400 || apiErr.Message != "Failed to refresh token: Bad Request" ||
		apiErr.Operation != "test GitLab connection" {
		t.Errorf("test before the authorisation: %v", err)
	}
	listed, err := c.FindConnection(ctx, conn.ID)
	if err != nil || listed == nil || listed.Kind != ConnectionGitLab || listed.Configured || listed.ApplicationID != "oauth-app" ||
		listed.GitProviderID != conn.GitProviderID || !listed.IsOwner {
		t.Fatalf("listed = %+v %v", listed, err)
	}

	// A person authorises it in the dashboard.
	if _, err := emu.AuthorizeDokployConnection(conn.ID, "demo"); err != nil {
		t.Fatal(err)
	}
	if conn, err = c.GetGitLabConnection(ctx, conn.ID); err != nil || !conn.Authorized() || conn.ExpiresAt.IsZero() {
		t.Fatalf("after the authorisation: %+v %v", conn, err)
	}
	if n, err := c.TestGitLabConnection(ctx, conn.ID, "gitdeploy-demo"); err != nil || n != 2 {
		t.Errorf("test = %d %v", n, err)
	}
	repos, err := c.ListGitLabRepositories(ctx, conn.ID)
	if err != nil || len(repos) != 2 || repos[1].FullName != "gitdeploy-demo/frontend/app" || repos[1].ID != 2002 ||
		repos[1].Owner != "frontend" || repos[1].Name != "app" {
		t.Fatalf("repositories = %+v %v", repos, err)
	}
	branches, err := c.ListGitLabBranches(ctx, conn.ID, 2001, "gitdeploy-demo", "website")
	if err != nil || branchNames(branches) != "develop,main" {
		t.Errorf("branches = %+v %v", branches, err)
	}

	// update sends every setting and reads the connection back.
	conn, err = c.UpdateGitLabConnection(ctx, conn.ID, conn.GitProviderID, GitLabConnectionInput{Name: "Renamed",
		URL: srv.URL + "/gitlab", ApplicationID: "oauth-app", Secret: "oauth-secret", GroupName: "gitdeploy-demo/frontend"})
	if err != nil || conn.Name != "Renamed" || conn.GroupName != "gitdeploy-demo/frontend" || !conn.Authorized() {
		t.Fatalf("updated = %+v %v", conn, err)
	}
	if repos, _ := c.ListGitLabRepositories(ctx, conn.ID); len(repos) != 1 {
		t.Errorf("repositories of the new group = %+v", repos)
	}
	_, err = c.UpdateGitLabConnection(ctx, "nope", conn.GitProviderID, GitLabConnectionInput{Name: "x", URL: "x"})
	if !httpx.IsNotFound(err) {
		t.Errorf("update of a missing connection: %v", err)
	}

	// Revoked on GitLab behind Dokploy's back.
	if err := emu.RevokeDokployConnection(conn.ID); err != nil {
		t.Fatal(err)
	}
	_, err = c.ListGitLabRepositories(ctx, conn.ID)
	if apiErr := apiError(t, err); apiErr.StatusCode != 400 || apiErr.Message != "Failed to fetch repositories: Unauthorized" {
		t.Errorf("listing after the revocation: %v", err)
	}

	if err := c.RemoveConnection(ctx, conn.GitProviderID); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"remove again": c.RemoveConnection(ctx, conn.GitProviderID),
		"get":          second(c.GetGitLabConnection(ctx, conn.ID)),
		"test":         second(c.TestGitLabConnection(ctx, conn.ID, "")),
		"repositories": second(c.ListGitLabRepositories(ctx, conn.ID)),
	} {
		if !httpx.IsNotFound(err) {
			t.Errorf("%s after remove: %v", name, err)
		}
	}
	if found, err := c.FindConnection(ctx, conn.ID); found != nil || err != nil {
		t.Errorf("FindConnection after remove: %+v %v", found, err)
	}
}

func second[T any](_ T, err error) error { return err }

func TestBitbucketConnection(t *testing.T) {
	emu, _, c := newEmulated(t)
	ctx := context.Background()
	conn, err := c.CreateBitbucketConnection(ctx, BitbucketConnectionInput{Name: "Bitbucket", Email: emulator.DefaultBitbucketEmail,
		APIToken: emulator.DefaultBitbucketAPIToken, Workspace: "gitdeploy-demo"})
	if err != nil {
		t.Fatal(err)
	}
	if conn.Workspace != "gitdeploy-demo" || conn.Email != emulator.DefaultBitbucketEmail || conn.Secrets.APIToken != emulator.DefaultBitbucketAPIToken {
		t.Fatalf("created = %+v", conn)
	}
	if n, err := c.TestBitbucketConnection(ctx, conn.ID, "gitdeploy-demo"); err != nil || n != 2 {
		t.Errorf("test = %d %v", n, err)
	}
	repos, err := c.ListBitbucketRepositories(ctx, conn.ID)
	if err != nil || len(repos) != 2 || repos[1].FullName != "gitdeploy-demo/private-app" || repos[1].Slug != "private-app" ||
		!strings.HasSuffix(repos[1].WebURL, "/bitbucket/gitdeploy-demo/private-app") {
		t.Fatalf("repositories = %+v %v", repos, err)
	}
	branches, err := c.ListBitbucketBranches(ctx, conn.ID, "gitdeploy-demo", "website")
	if err != nil || branchNames(branches) != "develop,main" {
		t.Errorf("branches = %+v %v", branches, err)
	}
	// Two connections of one name made in a row are told apart.
	other, err := c.CreateBitbucketConnection(ctx, BitbucketConnectionInput{Name: "Bitbucket", Email: emulator.DefaultBitbucketEmail,
		APIToken: emulator.DefaultBitbucketAPIToken})
	if err != nil || other.ID == conn.ID {
		t.Fatalf("second connection = %+v %v", other, err)
	}

	// The token changed by hand: Bitbucket refuses it.
	if err := emu.UpdateDokployConnection(conn.ID, map[string]any{"apiToken": "changed"}); err != nil {
		t.Fatal(err)
	}
	read, err := c.GetBitbucketConnection(ctx, conn.ID)
	if err != nil || read.Secrets.APIToken != "changed" {
		t.Fatalf("read = %+v %v", read, err)
	}
	_, err = c.TestBitbucketConnection(ctx, conn.ID, "gitdeploy-demo")
	if apiErr := apiError(t, err); apiErr.StatusCode != 400 || apiErr.Message != "Failed to fetch repositories: Unauthorized" {
		t.Errorf("test with a changed token: %v", err)
	}
	updated, err := c.UpdateBitbucketConnection(ctx, conn.ID, conn.GitProviderID, BitbucketConnectionInput{Name: "BB",
		APIToken: emulator.DefaultBitbucketAPIToken})
	if err != nil || updated.Name != "BB" || updated.Secrets.APIToken != emulator.DefaultBitbucketAPIToken || updated.Workspace != "gitdeploy-demo" {
		t.Fatalf("updated = %+v %v", updated, err)
	}
	if _, err := c.UpdateBitbucketConnection(ctx, "nope", "", BitbucketConnectionInput{Name: "x"}); !httpx.IsNotFound(err) {
		t.Errorf("update of a missing connection: %v", err)
	}
	if _, err := c.TestBitbucketConnection(ctx, "nope", "w"); !httpx.IsNotFound(err) {
		t.Errorf("test of a missing connection: %v", err)
	}
}

func TestGiteaConnection(t *testing.T) {
	emu, srv, c := newEmulated(t)
	ctx := context.Background()
	conn, err := c.CreateGiteaConnection(ctx, GiteaConnectionInput{Name: "Gitea", URL: srv.URL + "/gitea",
		AccessToken: emulator.DefaultGiteaToken})
	if err != nil {
		t.Fatal(err)
	}
	if conn.URL != srv.URL+"/gitea" || conn.Secrets.AccessToken != emulator.DefaultGiteaToken || conn.ClientID != "" ||
		!conn.LastAuthenticatedAt.IsZero() {
		t.Fatalf("created = %+v", conn)
	}
	if n, err := c.TestGiteaConnection(ctx, conn.ID); err != nil || n != 2 {
		t.Errorf("test = %d %v", n, err)
	}
	if conn, _ = c.GetGiteaConnection(ctx, conn.ID); conn.LastAuthenticatedAt.IsZero() {
		t.Error("lastAuthenticatedAt not read")
	}
	repos, err := c.ListGiteaRepositories(ctx, conn.ID)
	if err != nil || len(repos) != 2 || repos[0].FullName != "gitdeploy-demo/website" || repos[0].ID != 3001 || repos[0].Owner != "gitdeploy-demo" {
		t.Fatalf("repositories = %+v %v", repos, err)
	}
	branches, err := c.ListGiteaBranches(ctx, conn.ID, "gitdeploy-demo", "website")
	if err != nil || branchNames(branches) != "develop,main" {
		t.Errorf("branches = %+v %v", branches, err)
	}
	_, err = c.ListGiteaBranches(ctx, conn.ID, "gitdeploy-demo", "nope")
	if apiErr := apiError(t, err); apiErr.StatusCode != 400 || apiErr.Message != "Failed to fetch branches: Not Found" {
		t.Errorf("branches of a missing repository: %v", err)
	}
	// Connections are listed with what getAll tells (a token-only Gitea connection reads "not configured").
	conns, err := c.ListConnections(ctx)
	if err != nil || len(conns) != 1 || conns[0].Kind != ConnectionGitea || conns[0].Configured || conns[0].URL != conn.URL {
		t.Errorf("connections = %+v %v", conns, err)
	}
	// A wrong token set through update, then the right one again.
	if _, err := c.UpdateGiteaConnection(ctx, conn.ID, conn.GitProviderID, GiteaConnectionInput{Name: "Gitea", URL: conn.URL,
		AccessToken: "wrong-token"}); err != nil {
		t.Fatal(err)
	}
	_, err = c.TestGiteaConnection(ctx, conn.ID)
	if apiErr := apiError(t, err); apiErr.StatusCode != 400 || apiErr.Message != "Failed to connect to Gitea API: 401 Unauthorized" {
		t.Errorf("test with a wrong token: %v", err)
	}
	if _, err := c.UpdateGiteaConnection(ctx, "nope", conn.GitProviderID, GiteaConnectionInput{Name: "x", URL: "x"}); !httpx.IsNotFound(err) {
		t.Errorf("update of a missing connection: %v", err)
	}
	if _, err := c.TestGiteaConnection(ctx, "nope"); !httpx.IsNotFound(err) {
		t.Errorf("test of a missing connection: %v", err)
	}
	if !emu.DeleteDokployConnection(conn.ID) {
		t.Fatal("not deleted")
	}
	if _, err := c.GetGiteaConnection(ctx, conn.ID); !httpx.IsNotFound(err) {
		t.Errorf("read after a removal in the dashboard: %v", err)
	}
}

func TestGitHubConnection(t *testing.T) {
	_, _, c := newEmulatedWithApp(t)
	ctx := context.Background()
	conn, err := c.GetGitHubConnection(ctx, testGitHubConnID)
	if err != nil || !conn.Configured() || conn.AppID != testAppID || conn.InstallationID != "8080" ||
		conn.URL != "https://github.com" || !strings.Contains(conn.Secrets.PrivateKey, "PRIVATE KEY") {
		t.Fatalf("connection = %+v %v", conn, err)
	}
	if n, err := c.TestGitHubConnection(ctx, conn.ID); err != nil || n != 2 {
		t.Errorf("test = %d %v", n, err)
	}
	repos, err := c.ListGitHubRepositories(ctx, conn.ID)
	if err != nil || len(repos) != 2 || repos[1].FullName != "gitdeploy-demo/private-app" || !repos[1].Private ||
		repos[1].Owner != "gitdeploy-demo" || repos[1].DefaultBranch != "main" || repos[1].ID != 1002 {
		t.Fatalf("repositories = %+v %v", repos, err)
	}
	branches, err := c.ListGitHubBranches(ctx, conn.ID, "gitdeploy-demo", "website")
	if err != nil || branchNames(branches) != "develop,main" {
		t.Errorf("branches = %+v %v", branches, err)
	}
	_, err = c.ListGitHubBranches(ctx, conn.ID, "octocat", "nope")
	if apiErr := apiError(t, err); apiErr.StatusCode != 500 || !strings.HasPrefix(apiErr.Message, "Not Found") {
		t.Errorf("branches of a repository the app cannot see: %v", err)
	}
	conn, err = c.UpdateGitHubConnection(ctx, conn.ID, conn.GitProviderID, "Renamed", "renamed-app")
	if err != nil || conn.Name != "Renamed" || conn.AppName != "renamed-app" {
		t.Fatalf("updated = %+v %v", conn, err)
	}
	if _, err := c.UpdateGitHubConnection(ctx, "nope", conn.GitProviderID, "x", "y"); !httpx.IsNotFound(err) {
		t.Errorf("update of a missing connection: %v", err)
	}
	if _, err := c.TestGitHubConnection(ctx, "nope"); !httpx.IsNotFound(err) {
		t.Errorf("test of a missing connection: %v", err)
	}
	listed, err := c.FindConnection(ctx, conn.GitProviderID)
	if err != nil || listed == nil || listed.ID != testGitHubConnID || listed.AppID != testAppID || !listed.Configured {
		t.Errorf("listed = %+v %v", listed, err)
	}
}

func TestLinkThroughConnections(t *testing.T) {
	emu, srv, c := newEmulatedWithApp(t)
	ctx := context.Background()
	gitlab, err := c.CreateGitLabConnection(ctx, GitLabConnectionInput{Name: "gl", URL: "https://gitlab.com", ApplicationID: "a", Secret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := emu.AuthorizeDokployConnection(gitlab.ID, ""); err != nil {
		t.Fatal(err)
	}
	bitbucket, err := c.CreateBitbucketConnection(ctx, BitbucketConnectionInput{Name: "bb", Email: emulator.DefaultBitbucketEmail,
		APIToken: emulator.DefaultBitbucketAPIToken})
	if err != nil {
		t.Fatal(err)
	}
	gitea, err := c.CreateGiteaConnection(ctx, GiteaConnectionInput{Name: "gt", URL: srv.URL + "/gitea", AccessToken: emulator.DefaultGiteaToken})
	if err != nil {
		t.Fatal(err)
	}
	for _, link := range []struct {
		kind string
		save func(appID string) error
		repo string
	}{
		{ConnectionGitHub, func(id string) error {
			return c.SaveGitHubProvider(ctx, id, ConnectionSource{ConnectionID: testGitHubConnID, Owner: "gitdeploy-demo",
				Repository: "private-app", Branch: "main", WatchPaths: []string{"src/**"}})
		}, "gitdeploy-demo/private-app"},
		{ConnectionGitLab, func(id string) error {
			return c.SaveGitLabProvider(ctx, id, ConnectionSource{ConnectionID: gitlab.ID, Owner: "gitdeploy-demo", Repository: "app",
				ProjectID: 2002, PathNamespace: "gitdeploy-demo/frontend/app", Branch: "main"})
		}, "gitdeploy-demo/frontend/app"},
		{ConnectionBitbucket, func(id string) error {
			return c.SaveBitbucketProvider(ctx, id, ConnectionSource{ConnectionID: bitbucket.ID, Owner: "gitdeploy-demo",
				Repository: "private-app", Slug: "private-app", Branch: "main"})
		}, "gitdeploy-demo/private-app"},
		{ConnectionGitea, func(id string) error {
			return c.SaveGiteaProvider(ctx, id, ConnectionSource{ConnectionID: gitea.ID, Owner: "gitdeploy-demo",
				Repository: "private-app", Branch: "main", BuildPath: "/web"})
		}, "gitdeploy-demo/private-app"},
	} {
		app, err := c.CreateApplication(ctx, ApplicationInput{Name: "through " + link.kind, EnvironmentID: emulator.DefaultDokployEnvironmentID})
		if err != nil {
			t.Fatal(err)
		}
		if err := link.save(app.ID); err != nil {
			t.Fatalf("%s: %v", link.kind, err)
		}
		got, err := c.GetApplication(ctx, app.ID)
		if err != nil || got.SourceType != link.kind {
			t.Fatalf("%s: application %+v %v", link.kind, got, err)
		}
		switch link.kind {
		case ConnectionGitHub:
			if got.GithubID != testGitHubConnID || got.Owner != "gitdeploy-demo" || got.Repository != "private-app" || got.Branch != "main" ||
				got.TriggerType != "push" || got.BuildPath != "/" || strings.Join(got.WatchPaths, ",") != "src/**" {
				t.Errorf("github link read back: %+v", got)
			}
		case ConnectionGitLab:
			if got.GitlabID != gitlab.ID || got.GitlabProjectID != 2002 || got.GitlabPathNamespace != link.repo || got.GitlabBranch != "main" {
				t.Errorf("gitlab link read back: %+v", got)
			}
		case ConnectionBitbucket:
			if got.BitbucketID != bitbucket.ID || got.BitbucketRepositorySlug != "private-app" || got.BitbucketOwner != "gitdeploy-demo" {
				t.Errorf("bitbucket link read back: %+v", got)
			}
		case ConnectionGitea:
			if got.GiteaID != gitea.ID || got.GiteaRepository != "private-app" || got.GiteaBuildPath != "/web" {
				t.Errorf("gitea link read back: %+v", got)
			}
		}
		// Dokploy builds it through the connection.
		if err := c.DeployApplication(ctx, app.ID, ""); err != nil {
			t.Fatal(err)
		}
		deps, err := c.ListDeployments(ctx, app.ID)
		if err != nil || len(deps) != 1 || deps[0].Status != "done" {
			logs := ""
			if len(deps) == 1 {
				logs, _ = c.ReadDeploymentLogs(ctx, deps[0].ID, 0)
			}
			t.Errorf("%s: deployments %+v %v\n%s", link.kind, deps, err, logs)
		}
	}
	// A connection id that names nothing fails on the foreign key; a missing application is a 404.
	app, err := c.CreateApplication(ctx, ApplicationInput{Name: "bad link", EnvironmentID: emulator.DefaultDokployEnvironmentID})
	if err != nil {
		t.Fatal(err)
	}
	err = c.SaveGiteaProvider(ctx, app.ID, ConnectionSource{ConnectionID: "nope", Owner: "o", Repository: "r", Branch: "main"})
	if apiErr := apiError(t, err); apiErr.StatusCode != 500 || apiErr.Operation != "link application through Gitea connection" {
		t.Errorf("unknown connection: %v", err)
	}
	if err := c.SaveGitHubProvider(ctx, "nope", ConnectionSource{Branch: "main"}); !httpx.IsNotFound(err) {
		t.Errorf("missing application: %v", err)
	}
}

func TestConnectionSecretsNeverInErrors(t *testing.T) {
	ctx := context.Background()
	const token = "glpat-very-secret-token-value"
	// A server that echoes the request in its error, as JSON and as plain text.
	for _, answer := range []func(body []byte) string{
		func(body []byte) string {
			return `{"message":` + fmt.Sprintf("%q", "Failed query: insert … params: "+string(body)) + `}`
		},
		func(body []byte) string { return "<html><body>bad request " + string(body) + "</body></html>" },
	} {
		// Listings (GET) answer no connection; every mutation fails with its body echoed.
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body) // test server
			w.Header().Set("Content-Type", "application/json")
			if r.Method == http.MethodGet {
				_, _ = io.WriteString(w, `[]`) // test server
				return
			}
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, answer(body)) // test server
		}))
		t.Cleanup(srv.Close)
		c, err := New(Config{URL: srv.URL, APIKey: "k", HTTPClient: testHTTP()})
		if err != nil {
			t.Fatal(err)
		}
		for name, err := range map[string]error{
			"gitlab create":    second(c.CreateGitLabConnection(ctx, GitLabConnectionInput{Name: "n", URL: "u", Secret: token})),
			"gitlab update":    second(c.UpdateGitLabConnection(ctx, "i", "p", GitLabConnectionInput{Name: "n", URL: "u", Secret: token})),
			"bitbucket create": second(c.CreateBitbucketConnection(ctx, BitbucketConnectionInput{Name: "n", APIToken: token})),
			"bitbucket update": second(c.UpdateBitbucketConnection(ctx, "i", "p", BitbucketConnectionInput{Name: "n", APIToken: token})),
			"gitea create":     second(c.CreateGiteaConnection(ctx, GiteaConnectionInput{Name: "n", URL: "u", AccessToken: token})),
			"gitea update":     second(c.UpdateGiteaConnection(ctx, "i", "p", GiteaConnectionInput{Name: "n", URL: "u", AccessToken: token})),
		} {
			// Not even the start of the token: a shortened body must not cut it in half.
			if err == nil || strings.Contains(err.Error(), token[:6]) {
				t.Errorf("%s: the token is in the error: %v", name, err)
				continue
			}
			if apiErr := apiError(t, err); !strings.Contains(apiErr.Message, "***") {
				t.Errorf("%s: nothing masked: %q", name, apiErr.Message)
			}
		}
	}
	// Secrets print masked.
	s := ConnectionSecrets{AccessToken: token, APIToken: token}
	conn := GitLabConnection{Name: "n", Secrets: s}
	for _, format := range []string{"%v", "%+v", "%#v", "%s"} {
		if printed := fmt.Sprintf(format, conn); strings.Contains(printed, token) {
			t.Errorf("%s prints the token: %s", format, printed)
		}
	}
	if got := s.String(); got != "{AccessToken:*** APIToken:***}" {
		t.Errorf("String() = %q", got)
	}
}
