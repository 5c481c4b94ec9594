package dokploy

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// Dokploy as a platform.Platform: a site is an application in an environment, a deploy key is a Dokploy
// SSH key, a repository link is the application's git source ("git", over SSH with that key) and build
// type, and git hosts post to the application's deploy URL. Dokploy has no build hooks.

var _ platform.Platform = (*Client)(nil)

// keyMarkerPrefix starts the description of the SSH keys the provider makes; the create's marker follows,
// so that a key whose create answer was lost is found again by it.
const keyMarkerPrefix = "Managed by Terraform (gitdeploy), create "

// defaultKeyName names an SSH key made without a name (Dokploy requires one).
const defaultKeyName = "gitdeploy deploy key"

// Name implements platform.Platform.
func (c *Client) Name() string { return serviceName }

// Kind implements platform.Platform.
func (c *Client) Kind() string { return platform.Dokploy }

// SupportsGitHost implements platform.Platform: Dokploy clones any git URL over SSH with the deploy key.
func (c *Client) SupportsGitHost(string) error { return nil }

// ValidateSiteName implements platform.SiteManager: application.create takes any non-empty name (the
// Docker service's name is appName, which Dokploy derives and suffixes).
func (c *Client) ValidateSiteName(name string) error {
	if strings.TrimSpace(name) == "" {
		return errors.New("a Dokploy application's name must not be empty")
	}
	return nil
}

// SiteNameRequired implements platform.SiteManager: application.create requires a name.
func (c *Client) SiteNameRequired() bool { return true }

// SiteNameTaken implements platform.SiteManager: Dokploy allows several applications with one name.
func (c *Client) SiteNameTaken(error) bool { return false }

// CreateSite implements platform.SiteManager: application.create in in.EnvironmentID.
func (c *Client) CreateSite(ctx context.Context, in platform.SiteInput) (*platform.Site, error) {
	app, err := c.CreateApplication(ctx, ApplicationInput{Name: in.Name, Description: in.Description, EnvironmentID: in.EnvironmentID})
	if err != nil {
		return nil, err
	}
	// create answers the row without its environment's project: read it whole.
	if full, err := c.GetApplication(ctx, app.ID); err == nil {
		app = full
	}
	return c.toSite(app), nil
}

// GetSite implements platform.SiteManager: application.one.
func (c *Client) GetSite(ctx context.Context, id string) (*platform.Site, error) {
	app, err := c.GetApplication(ctx, id)
	if err != nil {
		return nil, err
	}
	return c.toSite(app), nil
}

// ListSites implements platform.SiteManager: the applications of in.EnvironmentID (Dokploy lists
// applications only by their environment), each read with application.one.
func (c *Client) ListSites(ctx context.Context, in platform.SiteInput) ([]platform.Site, error) {
	env, err := c.GetEnvironment(ctx, in.EnvironmentID)
	if err != nil {
		return nil, err
	}
	sites := make([]platform.Site, 0, len(env.ApplicationIDs))
	for _, id := range env.ApplicationIDs {
		app, err := c.GetApplication(ctx, id)
		if httpx.IsNotFound(err) {
			continue // deleted in between
		}
		if err != nil {
			return nil, err
		}
		sites = append(sites, *c.toSite(app))
	}
	return sites, nil
}

// UpdateSite implements platform.SiteManager: application.update of the name and description, then
// application.one (update answers nothing useful).
func (c *Client) UpdateSite(ctx context.Context, id string, in platform.SiteInput) (*platform.Site, error) {
	if err := c.UpdateApplication(ctx, id, ApplicationUpdate{Name: &in.Name, Description: &in.Description}); err != nil {
		return nil, err
	}
	return c.GetSite(ctx, id)
}

// DeleteSite implements platform.SiteManager: application.delete.
func (c *Client) DeleteSite(ctx context.Context, id string) error {
	return c.DeleteApplication(ctx, id)
}

// toSite maps an application. Its dashboard page is the admin URL (the path Dokploy's dashboard uses for an
// application in an environment; not documented as an API contract).
func (c *Client) toSite(app *Application) *platform.Site {
	site := &platform.Site{ID: app.ID, Name: app.Name, EnvironmentID: app.EnvironmentID, ProjectID: app.ProjectID,
		AppName: app.AppName, Description: app.Description, CreatedAt: app.CreatedAt}
	if app.ProjectID != "" {
		site.AdminURL = fmt.Sprintf("%s/dashboard/project/%s/environment/%s/services/application/%s", c.instance,
			url.PathEscape(app.ProjectID), url.PathEscape(app.EnvironmentID), url.PathEscape(app.ID))
	}
	build := &platform.DokployBuild{BuildType: app.BuildType, Dockerfile: app.Dockerfile, DockerContextPath: app.DockerContextPath,
		DockerBuildStage: app.DockerBuildStage, WatchPaths: app.WatchPaths, AutoDeploy: app.AutoDeploy, EnableSubmodules: app.EnableSubmodules}
	if app.SourceType == "git" && app.CustomGitURL != "" {
		site.Repo = &platform.RepoSettings{
			RepoPath:    repoPathOfURL(app.CustomGitURL),
			RepoBranch:  app.CustomGitBranch,
			RepoURL:     app.CustomGitURL,
			DeployKeyID: app.CustomGitSSHKeyID,
			Dir:         app.PublishDirectory,
			Base:        app.CustomGitBuildPath,
			Dokploy:     build,
		}
	}
	// Through a connection Dokploy keeps the repository's parts but no URL, and a repository id only for
	// GitLab (the project's).
	if link, branch, buildPath := connectionLinkOf(app); link != nil {
		site.Repo = &platform.RepoSettings{Provider: link.Kind, RepoPath: link.Repository.FullName, RepoBranch: branch,
			RepoID: link.Repository.ID, Connection: link, Dir: app.PublishDirectory, Base: buildPath, Dokploy: build}
	}
	return site
}

// repoPathOfURL is the repository path of a git URL: "git@github.com:acme/site.git" and
// "ssh://git@host:2222/group/sub/app.git" give "acme/site" and "group/sub/app"; "" when there is none.
func repoPathOfURL(raw string) string {
	var p string
	if u, err := url.Parse(raw); err == nil && u.Scheme != "" && u.Host != "" {
		p = u.Path
	} else if _, after, ok := strings.Cut(raw, ":"); ok { // scp-like: [user@]host:path
		p = after
	}
	return strings.TrimSuffix(strings.Trim(p, "/"), ".git")
}

// MarksDeployKeys implements platform.DeployKeyManager: the marker goes into the key's description.
func (c *Client) MarksDeployKeys() bool { return true }

// errNotListedYet says that a key was stored but sshKey.all does not show it yet. It counts as a create
// that may have been applied, so the caller looks for it by its marker for a while instead of making
// another.
var errNotListedYet = fmt.Errorf("%s: create SSH key: the new key is not listed yet: %w", serviceName, httpx.ErrMayHaveBeenApplied)

// CreateDeployKey implements platform.DeployKeyManager: sshKey.generate (an ed25519 pair), sshKey.create
// with the name and the marker, and sshKey.all to find its id (create answers nothing). The private key
// only passes through on its way to Dokploy.
func (c *Client) CreateDeployKey(ctx context.Context, in platform.DeployKeyInput) (*platform.DeployKey, error) {
	pair, err := c.GenerateSSHKey(ctx, "ed25519")
	if err != nil {
		return nil, err
	}
	name := in.Name
	if name == "" {
		name = defaultKeyName
	}
	if err := c.CreateSSHKey(ctx, SSHKeyInput{Name: name, Description: keyMarkerPrefix + in.Marker, Pair: *pair}); err != nil {
		return nil, err
	}
	key, err := c.FindSSHKey(ctx, pair.PublicKey)
	if err != nil {
		return nil, err
	}
	if key == nil {
		return nil, errNotListedYet
	}
	return toDeployKey(*key), nil
}

// GetDeployKey implements platform.DeployKeyManager: sshKey.one.
func (c *Client) GetDeployKey(ctx context.Context, id string) (*platform.DeployKey, error) {
	key, err := c.GetSSHKey(ctx, id)
	if err != nil {
		return nil, err
	}
	return toDeployKey(*key), nil
}

// ListDeployKeys implements platform.DeployKeyManager: sshKey.all.
func (c *Client) ListDeployKeys(ctx context.Context) ([]platform.DeployKey, error) {
	keys, err := c.ListSSHKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]platform.DeployKey, 0, len(keys))
	for _, k := range keys {
		out = append(out, *toDeployKey(k))
	}
	return out, nil
}

// DeployKeysPage implements platform.DeployKeyPager: sshKey.all, which answers every key at once (one
// page), each as sshKey.one does.
func (c *Client) DeployKeysPage(ctx context.Context, _ int) ([]platform.DeployKey, bool, error) {
	keys, err := c.ListDeployKeys(ctx)
	return keys, false, err
}

// DeleteDeployKey implements platform.DeployKeyManager: sshKey.remove.
func (c *Client) DeleteDeployKey(ctx context.Context, id string) error {
	return c.DeleteSSHKey(ctx, id)
}

func toDeployKey(k SSHKey) *platform.DeployKey {
	marker, _ := strings.CutPrefix(k.Description, keyMarkerPrefix)
	if marker == k.Description {
		marker = "" // not one of ours
	}
	return &platform.DeployKey{ID: k.ID, Name: k.Name, PublicKey: k.PublicKey, Marker: marker, CreatedAt: k.CreatedAt}
}

// SetRepo implements platform.RepoLinker: the build type (application.saveBuildType), whether pushes
// deploy (application.update), then the git source over SSH with the deploy key, or over HTTPS without one
// (application.saveGitProvider), or through a git-provider connection (save<Kind>Provider), every field
// sent each time. Dokploy has no one call for all three: each sets whole values, so sending them again after
// a failure converges. Each answers true and stores what it was sent (apps/dokploy/server/api/routers/
// application.ts), so the link returned is what was sent, without reading the application again.
func (c *Client) SetRepo(ctx context.Context, siteID string, repo platform.RepoSettings) (*platform.Site, error) {
	build := platform.DokployBuild{BuildType: "nixpacks", AutoDeploy: true}
	if repo.Dokploy != nil {
		build = *repo.Dokploy
	}
	if err := c.SaveBuildType(ctx, siteID, BuildSettings{BuildType: build.BuildType, Dockerfile: build.Dockerfile,
		DockerContextPath: build.DockerContextPath, DockerBuildStage: build.DockerBuildStage, PublishDirectory: repo.Dir}); err != nil {
		return nil, err
	}
	if err := c.UpdateApplication(ctx, siteID, ApplicationUpdate{AutoDeploy: &build.AutoDeploy}); err != nil {
		return nil, err
	}
	if repo.Connection != nil {
		// Dokploy's save<Kind>Provider sets the kind's columns and sourceType; those of the SSH source it
		// leaves, and they no longer count.
		if err := c.saveConnectionLink(ctx, siteID, repo.Connection, repo.RepoBranch, repo.Base, build); err != nil {
			return nil, err
		}
		stored := repo // Dokploy keeps no URL of a link through a connection
		stored.Provider, stored.RepoPath, stored.RepoURL, stored.Dokploy = repo.Connection.Kind, repo.Connection.Repository.FullName, "", &build
		return &platform.Site{ID: siteID, Repo: &stored}, nil
	}
	cloneURL := repo.SSHURL
	if repo.DeployKeyID == "" {
		cloneURL = repo.CloneURL // no key: a public repository, cloned over HTTPS
	}
	if err := c.SaveGitProvider(ctx, siteID, GitSource{URL: cloneURL, Branch: repo.RepoBranch, BuildPath: repo.Base,
		SSHKeyID: repo.DeployKeyID, WatchPaths: build.WatchPaths, EnableSubmodules: build.EnableSubmodules}); err != nil {
		return nil, err
	}
	stored := repo
	stored.RepoPath, stored.RepoURL, stored.Dokploy = repoPathOfURL(cloneURL), cloneURL, &build
	return &platform.Site{ID: siteID, Repo: &stored}, nil
}

// ClearRepo implements platform.RepoLinker: application.disconnectGitProvider (deploy keys are separate
// objects and stay). It answers true once it has set every git-source field of the application to null
// (apps/dokploy/server/api/routers/application.ts), so the answer is the check: no read follows.
func (c *Client) ClearRepo(ctx context.Context, siteID string) error {
	return c.DisconnectGitProvider(ctx, siteID)
}

// HookTargetNeedsSite implements platform.HookTargeter: every application has its own deploy URL.
func (c *Client) HookTargetNeedsSite() bool { return true }

// HookTarget implements platform.HookTargeter: the application's deploy URL, from its current refresh
// token. Every git host posts to the same URL (Dokploy tells them apart by their event headers).
func (c *Client) HookTarget(ctx context.Context, _, siteID string) (string, error) {
	app, err := c.GetApplication(ctx, siteID)
	if err != nil {
		return "", err
	}
	if app.RefreshToken == "" {
		return "", fmt.Errorf("%s: application %s has no refresh token, so it has no deploy URL", serviceName, siteID)
	}
	return c.DeployURL(app.RefreshToken), nil
}
