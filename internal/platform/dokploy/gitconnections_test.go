package dokploy

import (
	"context"
	"testing"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/emulator"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// The platform.GitConnections glue: a connection made, read by either id, its credential's digest, the
// repositories and branches through it, a site linked through it (SetRepo, read back by GetSite) and
// unlinked (ClearRepo), the connection removed.
func TestGitConnectionsAsPlatform(t *testing.T) {
	emu, srv, c := newEmulatedWithApp(t)
	ctx := context.Background()
	var gc platform.GitConnections = c

	if _, err := gc.CreateGitConnection(ctx, platform.GitConnectionInput{Kind: ConnectionGitHub, Name: "x"}); err == nil {
		t.Error("a GitHub connection was created")
	}
	conn, err := gc.CreateGitConnection(ctx, platform.GitConnectionInput{Kind: ConnectionGitea, Name: "Gitea", URL: srv.URL + "/gitea",
		AccessToken: emulator.DefaultGiteaToken})
	if err != nil {
		t.Fatal(err)
	}
	if conn.ID == "" || conn.GitProviderID == "" || conn.CredentialDigests["AccessToken"] != digest(emulator.DefaultGiteaToken) {
		t.Fatalf("created %+v", conn)
	}
	byProvider, err := gc.GetGitConnection(ctx, "", conn.GitProviderID)
	if err != nil || byProvider.ID != conn.ID || byProvider.Kind != ConnectionGitea || byProvider.Configured {
		t.Fatalf("read by git_provider_id: %+v %v", byProvider, err)
	}
	if _, err := gc.GetGitConnection(ctx, "", "nope"); !httpx.IsNotFound(err) {
		t.Errorf("unknown connection: %v", err)
	}
	if n, err := gc.TestGitConnection(ctx, conn); err != nil || n != 2 {
		t.Errorf("test: %d %v", n, err)
	}

	// Listed through the GitHub connection: GitHub's objects, the default branch marked.
	github, err := gc.GetGitConnection(ctx, "", testGitHubConnID)
	if err != nil || !github.Configured || github.AppID != testAppID {
		t.Fatalf("GitHub connection %+v %v", github, err)
	}
	repos, err := gc.ListConnectionRepositories(ctx, github)
	if err != nil || len(repos) != 2 {
		t.Fatalf("repositories through GitHub: %+v %v", repos, err)
	}
	for _, r := range repos {
		if !r.Detailed || r.ID == "" || r.DefaultBranch != "main" || r.CloneURL == "" || r.Visibility == "" {
			t.Errorf("GitHub repository %+v", r)
		}
	}
	branches, err := gc.ListConnectionBranches(ctx, github, &repos[0])
	if err != nil || len(branches) == 0 {
		t.Fatalf("branches through GitHub: %+v %v", branches, err)
	}
	for _, b := range branches {
		if b.Default == nil || *b.Default != (b.Name == "main") || b.Protected == nil || len(b.CommitSHA) != 40 {
			t.Errorf("GitHub branch %+v", b)
		}
	}

	// A site linked through the Gitea connection, read back as such.
	giteaRepos, err := gc.ListConnectionRepositories(ctx, conn)
	if err != nil || len(giteaRepos) != 2 || giteaRepos[0].Detailed || giteaRepos[0].ID == "" {
		t.Fatalf("repositories through Gitea: %+v %v", giteaRepos, err)
	}
	app, err := c.CreateSite(ctx, platform.SiteInput{Name: "app", EnvironmentID: emulator.DefaultDokployEnvironmentID})
	if err != nil {
		t.Fatal(err)
	}
	link := &platform.ConnectionLink{Kind: ConnectionGitea, ConnectionID: conn.ID, Repository: giteaRepos[0]}
	site, err := c.SetRepo(ctx, app.ID, platform.RepoSettings{RepoBranch: "main", Connection: link})
	if err != nil {
		t.Fatal(err)
	}
	rs := site.Repo
	if rs == nil || rs.Connection == nil || rs.Connection.ConnectionID != conn.ID || rs.Provider != ConnectionGitea ||
		rs.RepoPath != giteaRepos[0].FullName || rs.RepoBranch != "main" || rs.Base != "" || rs.RepoURL != "" || rs.DeployKeyID != "" {
		t.Fatalf("linked site's repository %+v", rs)
	}
	if snap, _ := emu.DokployApplication(app.ID); snap.SourceType != ConnectionGitea || snap.ConnectionRepository != giteaRepos[0].FullName {
		t.Errorf("application %+v", snap)
	}
	if err := c.ClearRepo(ctx, app.ID); err != nil {
		t.Fatalf("unlink: %v", err)
	}

	// Removed: the link's source keeps no connection.
	if _, err := c.SetRepo(ctx, app.ID, platform.RepoSettings{RepoBranch: "main", Connection: link}); err != nil {
		t.Fatal(err)
	}
	if err := gc.RemoveGitConnection(ctx, conn); err != nil {
		t.Fatal(err)
	}
	if err := gc.RemoveGitConnection(ctx, conn); !httpx.IsNotFound(err) {
		t.Errorf("removed twice: %v", err)
	}
	site, err = c.GetSite(ctx, app.ID)
	if err != nil || site.Repo == nil || site.Repo.Connection == nil || site.Repo.Connection.ConnectionID != "" {
		t.Errorf("after the connection's removal: %+v %v", site.Repo, err)
	}
}

// An update that leaves a credential out keeps the one Dokploy holds (an imported connection whose
// configuration has none).
func TestUpdateGitConnectionKeepsCredentials(t *testing.T) {
	_, srv, c := newEmulated(t)
	ctx := context.Background()
	for _, in := range []platform.GitConnectionInput{
		{Kind: ConnectionGitLab, Name: "gl", URL: srv.URL + "/gitlab", ApplicationID: "app", Secret: "oauth-secret"},
		{Kind: ConnectionBitbucket, Name: "bb", Email: emulator.DefaultBitbucketEmail, APIToken: emulator.DefaultBitbucketAPIToken},
		{Kind: ConnectionGitea, Name: "gt", URL: srv.URL + "/gitea", AccessToken: emulator.DefaultGiteaToken},
	} {
		conn, err := c.CreateGitConnection(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		before := conn.CredentialDigests
		in.Name, in.Secret, in.APIToken, in.AccessToken = in.Name+" renamed", "", "", ""
		updated, err := c.UpdateGitConnection(ctx, conn, in)
		if err != nil {
			t.Fatal(err)
		}
		for field, d := range before {
			if d == "" || updated.CredentialDigests[field] != d || updated.Name != in.Name {
				t.Errorf("%s: %s %q after the update, %q before (%+v)", in.Kind, field, updated.CredentialDigests[field], d, updated)
			}
		}
	}
}
