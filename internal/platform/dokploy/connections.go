package dokploy

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Git-provider connections (apps/dokploy/server/api/routers/git-provider.ts, github.ts, gitlab.ts,
// bitbucket.ts, gitea.ts; the tables of packages/server/src/db/schema/git-provider.ts and the kinds'
// files). A connection is a row of git_provider (gitProviderId, name, providerType) and a row of its
// kind's table (githubId, gitlabId, bitbucketId or giteaId): gitProvider.* procedures take the first id,
// the kinds' procedures the second. Dokploy then reads repositories with the connection's credentials.
//
// Facts the methods below rely on:
//   - GitHub connections are GitHub Apps made in Dokploy's dashboard; the API reads, renames and tests
//     them but cannot create one.
//   - A GitLab connection is an OAuth application: gitlab.create stores its id and secret, and a person
//     must authorise it in the dashboard (GitLabAuthorizeURL) before it can list or clone.
//   - gitlab.create and bitbucket.create answer nothing, not even the new id: the client finds the new
//     connection in gitProvider.getAll. gitea.create answers the new giteaId.
//   - testConnection answers "Found N repositories"; GitLab's counts the projects of the groups named in
//     the call, Bitbucket's the first page (at most 10) of the workspace named in the call.
//   - <kind>.one answers the credentials in clear; this client decodes them into ConnectionSecrets, which
//     print masked, so that a caller can compare them and nothing logs them.
//   - Dokploy says "not found" per procedure with different statuses (404 for one, 400 from a
//     testConnection or gitProvider.remove, which wrap every error); each call maps its own message.

// Connection kinds, as Dokploy's providerType names them.
const (
	ConnectionGitHub    = "github"
	ConnectionGitLab    = "gitlab"
	ConnectionBitbucket = "bitbucket"
	ConnectionGitea     = "gitea"
)

// authID is sent as create's authId: Dokploy's schema requires a non-empty value and then ignores it
// (the column was dropped; the dashboard sends the user's id).
const authID = "terraform-provider-gitdeploy"

// gitlabOAuthScopes are the scopes Dokploy's dashboard asks GitLab for.
const gitlabOAuthScopes = "api read_user read_repository"

// Connection is a git-provider connection as gitProvider.getAll lists it (no credentials).
type Connection struct {
	GitProviderID string // gitProvider.remove's id
	Kind          string // github, gitlab, bitbucket or gitea
	ID            string // the kind's id: githubId, gitlabId, bitbucketId or giteaId
	Name          string
	CreatedAt     time.Time
	Shared        bool // shared with the organisation's members
	IsOwner       bool // made by the API key's user
	// Configured is Dokploy's isConfigured, which means something else per kind: GitHub: the app id,
	// private key and installation id are set; GitLab: a person authorised it (it holds tokens); Gitea:
	// it holds an OAuth access and refresh token (a connection made with a personal token reads false,
	// although it works); Bitbucket: always false. Use the kind's testConnection to know whether it works.
	Configured bool
	Deprecated bool   // Bitbucket: an app password and no API token (Bitbucket retired app passwords)
	URL        string // GitHub, GitLab, Gitea: the host's URL
	// AppID, AppName and InstallationID are a GitHub connection's app.
	AppID          int64
	AppName        string
	InstallationID string
	ApplicationID  string // GitLab: the OAuth application's id
	ClientID       string // Gitea: the OAuth client's id ("" for a token connection)
	Username       string // Bitbucket
}

type connectionJSON struct {
	GitProviderID          string  `json:"gitProviderId"`
	Name                   string  `json:"name"`
	ProviderType           string  `json:"providerType"`
	CreatedAt              *string `json:"createdAt"`
	SharedWithOrganization bool    `json:"sharedWithOrganization"`
	IsOwner                bool    `json:"isOwner"`
	Github                 *struct {
		GithubID             string  `json:"githubId"`
		GithubAppName        *string `json:"githubAppName"`
		GithubAppID          *int64  `json:"githubAppId"`
		GithubInstallationID *string `json:"githubInstallationId"`
		GithubURL            *string `json:"githubUrl"`
		IsConfigured         bool    `json:"isConfigured"`
	} `json:"github"`
	Gitlab *struct {
		GitlabID      string  `json:"gitlabId"`
		ApplicationID *string `json:"applicationId"`
		GitlabURL     *string `json:"gitlabUrl"`
		IsConfigured  bool    `json:"isConfigured"`
	} `json:"gitlab"`
	Bitbucket *struct {
		BitbucketID       string  `json:"bitbucketId"`
		BitbucketUsername *string `json:"bitbucketUsername"`
		IsConfigured      bool    `json:"isConfigured"`
		IsDeprecated      bool    `json:"isDeprecated"`
	} `json:"bitbucket"`
	Gitea *struct {
		GiteaID      string  `json:"giteaId"`
		GiteaURL     *string `json:"giteaUrl"`
		ClientID     *string `json:"clientId"`
		IsConfigured bool    `json:"isConfigured"`
	} `json:"gitea"`
}

func (j connectionJSON) toConnection() Connection {
	c := Connection{GitProviderID: j.GitProviderID, Kind: j.ProviderType, Name: j.Name, CreatedAt: parseTime(j.CreatedAt),
		Shared: j.SharedWithOrganization, IsOwner: j.IsOwner}
	switch {
	case j.Github != nil:
		g := j.Github
		c.ID, c.Configured, c.URL, c.AppName, c.InstallationID = g.GithubID, g.IsConfigured, text(g.GithubURL),
			text(g.GithubAppName), text(g.GithubInstallationID)
		if g.GithubAppID != nil {
			c.AppID = *g.GithubAppID
		}
	case j.Gitlab != nil:
		c.ID, c.Configured, c.URL, c.ApplicationID = j.Gitlab.GitlabID, j.Gitlab.IsConfigured, text(j.Gitlab.GitlabURL),
			text(j.Gitlab.ApplicationID)
	case j.Bitbucket != nil:
		c.ID, c.Configured, c.Deprecated, c.Username = j.Bitbucket.BitbucketID, j.Bitbucket.IsConfigured,
			j.Bitbucket.IsDeprecated, text(j.Bitbucket.BitbucketUsername)
	case j.Gitea != nil:
		c.ID, c.Configured, c.URL, c.ClientID = j.Gitea.GiteaID, j.Gitea.IsConfigured, text(j.Gitea.GiteaURL), text(j.Gitea.ClientID)
	}
	return c
}

// ListConnections is gitProvider.getAll: every connection the API key's user may use, newest first.
func (c *Client) ListConnections(ctx context.Context) ([]Connection, error) {
	var out []connectionJSON
	if err := c.do(ctx, call{operation: "list git provider connections", procedure: "gitProvider.getAll"}, &out); err != nil {
		return nil, err
	}
	conns := make([]Connection, 0, len(out))
	for _, j := range out {
		conns = append(conns, j.toConnection())
	}
	return conns, nil
}

// FindConnection lists the connections and returns the one with id (its gitProviderId or its kind's
// id), or nil when there is none.
func (c *Client) FindConnection(ctx context.Context, id string) (*Connection, error) {
	conns, err := c.ListConnections(ctx)
	if err != nil {
		return nil, err
	}
	for _, conn := range conns {
		if id != "" && (conn.GitProviderID == id || conn.ID == id) {
			return &conn, nil
		}
	}
	return nil, nil
}

// RemoveConnection is gitProvider.remove (by gitProviderId); a missing connection is a 404 (Dokploy
// answers 400 "Git Provider not found"). Applications linked through it keep their source with no
// connection: their next deployment fails.
func (c *Client) RemoveConnection(ctx context.Context, gitProviderID string) error {
	return c.do(ctx, call{operation: "remove git provider connection", procedure: "gitProvider.remove",
		in: map[string]any{"gitProviderId": gitProviderID}, notFound: []string{"Git Provider not found"}, repeatable: true}, nil)
}

// newConnection finds the connection a create made: the one of kind named name that was not listed
// before (gitlab.create and bitbucket.create answer no id).
func (c *Client) newConnection(ctx context.Context, kind, name string, before []Connection, create func() error) (*Connection, error) {
	if err := create(); err != nil {
		return nil, err
	}
	after, err := c.ListConnections(ctx)
	if err != nil {
		return nil, fmt.Errorf("%s: the %s connection %q was created, but listing the connections to find it failed: %w",
			serviceName, kind, name, err)
	}
	var found []Connection
	for _, conn := range after {
		if conn.Kind == kind && conn.Name == name && !slices.ContainsFunc(before, func(b Connection) bool { return b.ID == conn.ID }) {
			found = append(found, conn)
		}
	}
	if len(found) != 1 {
		return nil, fmt.Errorf("%s: the %s connection %q was created, but gitProvider.getAll shows %d new ones of that name: "+
			"check the Git providers in Dokploy's dashboard", serviceName, kind, name, len(found))
	}
	return &found[0], nil
}

// ---- secrets ----

// ConnectionSecrets are the credentials Dokploy answers with a connection. Compare them (a token changed
// by hand in the dashboard); never log them or keep them in state: %v and %+v print them masked.
type ConnectionSecrets struct {
	PrivateKey    string // GitHub: the app's private key
	ClientSecret  string // GitHub, Gitea: the OAuth client secret
	WebhookSecret string // GitHub
	Secret        string // GitLab: the OAuth application's secret
	AccessToken   string // GitLab, Gitea
	RefreshToken  string // GitLab, Gitea
	APIToken      string // Bitbucket
	AppPassword   string // Bitbucket (retired)
}

// String names the secrets that are set, masked.
func (s ConnectionSecrets) String() string {
	var set []string
	for _, f := range []struct{ name, value string }{{"PrivateKey", s.PrivateKey}, {"ClientSecret", s.ClientSecret},
		{"WebhookSecret", s.WebhookSecret}, {"Secret", s.Secret}, {"AccessToken", s.AccessToken},
		{"RefreshToken", s.RefreshToken}, {"APIToken", s.APIToken}, {"AppPassword", s.AppPassword}} {
		if f.value != "" {
			set = append(set, f.name+":***")
		}
	}
	return "{" + strings.Join(set, " ") + "}"
}

// GoString masks the secrets.
func (s ConnectionSecrets) GoString() string { return "dokploy.ConnectionSecrets" + s.String() }

// providerJSON is the gitProvider row that <kind>.one answers with the kind's row.
type providerJSON struct {
	GitProviderID string  `json:"gitProviderId"`
	Name          string  `json:"name"`
	CreatedAt     *string `json:"createdAt"`
}

// testResult reads testConnection's answer, "Found N repositories".
var testResult = regexp.MustCompile(`^Found (\d+) repositories$`)

func (c *Client) testConnection(ctx context.Context, kind, procedure string, in map[string]any, notFound ...string) (int, error) {
	var answer string
	err := c.do(ctx, call{operation: "test " + kind + " connection", procedure: procedure, in: in,
		notFound: notFound, repeatable: true}, &answer)
	if err != nil {
		return 0, err
	}
	m := testResult.FindStringSubmatch(answer)
	if m == nil {
		return 0, fmt.Errorf("%s: test %s connection (POST /api/%s): unexpected answer %q", serviceName, kind, procedure, answer)
	}
	return strconv.Atoi(m[1])
}

// ConnectionBranch is a branch listed through a connection.
type ConnectionBranch struct {
	Name   string
	Commit string // the head commit's SHA
	// Protected and Default are the host's flags where Dokploy passes the host's branch object on
	// (GitHub: protected; GitLab: both); nil otherwise.
	Protected *bool
	Default   *bool
}

// branchJSON is a branch entry: the host's own object (GitHub, GitLab) or Dokploy's map (Bitbucket:
// commit.sha; Gitea: commit.id).
type branchJSON struct {
	Name      string `json:"name"`
	Protected *bool  `json:"protected"`
	Default   *bool  `json:"default"`
	Commit    struct {
		ID  string `json:"id"`
		SHA string `json:"sha"`
	} `json:"commit"`
}

func toBranches(in []branchJSON) []ConnectionBranch {
	out := make([]ConnectionBranch, 0, len(in))
	for _, b := range in {
		sha := b.Commit.SHA
		if sha == "" {
			sha = b.Commit.ID
		}
		out = append(out, ConnectionBranch{Name: b.Name, Commit: sha, Protected: b.Protected, Default: b.Default})
	}
	return out
}

// ---- GitHub ----

// GitHubConnection is a GitHub App connection (github.one).
type GitHubConnection struct {
	ID             string // githubId
	GitProviderID  string
	Name           string
	CreatedAt      time.Time
	URL            string // githubUrl: https://github.com or a GitHub Enterprise Server
	AppName        string
	AppID          int64
	ClientID       string
	InstallationID string
	Secrets        ConnectionSecrets // PrivateKey, ClientSecret, WebhookSecret
}

// Configured reports whether the app id, private key and installation id are set (Dokploy's test for
// offering the connection for linking).
func (g *GitHubConnection) Configured() bool {
	return g.AppID != 0 && g.Secrets.PrivateKey != "" && g.InstallationID != ""
}

type githubConnectionJSON struct {
	GithubID             string       `json:"githubId"`
	GithubAppName        *string      `json:"githubAppName"`
	GithubAppID          *int64       `json:"githubAppId"`
	GithubClientID       *string      `json:"githubClientId"`
	GithubClientSecret   *string      `json:"githubClientSecret"`
	GithubInstallationID *string      `json:"githubInstallationId"`
	GithubPrivateKey     *string      `json:"githubPrivateKey"`
	GithubWebhookSecret  *string      `json:"githubWebhookSecret"`
	GithubURL            *string      `json:"githubUrl"`
	GitProvider          providerJSON `json:"gitProvider"`
}

var githubNotFound = "Github Provider not found"

// GetGitHubConnection is github.one; a missing connection is a 404.
func (c *Client) GetGitHubConnection(ctx context.Context, githubID string) (*GitHubConnection, error) {
	var j githubConnectionJSON
	if err := c.do(ctx, call{operation: "read GitHub connection", procedure: "github.one",
		query: url.Values{"githubId": {githubID}}, notFound: []string{githubNotFound}}, &j); err != nil {
		return nil, err
	}
	out := &GitHubConnection{ID: j.GithubID, GitProviderID: j.GitProvider.GitProviderID, Name: j.GitProvider.Name,
		CreatedAt: parseTime(j.GitProvider.CreatedAt), URL: text(j.GithubURL), AppName: text(j.GithubAppName),
		ClientID: text(j.GithubClientID), InstallationID: text(j.GithubInstallationID),
		Secrets: ConnectionSecrets{PrivateKey: text(j.GithubPrivateKey), ClientSecret: text(j.GithubClientSecret),
			WebhookSecret: text(j.GithubWebhookSecret)}}
	if j.GithubAppID != nil {
		out.AppID = *j.GithubAppID
	}
	return out, nil
}

// UpdateGitHubConnection is github.update: renames the connection and its app name (both required).
// Dokploy answers an unknown id with success; the connection is read back, so that a missing one is a 404.
func (c *Client) UpdateGitHubConnection(ctx context.Context, githubID, gitProviderID, name, appName string) (*GitHubConnection, error) {
	err := c.do(ctx, call{operation: "update GitHub connection", procedure: "github.update", repeatable: true,
		in: map[string]any{"githubId": githubID, "gitProviderId": gitProviderID, "name": name, "githubAppName": appName}}, nil)
	if err != nil {
		return nil, err
	}
	return c.GetGitHubConnection(ctx, githubID)
}

// TestGitHubConnection is github.testConnection: how many repositories the app's installation may use.
// A failure is Dokploy's 400 with the reason (Octokit's or GitHub's message); a missing connection a 404.
func (c *Client) TestGitHubConnection(ctx context.Context, githubID string) (int, error) {
	return c.testConnection(ctx, "GitHub", "github.testConnection", map[string]any{"githubId": githubID}, githubNotFound)
}

// GitHubRepository is a repository the installation may use, from GitHub's repository object.
type GitHubRepository struct {
	ID            int64
	Name          string
	FullName      string // owner/name
	Owner         string
	Private       bool
	Visibility    string // public, private, internal
	Archived      bool
	Fork          bool
	Description   string
	Topics        []string
	DefaultBranch string
	HTMLURL       string
	CloneURL      string
	SSHURL        string
	PushedAt      time.Time
}

// ListGitHubRepositories is github.getGithubRepositories: every repository the installation may use
// (Dokploy follows GitHub's pages). A failure to authenticate as the app is a 500 with Octokit's message.
func (c *Client) ListGitHubRepositories(ctx context.Context, githubID string) ([]GitHubRepository, error) {
	var out []struct {
		ID       int64  `json:"id"`
		Name     string `json:"name"`
		FullName string `json:"full_name"`
		Owner    struct {
			Login string `json:"login"`
		} `json:"owner"`
		Private       bool     `json:"private"`
		Visibility    string   `json:"visibility"`
		Archived      bool     `json:"archived"`
		Fork          bool     `json:"fork"`
		Description   *string  `json:"description"`
		Topics        []string `json:"topics"`
		DefaultBranch string   `json:"default_branch"`
		HTMLURL       string   `json:"html_url"`
		CloneURL      string   `json:"clone_url"`
		SSHURL        string   `json:"ssh_url"`
		PushedAt      *string  `json:"pushed_at"`
	}
	if err := c.do(ctx, call{operation: "list repositories through GitHub connection", procedure: "github.getGithubRepositories",
		query: url.Values{"githubId": {githubID}}, notFound: []string{githubNotFound}}, &out); err != nil {
		return nil, err
	}
	repos := make([]GitHubRepository, 0, len(out))
	for _, r := range out {
		visibility := r.Visibility
		if visibility == "" { // GitHub Enterprise Server before 3.x leaves it out
			visibility = "public"
			if r.Private {
				visibility = "private"
			}
		}
		repos = append(repos, GitHubRepository{ID: r.ID, Name: r.Name, FullName: r.FullName, Owner: r.Owner.Login, Private: r.Private,
			Visibility: visibility, Archived: r.Archived, Fork: r.Fork, Description: text(r.Description), Topics: r.Topics,
			DefaultBranch: r.DefaultBranch, HTMLURL: r.HTMLURL, CloneURL: r.CloneURL, SSHURL: r.SSHURL, PushedAt: parseTime(r.PushedAt)})
	}
	return repos, nil
}

// ListGitHubBranches is github.getGithubBranches: the repository's branches, every page. A repository
// the installation cannot see is a 500 with GitHub's "Not Found".
func (c *Client) ListGitHubBranches(ctx context.Context, githubID, owner, repo string) ([]ConnectionBranch, error) {
	var out []branchJSON
	if err := c.do(ctx, call{operation: "list branches through GitHub connection", procedure: "github.getGithubBranches",
		query: url.Values{"githubId": {githubID}, "owner": {owner}, "repo": {repo}}, notFound: []string{githubNotFound}}, &out); err != nil {
		return nil, err
	}
	return toBranches(out), nil
}

// ---- GitLab ----

// GitLabConnection is a GitLab OAuth application connection (gitlab.one).
type GitLabConnection struct {
	ID            string // gitlabId
	GitProviderID string
	Name          string
	CreatedAt     time.Time
	URL           string // gitlabUrl
	InternalURL   string // gitlabInternalUrl: the URL Dokploy itself uses, when set
	ApplicationID string // the OAuth application's id
	RedirectURI   string
	GroupName     string // groups whose projects Dokploy lists (comma-separated); "" for personal projects
	ExpiresAt     time.Time
	Secrets       ConnectionSecrets // Secret, AccessToken, RefreshToken
}

// Authorized reports whether a person authorised the application in Dokploy's dashboard (Dokploy holds
// its tokens).
func (g *GitLabConnection) Authorized() bool {
	return g.Secrets.AccessToken != "" && g.Secrets.RefreshToken != ""
}

type gitlabConnectionJSON struct {
	GitlabID          string       `json:"gitlabId"`
	GitlabURL         string       `json:"gitlabUrl"`
	GitlabInternalURL *string      `json:"gitlabInternalUrl"`
	ApplicationID     *string      `json:"applicationId"`
	RedirectURI       *string      `json:"redirectUri"`
	Secret            *string      `json:"secret"`
	AccessToken       *string      `json:"accessToken"`
	RefreshToken      *string      `json:"refreshToken"`
	GroupName         *string      `json:"groupName"`
	ExpiresAt         *int64       `json:"expiresAt"`
	GitProvider       providerJSON `json:"gitProvider"`
}

var gitlabNotFound = "Gitlab Provider not found"

// GitLabConnectionInput is a GitLab connection's settings: an OAuth application registered on GitLab
// (Applications, scopes api, read_user, read_repository) with RedirectURI as its callback.
type GitLabConnectionInput struct {
	Name          string // required
	URL           string // required, e.g. https://gitlab.com
	InternalURL   string // optional: the URL Dokploy uses to reach GitLab
	ApplicationID string
	Secret        string
	RedirectURI   string // "" for GitLabRedirectURI()
	GroupName     string // optional, comma-separated
}

// GitLabRedirectURI is the callback URL the GitLab OAuth application must allow: Dokploy's
// /api/providers/gitlab/callback.
func (c *Client) GitLabRedirectURI() string { return c.instance + "/api/providers/gitlab/callback" }

// GitLabAuthorizeURL is where a person authorises the connection, as Dokploy's dashboard builds it.
func (c *Client) GitLabAuthorizeURL(g *GitLabConnection) string {
	redirect := c.GitLabRedirectURI() + "?gitlabId=" + g.ID
	return strings.TrimRight(g.URL, "/") + "/oauth/authorize?client_id=" + g.ApplicationID + "&redirect_uri=" +
		url.QueryEscape(redirect) + "&response_type=code&scopes=" + url.QueryEscape(gitlabOAuthScopes)
}

// CreateGitLabConnection is gitlab.create. Dokploy answers nothing: the new connection is found in
// gitProvider.getAll and read. It cannot list or clone until a person authorises it (Authorized,
// GitLabAuthorizeURL). The secret is masked in any error.
func (c *Client) CreateGitLabConnection(ctx context.Context, in GitLabConnectionInput) (*GitLabConnection, error) {
	before, err := c.ListConnections(ctx)
	if err != nil {
		return nil, err
	}
	redirect := in.RedirectURI
	if redirect == "" {
		redirect = c.GitLabRedirectURI()
	}
	body := map[string]any{"name": in.Name, "gitlabUrl": in.URL, "authId": authID, "redirectUri": redirect}
	// The optional members are strings, not nullable: an unset one is left out (stored as null).
	for k, v := range map[string]string{"applicationId": in.ApplicationID, "secret": in.Secret, "groupName": in.GroupName,
		"gitlabInternalUrl": in.InternalURL} {
		if v != "" {
			body[k] = v
		}
	}
	conn, err := c.newConnection(ctx, ConnectionGitLab, in.Name, before, func() error {
		return c.do(ctx, call{operation: "create GitLab connection", procedure: "gitlab.create", in: body,
			secrets: []string{in.Secret}}, nil)
	})
	if err != nil {
		return nil, err
	}
	return c.GetGitLabConnection(ctx, conn.ID)
}

// GetGitLabConnection is gitlab.one; a missing connection is a 404.
func (c *Client) GetGitLabConnection(ctx context.Context, gitlabID string) (*GitLabConnection, error) {
	var j gitlabConnectionJSON
	if err := c.do(ctx, call{operation: "read GitLab connection", procedure: "gitlab.one",
		query: url.Values{"gitlabId": {gitlabID}}, notFound: []string{gitlabNotFound}}, &j); err != nil {
		return nil, err
	}
	out := &GitLabConnection{ID: j.GitlabID, GitProviderID: j.GitProvider.GitProviderID, Name: j.GitProvider.Name,
		CreatedAt: parseTime(j.GitProvider.CreatedAt), URL: j.GitlabURL, InternalURL: text(j.GitlabInternalURL),
		ApplicationID: text(j.ApplicationID), RedirectURI: text(j.RedirectURI), GroupName: text(j.GroupName),
		Secrets: ConnectionSecrets{Secret: text(j.Secret), AccessToken: text(j.AccessToken), RefreshToken: text(j.RefreshToken)}}
	if j.ExpiresAt != nil {
		out.ExpiresAt = time.Unix(*j.ExpiresAt, 0).UTC()
	}
	return out, nil
}

// UpdateGitLabConnection is gitlab.update with every setting of in (Name and URL required; InternalURL
// "" clears it; RedirectURI and Secret "" keep Dokploy's value: a member left out is not set). Dokploy answers an unknown id with success; the
// connection is read back, so that a missing one is a 404.
func (c *Client) UpdateGitLabConnection(ctx context.Context, gitlabID, gitProviderID string, in GitLabConnectionInput) (*GitLabConnection, error) {
	body := map[string]any{"gitlabId": gitlabID, "gitProviderId": gitProviderID, "name": in.Name, "gitlabUrl": in.URL,
		"gitlabInternalUrl": nullable(in.InternalURL), "applicationId": in.ApplicationID, "groupName": in.GroupName}
	if in.RedirectURI != "" {
		body["redirectUri"] = in.RedirectURI
	}
	if in.Secret != "" {
		body["secret"] = in.Secret
	}
	if err := c.do(ctx, call{operation: "update GitLab connection", procedure: "gitlab.update", in: body,
		secrets: []string{in.Secret}, repeatable: true}, nil); err != nil {
		return nil, err
	}
	return c.GetGitLabConnection(ctx, gitlabID)
}

// TestGitLabConnection is gitlab.testConnection: how many projects of groups (comma-separated; "" for
// the personal projects) the connection sees. An unauthorised connection fails (Dokploy's 400 "Failed to
// refresh token: …"); a missing one is a 404.
func (c *Client) TestGitLabConnection(ctx context.Context, gitlabID, groups string) (int, error) {
	in := map[string]any{"gitlabId": gitlabID}
	if groups != "" {
		in["groupName"] = groups
	}
	return c.testConnection(ctx, "GitLab", "gitlab.testConnection", in, gitlabNotFound)
}

// ConnectionRepository is a repository listed through a GitLab, Gitea or Bitbucket connection.
type ConnectionRepository struct {
	ID       int64  // GitLab's project id, Gitea's repository id (0 for Bitbucket)
	Name     string // the repository's name
	FullName string // GitLab: path with namespace; Gitea: owner/name; Bitbucket: workspace/slug
	Owner    string // GitLab: the namespace's last path segment; Gitea: owner login; Bitbucket: workspace
	Slug     string // Bitbucket
	WebURL   string // Bitbucket: the repository's page
}

type listedJSON struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	URL   string `json:"url"`
	Slug  string `json:"slug"`
	Owner struct {
		Username string `json:"username"`
	} `json:"owner"`
}

// ListGitLabRepositories is gitlab.getGitlabRepositories: the projects of the connection's groups (or its
// user's personal projects), every page.
func (c *Client) ListGitLabRepositories(ctx context.Context, gitlabID string) ([]ConnectionRepository, error) {
	var out []listedJSON
	if err := c.do(ctx, call{operation: "list repositories through GitLab connection", procedure: "gitlab.getGitlabRepositories",
		query: url.Values{"gitlabId": {gitlabID}}, notFound: []string{gitlabNotFound}}, &out); err != nil {
		return nil, err
	}
	repos := make([]ConnectionRepository, 0, len(out))
	for _, r := range out {
		repos = append(repos, ConnectionRepository{ID: r.ID, Name: r.Name, FullName: r.URL, Owner: r.Owner.Username})
	}
	return repos, nil
}

// ListGitLabBranches is gitlab.getGitlabBranches for the project projectID (Dokploy answers [] without
// it; owner and repo are required but unused). An unknown or invisible project is a 500 "Failed to fetch
// branches: Not Found".
func (c *Client) ListGitLabBranches(ctx context.Context, gitlabID string, projectID int64, owner, repo string) ([]ConnectionBranch, error) {
	var out []branchJSON
	q := url.Values{"gitlabId": {gitlabID}, "id": {strconv.FormatInt(projectID, 10)}, "owner": {owner}, "repo": {repo}}
	if err := c.do(ctx, call{operation: "list branches through GitLab connection", procedure: "gitlab.getGitlabBranches",
		query: q, notFound: []string{gitlabNotFound}}, &out); err != nil {
		return nil, err
	}
	return toBranches(out), nil
}

// ---- Bitbucket ----

// BitbucketConnection is a Bitbucket Cloud connection (bitbucket.one).
type BitbucketConnection struct {
	ID            string // bitbucketId
	GitProviderID string
	Name          string
	CreatedAt     time.Time
	Username      string
	Email         string            // the Atlassian account's e-mail, which goes with an API token
	Workspace     string            // the workspace Dokploy lists
	Secrets       ConnectionSecrets // APIToken, AppPassword
}

type bitbucketConnectionJSON struct {
	BitbucketID            string       `json:"bitbucketId"`
	BitbucketUsername      *string      `json:"bitbucketUsername"`
	BitbucketEmail         *string      `json:"bitbucketEmail"`
	AppPassword            *string      `json:"appPassword"`
	APIToken               *string      `json:"apiToken"`
	BitbucketWorkspaceName *string      `json:"bitbucketWorkspaceName"`
	GitProvider            providerJSON `json:"gitProvider"`
}

var bitbucketNotFound = []string{"Bitbucket Provider not found", "Bitbucket provider not found"}

// BitbucketConnectionInput is a Bitbucket connection's settings: an Atlassian account's e-mail and API
// token (with the repository read scopes), and the workspace to list.
type BitbucketConnectionInput struct {
	Name      string // required
	Email     string
	APIToken  string
	Username  string // optional: Bitbucket's username (shown by Dokploy; the fallback workspace)
	Workspace string
}

// CreateBitbucketConnection is bitbucket.create. Dokploy answers nothing: the new connection is found in
// gitProvider.getAll and read. The API token is masked in any error.
func (c *Client) CreateBitbucketConnection(ctx context.Context, in BitbucketConnectionInput) (*BitbucketConnection, error) {
	before, err := c.ListConnections(ctx)
	if err != nil {
		return nil, err
	}
	body := map[string]any{"name": in.Name, "authId": authID}
	for k, v := range map[string]string{"bitbucketEmail": in.Email, "apiToken": in.APIToken, "bitbucketUsername": in.Username,
		"bitbucketWorkspaceName": in.Workspace} {
		if v != "" {
			body[k] = v
		}
	}
	conn, err := c.newConnection(ctx, ConnectionBitbucket, in.Name, before, func() error {
		return c.do(ctx, call{operation: "create Bitbucket connection", procedure: "bitbucket.create", in: body,
			secrets: []string{in.APIToken}}, nil)
	})
	if err != nil {
		return nil, err
	}
	return c.GetBitbucketConnection(ctx, conn.ID)
}

func (j bitbucketConnectionJSON) toConnection(p providerJSON) *BitbucketConnection {
	return &BitbucketConnection{ID: j.BitbucketID, GitProviderID: p.GitProviderID, Name: p.Name, CreatedAt: parseTime(p.CreatedAt),
		Username: text(j.BitbucketUsername), Email: text(j.BitbucketEmail), Workspace: text(j.BitbucketWorkspaceName),
		Secrets: ConnectionSecrets{APIToken: text(j.APIToken), AppPassword: text(j.AppPassword)}}
}

// GetBitbucketConnection is bitbucket.one; a missing connection is a 404.
func (c *Client) GetBitbucketConnection(ctx context.Context, bitbucketID string) (*BitbucketConnection, error) {
	var j bitbucketConnectionJSON
	if err := c.do(ctx, call{operation: "read Bitbucket connection", procedure: "bitbucket.one",
		query: url.Values{"bitbucketId": {bitbucketID}}, notFound: bitbucketNotFound}, &j); err != nil {
		return nil, err
	}
	return j.toConnection(j.GitProvider), nil
}

// UpdateBitbucketConnection is bitbucket.update with every setting of in ("" leaves a credential as it
// is: Dokploy cannot clear one); a missing connection is a 404.
func (c *Client) UpdateBitbucketConnection(ctx context.Context, bitbucketID, gitProviderID string, in BitbucketConnectionInput) (*BitbucketConnection, error) {
	body := map[string]any{"bitbucketId": bitbucketID, "gitProviderId": gitProviderID, "name": in.Name}
	for k, v := range map[string]string{"bitbucketEmail": in.Email, "apiToken": in.APIToken, "bitbucketUsername": in.Username,
		"bitbucketWorkspaceName": in.Workspace} {
		if v != "" {
			body[k] = v
		}
	}
	if err := c.do(ctx, call{operation: "update Bitbucket connection", procedure: "bitbucket.update", in: body,
		secrets: []string{in.APIToken}, notFound: bitbucketNotFound, repeatable: true}, nil); err != nil {
		return nil, err
	}
	return c.GetBitbucketConnection(ctx, bitbucketID)
}

// TestBitbucketConnection is bitbucket.testConnection for workspace (Dokploy lists the workspace named
// in the call, not the stored one): how many of its repositories the connection sees on the first page
// (at most 10). A missing connection is a 404.
func (c *Client) TestBitbucketConnection(ctx context.Context, bitbucketID, workspace string) (int, error) {
	return c.testConnection(ctx, "Bitbucket", "bitbucket.testConnection",
		map[string]any{"bitbucketId": bitbucketID, "workspaceName": workspace}, bitbucketNotFound...)
}

// ListBitbucketRepositories is bitbucket.getBitbucketRepositories: the repositories of the connection's
// workspace (or of its username), every page.
func (c *Client) ListBitbucketRepositories(ctx context.Context, bitbucketID string) ([]ConnectionRepository, error) {
	var out []listedJSON
	if err := c.do(ctx, call{operation: "list repositories through Bitbucket connection", procedure: "bitbucket.getBitbucketRepositories",
		query: url.Values{"bitbucketId": {bitbucketID}}, notFound: bitbucketNotFound}, &out); err != nil {
		return nil, err
	}
	repos := make([]ConnectionRepository, 0, len(out))
	for _, r := range out {
		repos = append(repos, ConnectionRepository{Name: r.Name, FullName: r.Owner.Username + "/" + r.Slug, Owner: r.Owner.Username,
			Slug: r.Slug, WebURL: r.URL})
	}
	return repos, nil
}

// ListBitbucketBranches is bitbucket.getBitbucketBranches for workspace/slug. Bitbucket's refusals are
// Dokploy's 400 "HTTP error! status: N".
func (c *Client) ListBitbucketBranches(ctx context.Context, bitbucketID, workspace, slug string) ([]ConnectionBranch, error) {
	var out []branchJSON
	if err := c.do(ctx, call{operation: "list branches through Bitbucket connection", procedure: "bitbucket.getBitbucketBranches",
		query: url.Values{"bitbucketId": {bitbucketID}, "owner": {workspace}, "repo": {slug}}, notFound: bitbucketNotFound}, &out); err != nil {
		return nil, err
	}
	return toBranches(out), nil
}

// ---- Gitea ----

// GiteaConnection is a Gitea (or Forgejo) connection (gitea.one).
type GiteaConnection struct {
	ID                  string // giteaId
	GitProviderID       string
	Name                string
	CreatedAt           time.Time
	URL                 string // giteaUrl
	InternalURL         string
	ClientID            string // an OAuth client ("" for a personal access token connection)
	RedirectURI         string
	Scopes              string
	ExpiresAt           time.Time         // an OAuth token's expiry
	LastAuthenticatedAt time.Time         // the last successful testConnection
	Secrets             ConnectionSecrets // AccessToken, RefreshToken, ClientSecret
}

type giteaConnectionJSON struct {
	GiteaID             string       `json:"giteaId"`
	GiteaURL            string       `json:"giteaUrl"`
	GiteaInternalURL    *string      `json:"giteaInternalUrl"`
	RedirectURI         *string      `json:"redirectUri"`
	ClientID            *string      `json:"clientId"`
	ClientSecret        *string      `json:"clientSecret"`
	AccessToken         *string      `json:"accessToken"`
	RefreshToken        *string      `json:"refreshToken"`
	ExpiresAt           *int64       `json:"expiresAt"`
	Scopes              *string      `json:"scopes"`
	LastAuthenticatedAt *int64       `json:"lastAuthenticatedAt"`
	GitProvider         providerJSON `json:"gitProvider"`
}

var giteaNotFound = "Gitea Provider not found"

// GiteaConnectionInput is a Gitea connection's settings: the instance's URL and a personal access token
// (scopes read:repository and read:user at least).
type GiteaConnectionInput struct {
	Name        string // required
	URL         string // required, e.g. https://gitea.example.com
	InternalURL string
	AccessToken string
}

// CreateGiteaConnection is gitea.create with a personal access token, then gitea.one. The token is
// masked in any error.
func (c *Client) CreateGiteaConnection(ctx context.Context, in GiteaConnectionInput) (*GiteaConnection, error) {
	body := map[string]any{"name": in.Name, "giteaUrl": in.URL}
	if in.InternalURL != "" {
		body["giteaInternalUrl"] = in.InternalURL
	}
	if in.AccessToken != "" {
		body["accessToken"] = in.AccessToken
	}
	var out struct {
		GiteaID string `json:"giteaId"`
	}
	if err := c.do(ctx, call{operation: "create Gitea connection", procedure: "gitea.create", in: body,
		secrets: []string{in.AccessToken}}, &out); err != nil {
		return nil, err
	}
	return c.GetGiteaConnection(ctx, out.GiteaID)
}

// GetGiteaConnection is gitea.one; a missing connection is a 404.
func (c *Client) GetGiteaConnection(ctx context.Context, giteaID string) (*GiteaConnection, error) {
	var j giteaConnectionJSON
	if err := c.do(ctx, call{operation: "read Gitea connection", procedure: "gitea.one",
		query: url.Values{"giteaId": {giteaID}}, notFound: []string{giteaNotFound}}, &j); err != nil {
		return nil, err
	}
	out := &GiteaConnection{ID: j.GiteaID, GitProviderID: j.GitProvider.GitProviderID, Name: j.GitProvider.Name,
		CreatedAt: parseTime(j.GitProvider.CreatedAt), URL: j.GiteaURL, InternalURL: text(j.GiteaInternalURL),
		ClientID: text(j.ClientID), RedirectURI: text(j.RedirectURI), Scopes: text(j.Scopes),
		Secrets: ConnectionSecrets{AccessToken: text(j.AccessToken), RefreshToken: text(j.RefreshToken), ClientSecret: text(j.ClientSecret)}}
	if j.ExpiresAt != nil {
		out.ExpiresAt = time.Unix(*j.ExpiresAt, 0).UTC()
	}
	if j.LastAuthenticatedAt != nil {
		out.LastAuthenticatedAt = time.Unix(*j.LastAuthenticatedAt, 0).UTC()
	}
	return out, nil
}

// UpdateGiteaConnection is gitea.update with in (Name and URL required; InternalURL "" clears it;
// AccessToken "" keeps the stored token); a missing connection is a 404 (Dokploy answers 500 "Failed to
// update Gitea provider with ID …").
func (c *Client) UpdateGiteaConnection(ctx context.Context, giteaID, gitProviderID string, in GiteaConnectionInput) (*GiteaConnection, error) {
	body := map[string]any{"giteaId": giteaID, "gitProviderId": gitProviderID, "name": in.Name, "giteaUrl": in.URL,
		"giteaInternalUrl": nullable(in.InternalURL)}
	if in.AccessToken != "" {
		body["accessToken"] = in.AccessToken
	}
	if err := c.do(ctx, call{operation: "update Gitea connection", procedure: "gitea.update", in: body, secrets: []string{in.AccessToken},
		notFound: []string{"Failed to update Gitea provider with ID " + giteaID}, repeatable: true}, nil); err != nil {
		return nil, err
	}
	return c.GetGiteaConnection(ctx, giteaID)
}

// TestGiteaConnection is gitea.testConnection: how many repositories the token's user owns or
// administers (Gitea's /user/repos). A refused token is Dokploy's 400 "Failed to connect to Gitea API:
// 401 Unauthorized"; a missing connection a 404.
func (c *Client) TestGiteaConnection(ctx context.Context, giteaID string) (int, error) {
	return c.testConnection(ctx, "Gitea", "gitea.testConnection", map[string]any{"giteaId": giteaID}, giteaNotFound)
}

// ListGiteaRepositories is gitea.getGiteaRepositories: the repositories the token's user owns or
// administers, every page.
func (c *Client) ListGiteaRepositories(ctx context.Context, giteaID string) ([]ConnectionRepository, error) {
	var out []listedJSON
	if err := c.do(ctx, call{operation: "list repositories through Gitea connection", procedure: "gitea.getGiteaRepositories",
		query: url.Values{"giteaId": {giteaID}}, notFound: []string{giteaNotFound}}, &out); err != nil {
		return nil, err
	}
	repos := make([]ConnectionRepository, 0, len(out))
	for _, r := range out {
		repos = append(repos, ConnectionRepository{ID: r.ID, Name: r.Name, FullName: r.URL, Owner: r.Owner.Username})
	}
	return repos, nil
}

// ListGiteaBranches is gitea.getGiteaBranches for owner/repo. A repository the token cannot see is
// Dokploy's 400 "Failed to fetch branches: Not Found".
func (c *Client) ListGiteaBranches(ctx context.Context, giteaID, owner, repo string) ([]ConnectionBranch, error) {
	var out []branchJSON
	if err := c.do(ctx, call{operation: "list branches through Gitea connection", procedure: "gitea.getGiteaBranches",
		query: url.Values{"giteaId": {giteaID}, "owner": {owner}, "repositoryName": {repo}}, notFound: []string{giteaNotFound}}, &out); err != nil {
		return nil, err
	}
	return toBranches(out), nil
}
