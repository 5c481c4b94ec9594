package emulator

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// dkListed is an entry of gitProvider.getAll as the tests read it.
type dkListed struct {
	GitProviderID          string `json:"gitProviderId"`
	Name                   string `json:"name"`
	ProviderType           string `json:"providerType"`
	CreatedAt              string `json:"createdAt"`
	OrganizationID         string `json:"organizationId"`
	UserID                 string `json:"userId"`
	SharedWithOrganization bool   `json:"sharedWithOrganization"`
	IsOwner                bool   `json:"isOwner"`
	Github                 *struct {
		GithubID     string `json:"githubId"`
		IsConfigured bool   `json:"isConfigured"`
	} `json:"github"`
	Gitlab *struct {
		GitlabID      string  `json:"gitlabId"`
		ApplicationID *string `json:"applicationId"`
		GitlabURL     string  `json:"gitlabUrl"`
		IsConfigured  bool    `json:"isConfigured"`
	} `json:"gitlab"`
	Bitbucket *struct {
		BitbucketID       string  `json:"bitbucketId"`
		BitbucketUsername *string `json:"bitbucketUsername"`
		IsConfigured      bool    `json:"isConfigured"`
		IsDeprecated      bool    `json:"isDeprecated"`
	} `json:"bitbucket"`
	Gitea *struct {
		GiteaID      string `json:"giteaId"`
		IsConfigured bool   `json:"isConfigured"`
	} `json:"gitea"`
}

func (ts *testServer) dkConnections() []dkListed {
	ts.t.Helper()
	var out []dkListed
	ts.dk("gitProvider.getAll", url.Values{}).want(ts.t, http.StatusOK, &out)
	return out
}

// dkNewest is the newest connection of kind in getAll.
func (ts *testServer) dkNewest(kind string) dkListed {
	ts.t.Helper()
	for _, c := range ts.dkConnections() {
		if c.ProviderType == kind {
			return c
		}
	}
	ts.t.Fatalf("no %s connection listed", kind)
	return dkListed{}
}

// dkString calls a procedure that answers a JSON string.
func (ts *testServer) dkString(procedure string, in any) string {
	ts.t.Helper()
	var s string
	ts.dk(procedure, in).want(ts.t, http.StatusOK, &s)
	return s
}

// names lists the "name" members of a JSON array answer.
func names(t *testing.T, r response) []string {
	t.Helper()
	var items []struct {
		Name string `json:"name"`
	}
	r.want(t, http.StatusOK, &items)
	out := []string{}
	for _, it := range items {
		out = append(out, it.Name)
	}
	return out
}

func TestDokployGitLabConnection(t *testing.T) {
	ts := newTestServer(t, nil)
	if got := ts.dkConnections(); len(got) != 0 {
		t.Fatalf("getAll of a new emulator = %+v", got)
	}
	// gitlab.create answers nothing: the connection is found in getAll.
	r := ts.dk("gitlab.create", map[string]any{"name": "GitLab", "gitlabUrl": ts.srv.URL + "/gitlab", "applicationId": "app-id",
		"secret": "app-secret", "redirectUri": "https://dokploy.example/api/providers/gitlab/callback", "groupName": "gitdeploy-demo",
		"authId": "user"})
	if r.status != http.StatusOK || len(r.body) != 0 {
		t.Fatalf("create = %d %q", r.status, r.body)
	}
	c := ts.dkNewest(kindGitLab)
	if c.Name != "GitLab" || c.Gitlab == nil || c.Gitlab.IsConfigured || str(c.Gitlab.ApplicationID) != "app-id" || !c.IsOwner ||
		c.OrganizationID != DefaultDokployOrganization || c.Github != nil || c.Bitbucket != nil || c.Gitea != nil || c.CreatedAt == "" {
		t.Fatalf("listed = %+v", c)
	}
	gitlabID := c.Gitlab.GitlabID
	var one map[string]any
	ts.dk("gitlab.one", url.Values{"gitlabId": {gitlabID}}).want(t, http.StatusOK, &one)
	gp, _ := one["gitProvider"].(map[string]any)
	if one["secret"] != "app-secret" || one["accessToken"] != nil || one["expiresAt"] != nil || one["gitlabInternalUrl"] != nil ||
		gp["gitProviderId"] != c.GitProviderID || gp["providerType"] != "gitlab" {
		t.Fatalf("one = %v", one)
	}
	if got := names(t, ts.dk("gitlab.gitlabProviders", url.Values{})); len(got) != 0 {
		t.Errorf("an unauthorised connection is listed for linking: %v", got)
	}

	// Not authorised: every call that refreshes fails.
	ts.dk("gitlab.testConnection", map[string]any{"gitlabId": gitlabID}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "Failed to refresh token: Bad Request")
	ts.dk("gitlab.getGitlabRepositories", url.Values{"gitlabId": {gitlabID}}).
		wantError(t, http.StatusInternalServerError, dkInternal, "Failed to refresh token: Bad Request")

	// A person authorises it in the dashboard (as GitLab's user demo).
	var authorized DokployConnection
	ts.do("POST", AdminPrefix+"/dokploy/git_providers/"+gitlabID+"/authorize", "", map[string]any{"user": "demo"}).
		want(t, http.StatusOK, &authorized)
	if !authorized.Authorized || authorized.Columns["accessToken"] != "********" {
		t.Fatalf("authorised = %+v", authorized)
	}
	if c := ts.dkNewest(kindGitLab); !c.Gitlab.IsConfigured {
		t.Error("getAll: not configured after the authorisation")
	}
	var providers []struct {
		GitlabID    string `json:"gitlabId"`
		GitlabURL   string `json:"gitlabUrl"`
		GitProvider struct {
			Name string `json:"name"`
		} `json:"gitProvider"`
	}
	ts.dk("gitlab.gitlabProviders", url.Values{}).want(t, http.StatusOK, &providers)
	if len(providers) != 1 || providers[0].GitlabID != gitlabID || providers[0].GitProvider.Name != "GitLab" {
		t.Errorf("gitlabProviders = %+v", providers)
	}
	// testConnection counts the projects in the groups named in the request (not the stored ones);
	// without, the personal projects (demo has none).
	if got := ts.dkString("gitlab.testConnection", map[string]any{"gitlabId": gitlabID, "groupName": "gitdeploy-demo"}); got != "Found 2 repositories" {
		t.Errorf("test with the group = %q", got)
	}
	if got := ts.dkString("gitlab.testConnection", map[string]any{"gitlabId": gitlabID}); got != "Found 0 repositories" {
		t.Errorf("test without a group = %q", got)
	}
	var repos []dkRepoListed
	ts.dk("gitlab.getGitlabRepositories", url.Values{"gitlabId": {gitlabID}}).want(t, http.StatusOK, &repos)
	if len(repos) != 2 || repos[1].URL != "gitdeploy-demo/frontend/app" || repos[1].ID != 2002 || repos[1].Owner.Username != "frontend" ||
		repos[0].Name != "website" {
		t.Fatalf("repositories = %+v", repos)
	}
	// Branches need the project's id; without it Dokploy answers [].
	if got := names(t, ts.dk("gitlab.getGitlabBranches", url.Values{"gitlabId": {gitlabID}, "owner": {"gitdeploy-demo"},
		"repo": {"website"}, "id": {"2001"}})); strings.Join(got, ",") != "develop,main" {
		t.Errorf("branches = %v", got)
	}
	if got := names(t, ts.dk("gitlab.getGitlabBranches", url.Values{"gitlabId": {gitlabID}, "owner": {"x"}, "repo": {"y"}})); len(got) != 0 {
		t.Errorf("branches without id = %v", got)
	}
	ts.dk("gitlab.getGitlabBranches", url.Values{"gitlabId": {gitlabID}, "owner": {"x"}, "repo": {"y"}, "id": {"9999"}}).
		wantError(t, http.StatusInternalServerError, dkInternal, "Failed to fetch branches: Not Found")

	// The access token Dokploy holds works on the emulated GitLab's API too.
	stored, _ := ts.emu.DokployConnection(gitlabID)
	token, _ := stored.Columns["accessToken"].(string)
	ts.do("GET", "/gitlab/api/v4/user", "Authorization: Bearer "+token, nil).want(t, http.StatusOK, nil)

	// An expired token is refreshed: new tokens, the old access token no longer works.
	if err := ts.emu.ExpireDokployConnectionToken(gitlabID); err != nil {
		t.Fatal(err)
	}
	ts.dk("gitlab.testConnection", map[string]any{"gitlabId": gitlabID}).want(t, http.StatusOK, nil)
	refreshed, _ := ts.emu.DokployConnection(gitlabID)
	if refreshed.Columns["accessToken"] == token || refreshed.Columns["refreshToken"] == stored.Columns["refreshToken"] {
		t.Error("the tokens did not change on refresh")
	}
	ts.do("GET", "/gitlab/api/v4/user", "Authorization: Bearer "+token, nil).want(t, http.StatusUnauthorized, nil)

	// update renames and sets the OAuth application's settings; a wrong secret breaks the next refresh.
	r = ts.dk("gitlab.update", map[string]any{"gitlabId": gitlabID, "gitProviderId": c.GitProviderID, "name": "Renamed",
		"gitlabUrl": ts.srv.URL + "/gitlab/", "secret": "wrong", "groupName": "gitdeploy-demo/frontend"})
	if r.status != http.StatusOK || len(r.body) != 0 {
		t.Fatalf("update = %d %s", r.status, r.body)
	}
	ts.dk("gitlab.getGitlabRepositories", url.Values{"gitlabId": {gitlabID}}).want(t, http.StatusOK, &repos)
	if len(repos) != 1 || repos[0].URL != "gitdeploy-demo/frontend/app" {
		t.Errorf("repositories in the stored group = %+v", repos)
	}
	if err := ts.emu.ExpireDokployConnectionToken(gitlabID); err != nil {
		t.Fatal(err)
	}
	ts.dk("gitlab.testConnection", map[string]any{"gitlabId": gitlabID}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "Failed to refresh token: Unauthorized")
	// update of an unknown connection updates nothing and says nothing.
	ts.dk("gitlab.update", map[string]any{"gitlabId": "nope", "gitProviderId": "nope", "name": "x", "gitlabUrl": "x"}).want(t, http.StatusOK, nil)

	// Authorised again, then revoked on GitLab behind Dokploy's back.
	if _, err := ts.emu.AuthorizeDokployConnection(gitlabID, ""); err == nil || !strings.Contains(err.Error(), "invalid_client") {
		t.Fatalf("authorised with a secret GitLab does not know: %v", err)
	}
	if err := ts.emu.UpdateDokployConnection(gitlabID, map[string]any{"secret": "app-secret"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ts.emu.AuthorizeDokployConnection(gitlabID, "demo"); err != nil {
		t.Fatal(err)
	}
	ts.dk("gitlab.testConnection", map[string]any{"gitlabId": gitlabID}).want(t, http.StatusOK, nil)
	ts.do("POST", AdminPrefix+"/dokploy/git_providers/"+gitlabID+"/revoke", "", nil).want(t, http.StatusNoContent, nil)
	ts.dk("gitlab.testConnection", map[string]any{"gitlabId": gitlabID}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "Failed to fetch repositories: Unauthorized")

	// A URL the emulator cannot reach.
	if err := ts.emu.UpdateDokployConnection(gitlabID, map[string]any{"gitlabUrl": "https://gitlab.example.org"}); err != nil {
		t.Fatal(err)
	}
	ts.dk("gitlab.getGitlabBranches", url.Values{"gitlabId": {gitlabID}, "owner": {"x"}, "repo": {"y"}, "id": {"2001"}}).
		wantError(t, http.StatusInternalServerError, dkInternal, "fetch failed")

	// remove answers the deleted row; a second remove and the lookups fail.
	var removed dkListed
	ts.dk("gitProvider.remove", map[string]any{"gitProviderId": c.GitProviderID}).want(t, http.StatusOK, &removed)
	if removed.GitProviderID != c.GitProviderID || removed.Name != "Renamed" || removed.Gitlab != nil {
		t.Errorf("removed = %+v", removed)
	}
	ts.dk("gitProvider.remove", map[string]any{"gitProviderId": c.GitProviderID}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "Git Provider not found")
	ts.dk("gitlab.one", url.Values{"gitlabId": {gitlabID}}).wantError(t, http.StatusNotFound, dkNotFound, "Gitlab Provider not found")
	ts.dk("gitlab.testConnection", map[string]any{"gitlabId": gitlabID}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "Gitlab Provider not found")
}

func TestDokployGiteaConnection(t *testing.T) {
	ts := newTestServer(t, nil)
	var created struct {
		GiteaID  string  `json:"giteaId"`
		ClientID *string `json:"clientId"`
		GiteaURL string  `json:"giteaUrl"`
	}
	giteaURL := ts.srv.URL + "/gitea"
	ts.dk("gitea.create", map[string]any{"name": "Gitea", "giteaUrl": giteaURL, "accessToken": DefaultGiteaToken,
		"giteaUsername": "demo"}).want(t, http.StatusOK, &created)
	if created.GiteaID == "" || created.ClientID != nil || created.GiteaURL != giteaURL {
		t.Fatalf("create = %+v", created)
	}
	id := created.GiteaID
	c := ts.dkNewest(kindGitea)
	// getAll's isConfigured wants an OAuth refresh token: a token-only connection is "not configured",
	// and giteaProviders (OAuth client required) leaves it out, though it works.
	if c.Gitea == nil || c.Gitea.GiteaID != id || c.Gitea.IsConfigured {
		t.Errorf("listed = %+v", c)
	}
	if got := names(t, ts.dk("gitea.giteaProviders", url.Values{})); len(got) != 0 {
		t.Errorf("giteaProviders = %v", got)
	}
	var one map[string]any
	ts.dk("gitea.one", url.Values{"giteaId": {id}}).want(t, http.StatusOK, &one)
	if one["accessToken"] != DefaultGiteaToken || one["scopes"] != dkDefaultGiteaScopes || one["lastAuthenticatedAt"] != nil {
		t.Fatalf("one = %v", one)
	}
	if got := ts.dkString("gitea.getGiteaUrl", url.Values{"giteaId": {id}}); got != giteaURL {
		t.Errorf("getGiteaUrl = %q", got)
	}
	if got := ts.dkString("gitea.testConnection", map[string]any{"giteaId": id}); got != "Found 2 repositories" {
		t.Errorf("testConnection = %q", got)
	}
	ts.dk("gitea.one", url.Values{"giteaId": {id}}).want(t, http.StatusOK, &one)
	if one["lastAuthenticatedAt"] == nil {
		t.Error("testConnection did not record lastAuthenticatedAt")
	}
	var repos []dkRepoListed
	ts.dk("gitea.getGiteaRepositories", url.Values{"giteaId": {id}}).want(t, http.StatusOK, &repos)
	if len(repos) != 2 || repos[0].ID != 3001 || repos[0].URL != "gitdeploy-demo/website" || repos[0].Owner.Username != "gitdeploy-demo" {
		t.Fatalf("repositories = %+v", repos)
	}
	var branches []dkGiteaBranch
	ts.dk("gitea.getGiteaBranches", url.Values{"giteaId": {id}, "owner": {"gitdeploy-demo"}, "repositoryName": {"website"}}).
		want(t, http.StatusOK, &branches)
	if len(branches) != 2 || branches[0].ID != "develop" || branches[0].Name != "develop" || len(branches[0].Commit.ID) != 40 {
		t.Fatalf("branches = %+v", branches)
	}
	ts.dk("gitea.getGiteaBranches", url.Values{"giteaId": {id}, "owner": {"gitdeploy-demo"}, "repositoryName": {"nope"}}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "Failed to fetch branches: Not Found")
	ts.dk("gitea.getGiteaBranches", url.Values{"owner": {"a"}, "repositoryName": {"b"}}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "Gitea provider ID, owner, and repository name are required.")

	// A token changed by hand in the dashboard.
	r := ts.dk("gitea.update", map[string]any{"giteaId": id, "gitProviderId": c.GitProviderID, "name": "Gitea 2",
		"giteaUrl": giteaURL, "accessToken": "wrong"})
	var ok map[string]bool
	r.want(t, http.StatusOK, &ok)
	if !ok["success"] {
		t.Errorf("update = %s", r.body)
	}
	ts.dk("gitea.testConnection", map[string]any{"giteaId": id}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "Failed to connect to Gitea API: 401 Unauthorized")
	ts.dk("gitea.getGiteaRepositories", url.Values{"giteaId": {id}}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "Failed to fetch repositories: Unauthorized")
	ts.dk("gitea.update", map[string]any{"giteaId": "nope", "gitProviderId": "x", "name": "x", "giteaUrl": "x"}).
		wantError(t, http.StatusInternalServerError, dkInternal, "Failed to update Gitea provider with ID nope")
	ts.dk("gitea.testConnection", map[string]any{}).wantError(t, http.StatusNotFound, dkNotFound, "Gitea Provider not found")

	// Another Gitea than the emulated one cannot be reached; gitea.com is the emulated one.
	ts.dk("gitea.create", map[string]any{"name": "elsewhere", "giteaUrl": "https://git.example.org", "accessToken": DefaultGiteaToken}).
		want(t, http.StatusOK, &created)
	ts.dk("gitea.testConnection", map[string]any{"giteaId": created.GiteaID}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "fetch failed")
	ts.dk("gitea.create", map[string]any{"name": "gitea.com", "giteaUrl": "https://gitea.com/", "accessToken": DefaultGiteaToken}).
		want(t, http.StatusOK, &created)
	ts.dk("gitea.testConnection", map[string]any{"giteaId": created.GiteaID}).want(t, http.StatusOK, nil)

	// An OAuth connection: no token until authorised, then refreshed when it expires.
	ts.dk("gitea.create", map[string]any{"name": "oauth", "giteaUrl": giteaURL, "clientId": "cid", "clientSecret": "csecret",
		"redirectUri": "https://dokploy.example/api/providers/gitea/callback"}).want(t, http.StatusOK, &created)
	ts.dk("gitea.testConnection", map[string]any{"giteaId": created.GiteaID}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "No access token available. Please authorize with Gitea.")
	if got := names(t, ts.dk("gitea.giteaProviders", url.Values{})); len(got) != 1 {
		t.Errorf("giteaProviders with an OAuth client = %v", got)
	}
	if _, err := ts.emu.AuthorizeDokployConnection(created.GiteaID, "demo"); err != nil {
		t.Fatal(err)
	}
	before, _ := ts.emu.DokployConnection(created.GiteaID)
	if err := ts.emu.ExpireDokployConnectionToken(created.GiteaID); err != nil {
		t.Fatal(err)
	}
	ts.dk("gitea.testConnection", map[string]any{"giteaId": created.GiteaID}).want(t, http.StatusOK, nil)
	after, _ := ts.emu.DokployConnection(created.GiteaID)
	if after.Columns["accessToken"] == before.Columns["accessToken"] {
		t.Error("the Gitea token was not refreshed")
	}
	// Revoked: the refresh fails quietly and the old token is refused.
	if err := ts.emu.RevokeDokployConnection(created.GiteaID); err != nil {
		t.Fatal(err)
	}
	ts.dk("gitea.testConnection", map[string]any{"giteaId": created.GiteaID}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "Failed to connect to Gitea API: 401 Unauthorized")
}

func TestDokployBitbucketConnection(t *testing.T) {
	ts := newTestServer(t, nil)
	r := ts.dk("bitbucket.create", map[string]any{"name": "Bitbucket", "bitbucketEmail": DefaultBitbucketEmail,
		"apiToken": DefaultBitbucketAPIToken, "bitbucketWorkspaceName": "gitdeploy-demo", "bitbucketUsername": "demo", "authId": "u"})
	if r.status != http.StatusOK || len(r.body) != 0 {
		t.Fatalf("create = %d %s", r.status, r.body)
	}
	c := ts.dkNewest(kindBitbucket)
	// getAll says isConfigured false for every Bitbucket connection.
	if c.Bitbucket == nil || c.Bitbucket.IsConfigured || c.Bitbucket.IsDeprecated || str(c.Bitbucket.BitbucketUsername) != "demo" {
		t.Fatalf("listed = %+v", c)
	}
	id := c.Bitbucket.BitbucketID
	var providers []struct {
		BitbucketID string `json:"bitbucketId"`
	}
	ts.dk("bitbucket.bitbucketProviders", url.Values{}).want(t, http.StatusOK, &providers)
	if len(providers) != 1 || providers[0].BitbucketID != id {
		t.Errorf("bitbucketProviders = %+v", providers)
	}
	// testConnection lists the workspace named in the request, not the stored one.
	if got := ts.dkString("bitbucket.testConnection", map[string]any{"bitbucketId": id, "workspaceName": "gitdeploy-demo"}); got != "Found 2 repositories" {
		t.Errorf("test = %q", got)
	}
	ts.dk("bitbucket.testConnection", map[string]any{"bitbucketId": id}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "Failed to fetch repositories: Not Found")
	var repos []dkBitbucketListed
	ts.dk("bitbucket.getBitbucketRepositories", url.Values{"bitbucketId": {id}}).want(t, http.StatusOK, &repos)
	if len(repos) != 2 || repos[1].Slug != "private-app" || repos[1].Owner.Username != "gitdeploy-demo" ||
		repos[1].URL != ts.srv.URL+"/bitbucket/gitdeploy-demo/private-app" {
		t.Fatalf("repositories = %+v", repos)
	}
	var branches []dkBitbucketBranch
	ts.dk("bitbucket.getBitbucketBranches", url.Values{"bitbucketId": {id}, "owner": {"gitdeploy-demo"}, "repo": {"website"}}).
		want(t, http.StatusOK, &branches)
	if len(branches) != 2 || branches[1].Name != "main" || len(branches[1].Commit.SHA) != 40 {
		t.Fatalf("branches = %+v", branches)
	}
	ts.dk("bitbucket.getBitbucketBranches", url.Values{"bitbucketId": {id}, "owner": {"gitdeploy-demo"}, "repo": {"nope"}}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "HTTP error! status: 404")

	// update answers the row; a wrong API token is refused by Bitbucket.
	var row map[string]any
	ts.dk("bitbucket.update", map[string]any{"bitbucketId": id, "gitProviderId": c.GitProviderID, "name": "BB",
		"apiToken": "wrong"}).want(t, http.StatusOK, &row)
	if row["apiToken"] != "wrong" || row["bitbucketId"] != id || row["gitProvider"] != nil {
		t.Errorf("update = %v", row)
	}
	ts.dk("bitbucket.getBitbucketRepositories", url.Values{"bitbucketId": {id}}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "Failed to fetch repositories: Unauthorized")
	ts.dk("bitbucket.getBitbucketBranches", url.Values{"bitbucketId": {id}, "owner": {"gitdeploy-demo"}, "repo": {"website"}}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "HTTP error! status: 401")
	ts.dk("bitbucket.update", map[string]any{"bitbucketId": "nope", "gitProviderId": "", "name": "x"}).
		wantError(t, http.StatusNotFound, dkNotFound, "Bitbucket provider not found")

	// An API token without the account's e-mail; a retired app password.
	ts.dk("bitbucket.create", map[string]any{"name": "no email", "apiToken": DefaultBitbucketAPIToken, "authId": "u"}).want(t, http.StatusOK, nil)
	noEmail := ts.dkNewest(kindBitbucket).Bitbucket.BitbucketID
	ts.dk("bitbucket.getBitbucketRepositories", url.Values{"bitbucketId": {noEmail}}).
		wantError(t, http.StatusInternalServerError, dkInternal, "Atlassian account email is required when using API token for API calls")
	ts.dk("bitbucket.create", map[string]any{"name": "app password", "bitbucketUsername": "demo", "appPassword": "ATBB", "authId": "u"}).
		want(t, http.StatusOK, nil)
	legacy := ts.dkNewest(kindBitbucket)
	if !legacy.Bitbucket.IsDeprecated {
		t.Error("an app-password connection is not marked deprecated")
	}
	ts.dk("bitbucket.testConnection", map[string]any{"bitbucketId": legacy.Bitbucket.BitbucketID, "bitbucketUsername": "demo"}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "Failed to fetch repositories: Unauthorized")

	// The caller may choose the id; a taken one fails the insert.
	ts.dk("bitbucket.create", map[string]any{"name": "chosen", "bitbucketId": "my-id", "authId": "u"}).want(t, http.StatusOK, nil)
	ts.dk("bitbucket.create", map[string]any{"name": "chosen", "bitbucketId": "my-id", "authId": "u"}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "Error creating this Bitbucket provider")
	ts.dk("bitbucket.one", url.Values{"bitbucketId": {"my-id"}}).want(t, http.StatusOK, nil)

	// Input validation as Zod reports it.
	body := ts.dk("bitbucket.create", map[string]any{"bitbucketEmail": "not-an-email"}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "Input validation failed")
	if got := strings.Join(body.issuePaths(), "; "); got != "bitbucketEmail: Invalid email address; "+
		"authId: Invalid input: expected string, received undefined; name: Invalid input: expected string, received undefined" {
		t.Errorf("issues = %s", got)
	}
}

// githubConnSeed is the default seed plus the test app, installed on gitdeploy-demo (all repositories),
// and a Dokploy connection to it.
func githubConnSeed(t *testing.T) *Seed {
	s := appSeed(t, "")
	key, _ := appKeys(t)
	s.Dokploy.GitHubConnections = []DokployGitHubConnectionSeed{{Name: "GitHub", GitHubID: "gh-conn", AppName: "gitdeploy-ci",
		AppID: testAppID, InstallationID: testInstallationID, PrivateKey: privateKeyPEM(key)}}
	return s
}

func TestDokployGitHubConnection(t *testing.T) {
	ts := newTestServer(t, githubConnSeed(t))
	c := ts.dkNewest(kindGitHub)
	if c.Github == nil || c.Github.GithubID != "gh-conn" || !c.Github.IsConfigured || c.CreatedAt != formatTimeMillis(seedTime) {
		t.Fatalf("listed = %+v", c)
	}
	var one map[string]any
	ts.dk("github.one", url.Values{"githubId": {"gh-conn"}}).want(t, http.StatusOK, &one)
	if one["githubAppId"] != float64(testAppID) || one["githubInstallationId"] != "4242" || one["githubUrl"] != dkDefaultGithubURL ||
		!strings.Contains(string(must(json.Marshal(one["githubPrivateKey"]))), "PRIVATE KEY") {
		t.Fatalf("one = %v", one)
	}
	if got := ts.dkString("github.testConnection", map[string]any{"githubId": "gh-conn"}); got != "Found 2 repositories" {
		t.Errorf("testConnection = %q", got)
	}
	var repos []struct {
		FullName    string `json:"full_name"`
		Private     bool   `json:"private"`
		Permissions struct {
			Admin bool `json:"admin"`
		} `json:"permissions"`
	}
	ts.dk("github.getGithubRepositories", url.Values{"githubId": {"gh-conn"}}).want(t, http.StatusOK, &repos)
	if len(repos) != 2 || repos[1].FullName != "gitdeploy-demo/private-app" || !repos[1].Private || !repos[1].Permissions.Admin {
		t.Fatalf("repositories = %+v", repos)
	}
	if got := names(t, ts.dk("github.getGithubBranches", url.Values{"githubId": {"gh-conn"}, "owner": {"gitdeploy-demo"},
		"repo": {"website"}})); strings.Join(got, ",") != "develop,main" {
		t.Errorf("branches = %v", got)
	}
	ts.dk("github.getGithubBranches", url.Values{"githubId": {"gh-conn"}, "owner": {"octocat"}, "repo": {"nope"}}).
		wantError(t, http.StatusInternalServerError, dkInternal, "Not Found - https://docs.github.com/rest/branches/branches#list-branches")
	var providers []struct {
		GithubID  string `json:"githubId"`
		GithubURL string `json:"githubUrl"`
	}
	ts.dk("github.githubProviders", url.Values{}).want(t, http.StatusOK, &providers)
	if len(providers) != 1 || providers[0].GithubID != "gh-conn" {
		t.Errorf("githubProviders = %+v", providers)
	}
	r := ts.dk("github.update", map[string]any{"githubId": "gh-conn", "gitProviderId": c.GitProviderID, "name": "Renamed",
		"githubAppName": "renamed-app"})
	if r.status != http.StatusOK || len(r.body) != 0 {
		t.Fatalf("update = %d %s", r.status, r.body)
	}
	if c := ts.dkNewest(kindGitHub); c.Name != "Renamed" {
		t.Errorf("name after update = %q", c.Name)
	}

	// Connections that do not work, added as the dashboard would.
	_, other := appKeys(t)
	for _, bad := range []struct {
		seed DokployGitHubConnectionSeed
		want string
	}{
		{DokployGitHubConnectionSeed{Name: "no app"}, "[@octokit/auth-app] appId option is required"},
		{DokployGitHubConnectionSeed{Name: "no installation", AppID: testAppID, PrivateKey: privateKeyPEM(other)},
			"[@octokit/auth-app] installationId is set to a falsy value"},
		{DokployGitHubConnectionSeed{Name: "wrong key", AppID: testAppID, InstallationID: testInstallationID, PrivateKey: privateKeyPEM(other)},
			"A JSON web token could not be decoded - https://docs.github.com/rest"},
		{DokployGitHubConnectionSeed{Name: "other app", AppID: 1, InstallationID: testInstallationID, PrivateKey: privateKeyPEM(other)},
			"Integration not found - https://docs.github.com/rest"},
	} {
		var added DokployConnection
		ts.do("POST", AdminPrefix+"/dokploy/git_providers/github", "", bad.seed).want(t, http.StatusCreated, &added)
		if added.Kind != kindGitHub || (bad.seed.PrivateKey != "" && added.Columns["githubPrivateKey"] != "********") {
			t.Errorf("added = %+v", added)
		}
		ts.dk("github.testConnection", map[string]any{"githubId": added.ID}).wantError(t, http.StatusBadRequest, dkBadRequest, bad.want)
		ts.dk("github.getGithubRepositories", url.Values{"githubId": {added.ID}}).
			wantError(t, http.StatusInternalServerError, dkInternal, bad.want)
	}
	// Every connection with an app id, a key and an installation id is offered for linking, working or not.
	var all []map[string]any
	ts.dk("github.githubProviders", url.Values{}).want(t, http.StatusOK, &all)
	if len(all) != 3 {
		t.Errorf("githubProviders = %v", all)
	}
}

func TestDokployConnectionsListing(t *testing.T) {
	ts := newTestServer(t, githubConnSeed(t))
	ts.dk("gitea.create", map[string]any{"name": "g", "giteaUrl": "https://gitea.com", "accessToken": DefaultGiteaToken}).want(t, 200, nil)
	ts.emu.SetClockOffset(2000 * 1e6) // two seconds later
	ts.dk("gitlab.create", map[string]any{"name": "l", "gitlabUrl": "https://gitlab.com", "authId": "u"}).want(t, 200, nil)
	got := ts.dkConnections()
	kinds := []string{}
	for _, c := range got {
		kinds = append(kinds, c.ProviderType)
	}
	if strings.Join(kinds, ",") != "gitlab,gitea,github" {
		t.Errorf("getAll order = %v, want newest first", kinds)
	}
	// getAll's summaries carry no secrets.
	r := ts.dk("gitProvider.getAll", url.Values{})
	for _, secret := range []string{DefaultGiteaToken, "PRIVATE KEY"} {
		if strings.Contains(string(r.body), secret) {
			t.Errorf("getAll shows %q", secret)
		}
	}
	// toggleShare, and the admin API's views.
	var shared dkListed
	ts.dk("gitProvider.toggleShare", map[string]any{"gitProviderId": got[0].GitProviderID, "sharedWithOrganization": true}).
		want(t, http.StatusOK, &shared)
	if !shared.SharedWithOrganization {
		t.Error("toggleShare did not share")
	}
	var listed []DokployConnection
	ts.do("GET", AdminPrefix+"/dokploy/git_providers", "", nil).want(t, http.StatusOK, &listed)
	if len(listed) != 3 || listed[0].Kind != kindGitHub || listed[1].Columns["accessToken"] != "********" || listed[1].URL != "https://gitea.com" {
		t.Fatalf("admin list = %+v", listed)
	}
	state := ts.emu.State()
	if data := string(must(json.Marshal(state))); strings.Contains(data, DefaultGiteaToken) || len(state.Dokploy.Connections) != 3 {
		t.Errorf("State shows the connections' secrets or misses them: %d", len(state.Dokploy.Connections))
	}
	var patched DokployConnection
	ts.do("PATCH", AdminPrefix+"/dokploy/git_providers/"+listed[1].ID, "", map[string]any{"name": "renamed", "accessToken": nil}).
		want(t, http.StatusOK, &patched)
	if patched.Name != "renamed" || patched.Columns["accessToken"] != nil || patched.Authorized {
		t.Errorf("patched = %+v", patched)
	}
	ts.do("PATCH", AdminPrefix+"/dokploy/git_providers/"+listed[1].ID, "", map[string]any{"apiToken": "x"}).want(t, http.StatusBadRequest, nil)
	ts.do("PATCH", AdminPrefix+"/dokploy/git_providers/nope", "", map[string]any{"name": "x"}).want(t, http.StatusNotFound, nil)
	ts.do("POST", AdminPrefix+"/dokploy/git_providers/"+listed[0].ID+"/authorize", "", nil).want(t, http.StatusBadRequest, nil)
	ts.do("POST", AdminPrefix+"/dokploy/git_providers/"+listed[2].ID+"/revoke", "", nil).want(t, http.StatusBadRequest, nil)
	ts.do("POST", AdminPrefix+"/dokploy/git_providers/"+listed[2].ID+"/expire", "", nil).want(t, http.StatusNoContent, nil)
	ts.do("DELETE", AdminPrefix+"/dokploy/git_providers/"+listed[0].GitProviderID, "", nil).want(t, http.StatusNoContent, nil)
	ts.do("DELETE", AdminPrefix+"/dokploy/git_providers/"+listed[0].GitProviderID, "", nil).want(t, http.StatusNotFound, nil)
	// Reset brings back the seeded GitHub connection only.
	ts.emu.Reset()
	if got := ts.emu.DokployConnections(); len(got) != 1 || got[0].ID != "gh-conn" {
		t.Errorf("after Reset = %+v", got)
	}
	// A seed with a taken id is refused.
	bad := githubConnSeed(t)
	bad.Dokploy.GitHubConnections = append(bad.Dokploy.GitHubConnections, bad.Dokploy.GitHubConnections[0])
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "already used") {
		t.Errorf("duplicate seed: %v", err)
	}
}

// linkThrough links a new application through a connection of kind to repo's branch.
func (ts *testServer) linkThrough(kind, connID, repo, branch string) dkApp {
	ts.t.Helper()
	app := ts.dkCreateApp("through-" + kind)
	i := strings.LastIndex(repo, "/")
	owner, name := repo[:i], repo[i+1:]
	body := map[string]any{"applicationId": app.ApplicationID}
	switch kind {
	case kindGitHub:
		maps.Copy(body, map[string]any{"repository": name, "owner": owner, "buildPath": "/", "githubId": connID, "branch": branch})
	case kindGitLab:
		var p struct {
			ID int64 `json:"id"`
		}
		ts.do("GET", "/gitlab/api/v4/projects/"+url.PathEscape(repo), gitlabAuth, nil).want(ts.t, http.StatusOK, &p)
		maps.Copy(body, map[string]any{"gitlabBuildPath": "/", "gitlabOwner": owner, "gitlabRepository": name, "gitlabId": connID,
			"gitlabProjectId": p.ID, "gitlabPathNamespace": repo, "gitlabBranch": branch})
	case kindBitbucket:
		maps.Copy(body, map[string]any{"bitbucketBuildPath": "/", "bitbucketOwner": owner, "bitbucketRepository": name,
			"bitbucketRepositorySlug": name, "bitbucketId": connID, "bitbucketBranch": branch})
	case kindGitea:
		maps.Copy(body, map[string]any{"giteaBuildPath": "/", "giteaOwner": owner, "giteaRepository": name, "giteaId": connID, "giteaBranch": branch})
	}
	procedure := map[string]string{kindGitHub: "saveGithubProvider", kindGitLab: "saveGitlabProvider",
		kindBitbucket: "saveBitbucketProvider", kindGitea: "saveGiteaProvider"}[kind]
	var ok bool
	ts.dk("application."+procedure, body).want(ts.t, http.StatusOK, &ok)
	return ts.dkGetApp(app.ApplicationID)
}

// addPushHook makes the host deliver repo's pushes to the application's deploy URL.
func (ts *testServer) addPushHook(host, repo, deployURL string) {
	ts.t.Helper()
	switch host {
	case HostGitHub:
		ts.do("POST", "/github/api/v3/repos/"+repo+"/hooks", githubAuth, map[string]any{"events": []string{"push"},
			"config": map[string]any{"url": deployURL, "content_type": "json"}}).want(ts.t, http.StatusCreated, nil)
	case HostGitLab:
		ts.do("POST", "/gitlab/api/v4/projects/"+url.PathEscape(repo)+"/hooks", gitlabAuth,
			map[string]any{"url": deployURL, "push_events": true}).want(ts.t, http.StatusCreated, nil)
	case HostBitbucket:
		ts.do("POST", "/bitbucket/2.0/repositories/"+repo+"/hooks", bitbucketAuth, map[string]any{"url": deployURL,
			"events": []string{"repo:push"}}).want(ts.t, http.StatusCreated, nil)
	case HostGitea:
		ts.do("POST", "/gitea/api/v1/repos/"+repo+"/hooks", giteaAuth, map[string]any{"type": "gitea", "active": true,
			"config": map[string]any{"url": deployURL, "content_type": "json"}, "events": []string{"push"}}).want(ts.t, http.StatusCreated, nil)
	}
}

func TestDokployPushThroughConnection(t *testing.T) {
	for _, kind := range []string{kindGitHub, kindGitLab, kindBitbucket, kindGitea} {
		t.Run(kind, func(t *testing.T) {
			ts := newTestServer(t, githubConnSeed(t))
			var connID, repo string
			switch kind {
			case kindGitHub:
				connID, repo = "gh-conn", "gitdeploy-demo/private-app"
			case kindGitLab:
				ts.dk("gitlab.create", map[string]any{"name": "gl", "gitlabUrl": "https://gitlab.com", "applicationId": "a",
					"secret": "s", "authId": "u"}).want(t, 200, nil)
				connID, repo = ts.dkNewest(kindGitLab).Gitlab.GitlabID, "gitdeploy-demo/frontend/app"
				if _, err := ts.emu.AuthorizeDokployConnection(connID, "demo"); err != nil {
					t.Fatal(err)
				}
			case kindBitbucket:
				ts.dk("bitbucket.create", map[string]any{"name": "bb", "bitbucketEmail": DefaultBitbucketEmail,
					"apiToken": DefaultBitbucketAPIToken, "authId": "u"}).want(t, 200, nil)
				connID, repo = ts.dkNewest(kindBitbucket).Bitbucket.BitbucketID, "gitdeploy-demo/private-app"
			case kindGitea:
				var created struct {
					GiteaID string `json:"giteaId"`
				}
				ts.dk("gitea.create", map[string]any{"name": "gt", "giteaUrl": ts.srv.URL + "/gitea", "accessToken": DefaultGiteaToken}).
					want(t, 200, &created)
				connID, repo = created.GiteaID, "gitdeploy-demo/private-app"
			}
			app := ts.linkThrough(kind, connID, repo, "main")
			if app.SourceType != kind || app.ApplicationStatus != "idle" {
				t.Fatalf("linked app = %+v", app)
			}
			// application.one shows the connection without its secrets.
			var full map[string]any
			ts.dk("application.one", url.Values{"applicationId": {app.ApplicationID}}).want(t, http.StatusOK, &full)
			rel, _ := full[kind].(map[string]any)
			if rel == nil || rel[kind+"Id"] != connID {
				t.Fatalf("application.one %s = %v", kind, full[kind])
			}
			for _, secret := range []string{"accessToken", "apiToken", "githubPrivateKey", "secret"} {
				if _, ok := rel[secret]; ok {
					t.Errorf("application.one shows %s", secret)
				}
			}
			snap, _ := ts.emu.DokployApplication(app.ApplicationID)
			if snap.ConnectionID != connID || snap.ConnectionRepository != repo || snap.ConnectionBranch != "main" {
				t.Errorf("snapshot = %+v", snap)
			}

			ts.addPushHook(kind, repo, ts.srv.URL+"/dokploy/api/deploy/"+app.RefreshToken)
			push := func(branch string) (PushResult, DokployDeployment) {
				t.Helper()
				res, err := ts.emu.Push(kind, repo, branch)
				if err != nil || len(res.Deliveries) != 1 {
					t.Fatalf("push: %+v %v", res, err)
				}
				deps := ts.emu.DokployDeployments(app.ApplicationID)
				if len(deps) == 0 {
					return res, DokployDeployment{}
				}
				return res, deps[len(deps)-1]
			}
			res, d := push("main")
			if res.Deliveries[0].StatusCode != http.StatusOK || d.Status != "done" || d.Description != "Commit: "+res.After ||
				!strings.Contains(d.Log, "Cloning Repo") {
				t.Fatalf("deployment = %+v (delivery %+v)", d, res.Deliveries[0])
			}
			for _, secret := range []string{DefaultGiteaToken, DefaultBitbucketAPIToken, "ghs_"} {
				if strings.Contains(d.Log, secret) {
					t.Errorf("the log shows a credential: %q", d.Log)
				}
			}

			// The branch is gone from the repository: the clone fails.
			if err := ts.emu.UpdateDokployApplication(app.ApplicationID, map[string]any{branchColumn(kind): "gone"}); err != nil {
				t.Fatal(err)
			}
			ts.dk("application.deploy", map[string]any{"applicationId": app.ApplicationID}).want(t, http.StatusOK, nil)
			deps := ts.emu.DokployDeployments(app.ApplicationID)
			if d := deps[len(deps)-1]; d.Status != "error" || !strings.Contains(d.Log, "Remote branch gone not found in upstream origin") {
				t.Errorf("missing branch: %+v", d)
			}
			if err := ts.emu.UpdateDokployApplication(app.ApplicationID, map[string]any{branchColumn(kind): "main"}); err != nil {
				t.Fatal(err)
			}

			// The connection's credentials stop working behind Dokploy's back.
			switch kind {
			case kindGitHub:
				_, other := appKeys(t)
				if err := ts.emu.UpdateDokployConnection(connID, map[string]any{"githubPrivateKey": privateKeyPEM(other)}); err != nil {
					t.Fatal(err)
				}
			case kindGitLab:
				if err := ts.emu.RevokeDokployConnection(connID); err != nil {
					t.Fatal(err)
				}
			case kindBitbucket:
				if err := ts.emu.UpdateDokployConnection(connID, map[string]any{"apiToken": "revoked"}); err != nil {
					t.Fatal(err)
				}
			case kindGitea:
				if err := ts.emu.UpdateDokployConnection(connID, map[string]any{"accessToken": "revoked"}); err != nil {
					t.Fatal(err)
				}
			}
			_, d = push("main")
			if d.Status != "error" || !strings.Contains(d.Log, "Error occurred ❌") {
				t.Errorf("deployment with broken credentials = %+v", d)
			}

			// The connection deleted: the application keeps its link with no connection.
			ts.dk("gitProvider.remove", map[string]any{"gitProviderId": ts.dkNewest(kind).GitProviderID}).want(t, http.StatusOK, nil)
			_, d = push("main")
			names := map[string]string{kindGitHub: "Github", kindGitLab: "Gitlab", kindBitbucket: "Bitbucket", kindGitea: "Gitea"}
			if d.Status != "error" || !strings.Contains(d.Log, "Error: ❌ "+names[kind]+" Provider not found") {
				t.Errorf("deployment without the connection = %+v", d)
			}
			if snap, _ := ts.emu.DokployApplication(app.ApplicationID); snap.ConnectionID != "" || snap.SourceType != kind {
				t.Errorf("after remove: %+v", snap)
			}
		})
	}
}

func branchColumn(kind string) string {
	if kind == kindGitHub {
		return "branch"
	}
	return kind + "Branch"
}

func TestDokploySaveProviderInput(t *testing.T) {
	ts := newTestServer(t, nil)
	app := ts.dkCreateApp("inputs")
	// Required but nullable members must be sent.
	body := ts.dk("application.saveGithubProvider", map[string]any{"applicationId": app.ApplicationID, "branch": "main"}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "Input validation failed")
	if got := body.issuePaths(); len(got) != 4 || !strings.HasPrefix(got[0], "repository: ") {
		t.Errorf("issues = %v", got)
	}
	// A connection id that names nothing fails on the foreign key.
	r := ts.dk("application.saveGiteaProvider", map[string]any{"applicationId": app.ApplicationID, "giteaBuildPath": "/",
		"giteaOwner": "o", "giteaRepository": "r", "giteaId": "nope", "giteaBranch": "main"})
	var e dkErrorBody
	r.want(t, http.StatusInternalServerError, &e)
	if !strings.Contains(e.Message, "application_giteaId_gitea_giteaId_fk") {
		t.Errorf("foreign key error = %s", r.body)
	}
	// null connection ids are accepted: the first deployment then says the provider is missing.
	ts.dk("application.saveGithubProvider", map[string]any{"applicationId": app.ApplicationID, "repository": "website",
		"owner": "gitdeploy-demo", "buildPath": "/", "githubId": nil, "branch": "main"}).want(t, http.StatusOK, nil)
	var row map[string]any
	ts.dk("application.one", url.Values{"applicationId": {app.ApplicationID}}).want(t, http.StatusOK, &row)
	if row["triggerType"] != "push" || row["sourceType"] != "github" || row["github"] != nil {
		t.Errorf("application = %v %v %v", row["triggerType"], row["sourceType"], row["github"])
	}
	ts.dk("application.saveGitlabProvider", map[string]any{"applicationId": "nope", "gitlabBuildPath": nil, "gitlabOwner": nil,
		"gitlabRepository": nil, "gitlabId": nil, "gitlabProjectId": nil, "gitlabPathNamespace": nil, "gitlabBranch": "main"}).
		wantError(t, http.StatusNotFound, dkNotFound, "Application not found")
	ts.dk("application.saveBitbucketProvider", map[string]any{"applicationId": app.ApplicationID, "bitbucketBuildPath": nil,
		"bitbucketOwner": nil, "bitbucketRepository": nil, "bitbucketRepositorySlug": nil, "bitbucketId": nil, "bitbucketBranch": "a b"}).
		wantError(t, http.StatusBadRequest, dkBadRequest, "Input validation failed")
	// Procedures answer their own not-found.
	for _, c := range []struct{ procedure, param, message string }{
		{"github.one", "githubId", "Github Provider not found"},
		{"gitlab.one", "gitlabId", "Gitlab Provider not found"},
		{"bitbucket.one", "bitbucketId", "Bitbucket Provider not found"},
		{"gitea.one", "giteaId", "Gitea Provider not found"},
		{"gitea.getGiteaRepositories", "giteaId", "Gitea Provider not found"},
		{"github.getGithubRepositories", "githubId", "Github Provider not found"},
	} {
		ts.dk(c.procedure, url.Values{c.param: {"nope"}}).wantError(t, http.StatusNotFound, dkNotFound, c.message)
	}
	if got := names(t, ts.dk("github.getGithubBranches", url.Values{"owner": {"a"}, "repo": {"b"}})); len(got) != 0 {
		t.Errorf("getGithubBranches without githubId = %v", got)
	}
}

// privateKeyPEM is key as GitHub hands an app's key out: PKCS#1 PEM.
func privateKeyPEM(key *rsa.PrivateKey) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
}
