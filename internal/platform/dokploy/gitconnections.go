package dokploy

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// Dokploy's git-provider connections as platform.GitConnections: each method picks the kind's procedures
// (connections.go) and maps their answers.

var _ platform.GitConnections = (*Client)(nil)

// ListGitConnections implements platform.GitConnections: gitProvider.getAll.
func (c *Client) ListGitConnections(ctx context.Context) ([]platform.GitConnection, error) {
	conns, err := c.ListConnections(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]platform.GitConnection, 0, len(conns))
	for _, conn := range conns {
		out = append(out, listedConnection(conn))
	}
	return out, nil
}

func listedConnection(conn Connection) platform.GitConnection {
	out := platform.GitConnection{Kind: conn.Kind, ID: conn.ID, GitProviderID: conn.GitProviderID, Name: conn.Name,
		CreatedAt: conn.CreatedAt, URL: conn.URL, Configured: conn.Configured, ApplicationID: conn.ApplicationID,
		Username: conn.Username, AppName: conn.AppName, AppID: conn.AppID, InstallationID: conn.InstallationID}
	if conn.Kind == ConnectionGitLab {
		out.Authorized = conn.Configured // a GitLab connection is configured once it holds tokens
	}
	return out
}

// connectionNotFound is the "not found" of a connection gitProvider.getAll does not list.
func connectionNotFound(id string) error {
	return &httpx.APIError{Service: serviceName, Operation: "find git provider connection", Method: http.MethodGet,
		Path: "/api/gitProvider.getAll", StatusCode: http.StatusNotFound, Message: fmt.Sprintf("no connection %q is listed", id)}
}

// GetGitConnection implements platform.GitConnections: <kind>.one; with kind "", gitProvider.getAll first
// to find the kind (and Dokploy's isConfigured, which only the listing has).
func (c *Client) GetGitConnection(ctx context.Context, kind, id string) (*platform.GitConnection, error) {
	var listed *Connection
	if kind == "" {
		var err error
		if listed, err = c.FindConnection(ctx, id); err != nil {
			return nil, err
		}
		if listed == nil {
			return nil, connectionNotFound(id)
		}
		kind, id = listed.Kind, listed.ID
	}
	out, err := c.readConnection(ctx, kind, id)
	if err != nil {
		return nil, err
	}
	if listed != nil {
		out.Configured = listed.Configured
	}
	return out, nil
}

func (c *Client) readConnection(ctx context.Context, kind, id string) (*platform.GitConnection, error) {
	switch kind {
	case ConnectionGitHub:
		g, err := c.GetGitHubConnection(ctx, id)
		if err != nil {
			return nil, err
		}
		return c.fromGitHub(g), nil
	case ConnectionGitLab:
		g, err := c.GetGitLabConnection(ctx, id)
		if err != nil {
			return nil, err
		}
		return c.fromGitLab(g), nil
	case ConnectionBitbucket:
		b, err := c.GetBitbucketConnection(ctx, id)
		if err != nil {
			return nil, err
		}
		return fromBitbucket(b), nil
	case ConnectionGitea:
		g, err := c.GetGiteaConnection(ctx, id)
		if err != nil {
			return nil, err
		}
		return fromGitea(g), nil
	}
	return nil, unknownKind(kind)
}

func unknownKind(kind string) error {
	return fmt.Errorf("%s: git provider connections are github, gitlab, bitbucket or gitea, not %q", serviceName, kind)
}

// digest is a credential's SHA-256 in hex; "" for none.
func digest(secret string) string {
	if secret == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

func (c *Client) fromGitHub(g *GitHubConnection) *platform.GitConnection {
	return &platform.GitConnection{Kind: ConnectionGitHub, ID: g.ID, GitProviderID: g.GitProviderID, Name: g.Name, CreatedAt: g.CreatedAt,
		URL: g.URL, Configured: g.Configured(), AppName: g.AppName, AppID: g.AppID, InstallationID: g.InstallationID,
		CredentialDigests: map[string]string{}}
}

func (c *Client) fromGitLab(g *GitLabConnection) *platform.GitConnection {
	out := &platform.GitConnection{Kind: ConnectionGitLab, ID: g.ID, GitProviderID: g.GitProviderID, Name: g.Name, CreatedAt: g.CreatedAt,
		URL: g.URL, InternalURL: g.InternalURL, Configured: g.Authorized(), Authorized: g.Authorized(), RedirectURI: g.RedirectURI,
		ApplicationID: g.ApplicationID, GroupName: g.GroupName, CredentialDigests: map[string]string{"Secret": digest(g.Secrets.Secret)}}
	if g.ApplicationID != "" {
		out.AuthorizeURL = c.GitLabAuthorizeURL(g)
	}
	return out
}

func fromBitbucket(b *BitbucketConnection) *platform.GitConnection {
	return &platform.GitConnection{Kind: ConnectionBitbucket, ID: b.ID, GitProviderID: b.GitProviderID, Name: b.Name, CreatedAt: b.CreatedAt,
		Email: b.Email, Username: b.Username, Workspace: b.Workspace,
		CredentialDigests: map[string]string{"APIToken": digest(b.Secrets.APIToken)}}
}

func fromGitea(g *GiteaConnection) *platform.GitConnection {
	return &platform.GitConnection{Kind: ConnectionGitea, ID: g.ID, GitProviderID: g.GitProviderID, Name: g.Name, CreatedAt: g.CreatedAt,
		URL: g.URL, InternalURL: g.InternalURL, Configured: g.Secrets.AccessToken != "" && g.Secrets.RefreshToken != "",
		CredentialDigests: map[string]string{"AccessToken": digest(g.Secrets.AccessToken)}}
}

// CreateGitConnection implements platform.GitConnections: <kind>.create, read back with <kind>.one.
func (c *Client) CreateGitConnection(ctx context.Context, in platform.GitConnectionInput) (*platform.GitConnection, error) {
	switch in.Kind {
	case ConnectionGitLab:
		g, err := c.CreateGitLabConnection(ctx, gitlabInput(in))
		if err != nil {
			return nil, err
		}
		return c.fromGitLab(g), nil
	case ConnectionBitbucket:
		b, err := c.CreateBitbucketConnection(ctx, bitbucketInput(in))
		if err != nil {
			return nil, err
		}
		return fromBitbucket(b), nil
	case ConnectionGitea:
		g, err := c.CreateGiteaConnection(ctx, giteaInput(in))
		if err != nil {
			return nil, err
		}
		return fromGitea(g), nil
	case ConnectionGitHub:
		return nil, fmt.Errorf("%s: GitHub connections are GitHub Apps made in Dokploy's dashboard (Settings → Git → GitHub); "+
			"the API cannot create one", serviceName)
	}
	return nil, unknownKind(in.Kind)
}

func gitlabInput(in platform.GitConnectionInput) GitLabConnectionInput {
	return GitLabConnectionInput{Name: in.Name, URL: in.URL, InternalURL: in.InternalURL, ApplicationID: in.ApplicationID,
		Secret: in.Secret, GroupName: in.GroupName}
}

func bitbucketInput(in platform.GitConnectionInput) BitbucketConnectionInput {
	return BitbucketConnectionInput{Name: in.Name, Email: in.Email, APIToken: in.APIToken, Username: in.Username, Workspace: in.Workspace}
}

func giteaInput(in platform.GitConnectionInput) GiteaConnectionInput {
	return GiteaConnectionInput{Name: in.Name, URL: in.URL, InternalURL: in.InternalURL, AccessToken: in.AccessToken}
}

// UpdateGitConnection implements platform.GitConnections: <kind>.update, read back with <kind>.one. A
// GitHub connection can only be renamed.
func (c *Client) UpdateGitConnection(ctx context.Context, conn *platform.GitConnection, in platform.GitConnectionInput) (*platform.GitConnection, error) {
	switch conn.Kind {
	case ConnectionGitLab:
		g, err := c.UpdateGitLabConnection(ctx, conn.ID, conn.GitProviderID, gitlabInput(in))
		if err != nil {
			return nil, err
		}
		return c.fromGitLab(g), nil
	case ConnectionBitbucket:
		b, err := c.UpdateBitbucketConnection(ctx, conn.ID, conn.GitProviderID, bitbucketInput(in))
		if err != nil {
			return nil, err
		}
		return fromBitbucket(b), nil
	case ConnectionGitea:
		g, err := c.UpdateGiteaConnection(ctx, conn.ID, conn.GitProviderID, giteaInput(in))
		if err != nil {
			return nil, err
		}
		return fromGitea(g), nil
	case ConnectionGitHub:
		g, err := c.UpdateGitHubConnection(ctx, conn.ID, conn.GitProviderID, in.Name, conn.AppName)
		if err != nil {
			return nil, err
		}
		return c.fromGitHub(g), nil
	}
	return nil, unknownKind(conn.Kind)
}

// RemoveGitConnection implements platform.GitConnections: gitProvider.remove.
func (c *Client) RemoveGitConnection(ctx context.Context, conn *platform.GitConnection) error {
	return c.RemoveConnection(ctx, conn.GitProviderID)
}

// TestGitConnection implements platform.GitConnections: <kind>.testConnection. GitLab's counts the
// projects of the connection's groups; Bitbucket's lists its workspace, else its username (Dokploy tests
// the workspace named in the call, not the stored one).
func (c *Client) TestGitConnection(ctx context.Context, conn *platform.GitConnection) (int, error) {
	switch conn.Kind {
	case ConnectionGitHub:
		return c.TestGitHubConnection(ctx, conn.ID)
	case ConnectionGitLab:
		return c.TestGitLabConnection(ctx, conn.ID, conn.GroupName)
	case ConnectionBitbucket:
		workspace := conn.Workspace
		if workspace == "" {
			workspace = conn.Username
		}
		return c.TestBitbucketConnection(ctx, conn.ID, workspace)
	case ConnectionGitea:
		return c.TestGiteaConnection(ctx, conn.ID)
	}
	return 0, unknownKind(conn.Kind)
}

// ListConnectionRepositories implements platform.GitConnections: get<Kind>Repositories. GitHub's answer is
// GitHub's repository objects; GitLab's and Gitea's carry id, name, the full path and the owner;
// Bitbucket's the name, slug, workspace and web page.
func (c *Client) ListConnectionRepositories(ctx context.Context, conn *platform.GitConnection) ([]platform.ConnectionRepository, error) {
	switch conn.Kind {
	case ConnectionGitHub:
		repos, err := c.ListGitHubRepositories(ctx, conn.ID)
		if err != nil {
			return nil, err
		}
		out := make([]platform.ConnectionRepository, 0, len(repos))
		for _, r := range repos {
			out = append(out, platform.ConnectionRepository{ID: strconv.FormatInt(r.ID, 10), Name: r.Name, FullName: r.FullName,
				Owner: r.Owner, HTMLURL: r.HTMLURL, Detailed: true, DefaultBranch: r.DefaultBranch, Visibility: r.Visibility,
				Private: r.Private, Archived: r.Archived, Fork: r.Fork, Description: r.Description, Topics: r.Topics,
				CloneURL: r.CloneURL, SSHURL: r.SSHURL, PushedAt: r.PushedAt})
		}
		return out, nil
	case ConnectionGitLab, ConnectionGitea, ConnectionBitbucket:
		var repos []ConnectionRepository
		var err error
		switch conn.Kind {
		case ConnectionGitLab:
			repos, err = c.ListGitLabRepositories(ctx, conn.ID)
		case ConnectionGitea:
			repos, err = c.ListGiteaRepositories(ctx, conn.ID)
		default:
			repos, err = c.ListBitbucketRepositories(ctx, conn.ID)
		}
		if err != nil {
			return nil, err
		}
		out := make([]platform.ConnectionRepository, 0, len(repos))
		for _, r := range repos {
			id := ""
			if r.ID != 0 {
				id = strconv.FormatInt(r.ID, 10)
			}
			out = append(out, platform.ConnectionRepository{ID: id, Name: r.Name, FullName: r.FullName, Owner: r.Owner, Slug: r.Slug,
				HTMLURL: r.WebURL})
		}
		return out, nil
	}
	return nil, unknownKind(conn.Kind)
}

// ListConnectionBranches implements platform.GitConnections: get<Kind>Branches (GitLab's by the project's
// id, Bitbucket's by workspace and slug). GitHub's branches are marked default from the repository's
// default branch.
func (c *Client) ListConnectionBranches(ctx context.Context, conn *platform.GitConnection, repo *platform.ConnectionRepository) ([]platform.ConnectionBranch, error) {
	owner, name, _ := strings.Cut(repo.FullName, "/")
	var branches []ConnectionBranch
	var err error
	switch conn.Kind {
	case ConnectionGitHub:
		branches, err = c.ListGitHubBranches(ctx, conn.ID, owner, name)
	case ConnectionGitLab:
		projectID, convErr := strconv.ParseInt(repo.ID, 10, 64)
		if convErr != nil {
			return nil, fmt.Errorf("%s: GitLab project %s has no numeric id (%q) to list its branches by", serviceName, repo.FullName, repo.ID)
		}
		branches, err = c.ListGitLabBranches(ctx, conn.ID, projectID, repo.Owner, repo.Name)
	case ConnectionBitbucket:
		slug := repo.Slug
		if slug == "" {
			slug = name
		}
		branches, err = c.ListBitbucketBranches(ctx, conn.ID, owner, slug)
	case ConnectionGitea:
		branches, err = c.ListGiteaBranches(ctx, conn.ID, owner, name)
	default:
		return nil, unknownKind(conn.Kind)
	}
	if err != nil {
		return nil, err
	}
	out := make([]platform.ConnectionBranch, 0, len(branches))
	for _, b := range branches {
		cb := platform.ConnectionBranch{Name: b.Name, CommitSHA: b.Commit, Protected: b.Protected, Default: b.Default}
		if cb.Default == nil && repo.Detailed {
			isDefault := b.Name == repo.DefaultBranch
			cb.Default = &isDefault
		}
		out = append(out, cb)
	}
	return out, nil
}

// saveConnectionLink links siteID through the connection in link: the kind's save<Kind>Provider with the
// repository as the kind's listing named it (Dokploy's dashboard sends the same members).
func (c *Client) saveConnectionLink(ctx context.Context, siteID string, link *platform.ConnectionLink, branch, buildPath string,
	build platform.DokployBuild) error {
	r := link.Repository
	owner, name, _ := strings.Cut(r.FullName, "/")
	src := ConnectionSource{ConnectionID: link.ConnectionID, Owner: owner, Repository: name, Branch: branch, BuildPath: buildPath,
		WatchPaths: build.WatchPaths, EnableSubmodules: build.EnableSubmodules}
	switch link.Kind {
	case ConnectionGitHub:
		return c.SaveGitHubProvider(ctx, siteID, src)
	case ConnectionGitLab:
		projectID, err := strconv.ParseInt(r.ID, 10, 64)
		if err != nil {
			return fmt.Errorf("%s: GitLab project %s has no numeric id (%q) to link it by", serviceName, r.FullName, r.ID)
		}
		src.Owner, src.Repository, src.ProjectID, src.PathNamespace = r.Owner, r.Name, projectID, r.FullName
		return c.SaveGitLabProvider(ctx, siteID, src)
	case ConnectionBitbucket:
		src.Repository, src.Slug = r.Name, r.Slug
		if src.Slug == "" {
			src.Slug = name
		}
		if src.Repository == "" {
			src.Repository = src.Slug
		}
		return c.SaveBitbucketProvider(ctx, siteID, src)
	case ConnectionGitea:
		return c.SaveGiteaProvider(ctx, siteID, src)
	}
	return unknownKind(link.Kind)
}

// connectionLinkOf is the link through a connection an application holds (sourceType github, gitlab,
// bitbucket or gitea), or nil: Dokploy's default sourceType is github with every field null.
func connectionLinkOf(app *Application) (link *platform.ConnectionLink, branch, buildPath string) {
	var r platform.ConnectionRepository
	var id string
	switch app.SourceType {
	case ConnectionGitHub:
		if app.Owner == "" && app.Repository == "" && app.GithubID == "" {
			return nil, "", ""
		}
		id, branch, buildPath = app.GithubID, app.Branch, app.BuildPath
		r = platform.ConnectionRepository{Name: app.Repository, Owner: app.Owner, FullName: app.Owner + "/" + app.Repository}
	case ConnectionGitLab:
		if app.GitlabPathNamespace == "" && app.GitlabID == "" {
			return nil, "", ""
		}
		id, branch, buildPath = app.GitlabID, app.GitlabBranch, app.GitlabBuildPath
		r = platform.ConnectionRepository{Name: app.GitlabRepository, Owner: app.GitlabOwner, FullName: app.GitlabPathNamespace}
		if app.GitlabProjectID != 0 {
			r.ID = strconv.FormatInt(app.GitlabProjectID, 10)
		}
	case ConnectionBitbucket:
		if app.BitbucketOwner == "" && app.BitbucketRepository == "" && app.BitbucketID == "" {
			return nil, "", ""
		}
		slug := app.BitbucketRepositorySlug
		if slug == "" {
			slug = app.BitbucketRepository
		}
		id, branch, buildPath = app.BitbucketID, app.BitbucketBranch, app.BitbucketBuildPath
		r = platform.ConnectionRepository{Name: app.BitbucketRepository, Owner: app.BitbucketOwner, Slug: slug,
			FullName: app.BitbucketOwner + "/" + slug}
	case ConnectionGitea:
		if app.GiteaOwner == "" && app.GiteaRepository == "" && app.GiteaID == "" {
			return nil, "", ""
		}
		id, branch, buildPath = app.GiteaID, app.GiteaBranch, app.GiteaBuildPath
		r = platform.ConnectionRepository{Name: app.GiteaRepository, Owner: app.GiteaOwner, FullName: app.GiteaOwner + "/" + app.GiteaRepository}
	default:
		return nil, "", ""
	}
	if buildPath == "/" {
		buildPath = "" // Dokploy's default: the repository's root
	}
	return &platform.ConnectionLink{Kind: app.SourceType, ConnectionID: id, Repository: r}, branch, buildPath
}
