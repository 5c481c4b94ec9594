package dokploy

import (
	"context"
	"net/url"
	"time"
)

// Application is a Dokploy application (a row of its "application" table, as application.one answers
// it). Nullable columns read as "" when null.
type Application struct {
	ID            string
	Name          string
	AppName       string // Dokploy's own name, with a random suffix: the Docker service's name
	Description   string
	EnvironmentID string
	ProjectID     string // from the application's environment ("" when create answered)
	// SourceType is where it builds from: git (SaveGitProvider), github, gitlab, bitbucket, gitea
	// (git-provider connections), docker or drop.
	SourceType         string
	CustomGitURL       string
	CustomGitBranch    string
	CustomGitBuildPath string
	CustomGitSSHKeyID  string
	EnableSubmodules   bool
	WatchPaths         []string // nil when unset
	// The git-provider connections' ids (null unless the application builds through one; null again
	// once the connection is removed).
	GithubID, GitlabID, BitbucketID, GiteaID string
	// The repository linked through a connection, per SourceType: github (Owner, Repository, Branch,
	// BuildPath, TriggerType), gitlab (GitlabProjectID, GitlabOwner, GitlabRepository,
	// GitlabPathNamespace, GitlabBranch, GitlabBuildPath), bitbucket (Bitbucket…), gitea (Gitea…).
	Owner, Repository, Branch, BuildPath, TriggerType                                 string
	GitlabProjectID                                                                   int64
	GitlabOwner, GitlabRepository, GitlabPathNamespace, GitlabBranch, GitlabBuildPath string
	BitbucketOwner, BitbucketRepository, BitbucketRepositorySlug, BitbucketBranch     string
	BitbucketBuildPath                                                                string
	GiteaOwner, GiteaRepository, GiteaBranch, GiteaBuildPath                          string
	BuildType                                                                         string // dockerfile, heroku_buildpacks, paketo_buildpacks, nixpacks, static, railpack
	Dockerfile                                                                        string
	DockerContextPath                                                                 string
	DockerBuildStage                                                                  string
	HerokuVersion                                                                     string
	RailpackVersion                                                                   string
	PublishDirectory                                                                  string
	IsStaticSpa                                                                       *bool
	// AutoDeploy is whether the deploy webhook deploys (Dokploy treats null as off).
	AutoDeploy bool
	// RefreshToken is the secret in DeployURL: rotated by RefreshToken.
	RefreshToken      string
	ApplicationStatus string // idle, running, done, error
	CreatedAt         time.Time
}

// applicationJSON is the part of the row the client reads.
type applicationJSON struct {
	ApplicationID      string   `json:"applicationId"`
	Name               string   `json:"name"`
	AppName            string   `json:"appName"`
	Description        *string  `json:"description"`
	EnvironmentID      string   `json:"environmentId"`
	SourceType         string   `json:"sourceType"`
	CustomGitURL       *string  `json:"customGitUrl"`
	CustomGitBranch    *string  `json:"customGitBranch"`
	CustomGitBuildPath *string  `json:"customGitBuildPath"`
	CustomGitSSHKeyID  *string  `json:"customGitSSHKeyId"`
	EnableSubmodules   bool     `json:"enableSubmodules"`
	WatchPaths         []string `json:"watchPaths"`
	GithubID           *string  `json:"githubId"`
	GitlabID           *string  `json:"gitlabId"`
	BitbucketID        *string  `json:"bitbucketId"`
	GiteaID            *string  `json:"giteaId"`
	Owner              *string  `json:"owner"`
	Repository         *string  `json:"repository"`
	Branch             *string  `json:"branch"`
	BuildPath          *string  `json:"buildPath"`
	TriggerType        *string  `json:"triggerType"`
	GitlabProjectID    *int64   `json:"gitlabProjectId"`
	GitlabOwner        *string  `json:"gitlabOwner"`
	GitlabRepository   *string  `json:"gitlabRepository"`
	GitlabPathNS       *string  `json:"gitlabPathNamespace"`
	GitlabBranch       *string  `json:"gitlabBranch"`
	GitlabBuildPath    *string  `json:"gitlabBuildPath"`
	BitbucketOwner     *string  `json:"bitbucketOwner"`
	BitbucketRepo      *string  `json:"bitbucketRepository"`
	BitbucketSlug      *string  `json:"bitbucketRepositorySlug"`
	BitbucketBranch    *string  `json:"bitbucketBranch"`
	BitbucketBuildPath *string  `json:"bitbucketBuildPath"`
	GiteaOwner         *string  `json:"giteaOwner"`
	GiteaRepository    *string  `json:"giteaRepository"`
	GiteaBranch        *string  `json:"giteaBranch"`
	GiteaBuildPath     *string  `json:"giteaBuildPath"`
	BuildType          string   `json:"buildType"`
	Dockerfile         *string  `json:"dockerfile"`
	DockerContextPath  *string  `json:"dockerContextPath"`
	DockerBuildStage   *string  `json:"dockerBuildStage"`
	HerokuVersion      *string  `json:"herokuVersion"`
	RailpackVersion    *string  `json:"railpackVersion"`
	PublishDirectory   *string  `json:"publishDirectory"`
	IsStaticSpa        *bool    `json:"isStaticSpa"`
	AutoDeploy         *bool    `json:"autoDeploy"`
	RefreshToken       *string  `json:"refreshToken"`
	ApplicationStatus  string   `json:"applicationStatus"`
	CreatedAt          *string  `json:"createdAt"`
	Environment        *struct {
		ProjectID string `json:"projectId"`
	} `json:"environment"`
}

func (a applicationJSON) toApplication() *Application {
	out := &Application{ID: a.ApplicationID, Name: a.Name, AppName: a.AppName, Description: text(a.Description),
		EnvironmentID: a.EnvironmentID, SourceType: a.SourceType, CustomGitURL: text(a.CustomGitURL),
		CustomGitBranch: text(a.CustomGitBranch), CustomGitBuildPath: text(a.CustomGitBuildPath),
		CustomGitSSHKeyID: text(a.CustomGitSSHKeyID), EnableSubmodules: a.EnableSubmodules, WatchPaths: a.WatchPaths,
		GithubID: text(a.GithubID), GitlabID: text(a.GitlabID), BitbucketID: text(a.BitbucketID), GiteaID: text(a.GiteaID),
		BuildType: a.BuildType, Dockerfile: text(a.Dockerfile), DockerContextPath: text(a.DockerContextPath),
		DockerBuildStage: text(a.DockerBuildStage), HerokuVersion: text(a.HerokuVersion),
		RailpackVersion: text(a.RailpackVersion), PublishDirectory: text(a.PublishDirectory), IsStaticSpa: a.IsStaticSpa,
		AutoDeploy: a.AutoDeploy != nil && *a.AutoDeploy, RefreshToken: text(a.RefreshToken),
		ApplicationStatus: a.ApplicationStatus, CreatedAt: parseTime(a.CreatedAt)}
	out.Owner, out.Repository, out.Branch, out.BuildPath, out.TriggerType = text(a.Owner), text(a.Repository), text(a.Branch),
		text(a.BuildPath), text(a.TriggerType)
	if a.GitlabProjectID != nil {
		out.GitlabProjectID = *a.GitlabProjectID
	}
	out.GitlabOwner, out.GitlabRepository, out.GitlabPathNamespace, out.GitlabBranch, out.GitlabBuildPath = text(a.GitlabOwner),
		text(a.GitlabRepository), text(a.GitlabPathNS), text(a.GitlabBranch), text(a.GitlabBuildPath)
	out.BitbucketOwner, out.BitbucketRepository, out.BitbucketRepositorySlug, out.BitbucketBranch, out.BitbucketBuildPath =
		text(a.BitbucketOwner), text(a.BitbucketRepo), text(a.BitbucketSlug), text(a.BitbucketBranch), text(a.BitbucketBuildPath)
	out.GiteaOwner, out.GiteaRepository, out.GiteaBranch, out.GiteaBuildPath = text(a.GiteaOwner), text(a.GiteaRepository),
		text(a.GiteaBranch), text(a.GiteaBuildPath)
	if a.Environment != nil {
		out.ProjectID = a.Environment.ProjectID
	}
	return out
}

var applicationNotFound = []string{"Application not found"}

// ApplicationInput is what application.create takes.
type ApplicationInput struct {
	Name          string // required
	AppName       string // optional: Dokploy appends "-" and six random characters; made up when empty
	Description   string
	EnvironmentID string // required
}

// CreateApplication is application.create: the new application (without ProjectID). An unknown
// environment is a 404 "Environment not found".
func (c *Client) CreateApplication(ctx context.Context, in ApplicationInput) (*Application, error) {
	body := map[string]any{"name": in.Name, "environmentId": in.EnvironmentID}
	if in.AppName != "" {
		body["appName"] = in.AppName
	}
	if in.Description != "" {
		body["description"] = in.Description
	}
	var out applicationJSON
	err := c.do(ctx, call{operation: "create application", procedure: "application.create", in: body,
		notFound: []string{"Environment not found"}}, &out)
	if err != nil {
		return nil, err
	}
	return out.toApplication(), nil
}

// GetApplication is application.one; a missing application is a 404.
func (c *Client) GetApplication(ctx context.Context, id string) (*Application, error) {
	var out applicationJSON
	err := c.do(ctx, call{operation: "read application", procedure: "application.one",
		query: url.Values{"applicationId": {id}}, notFound: applicationNotFound}, &out)
	if err != nil {
		return nil, err
	}
	return out.toApplication(), nil
}

// ApplicationUpdate is a change made with application.update: only the fields that are not nil are
// sent. Dokploy's update cannot change AppName.
type ApplicationUpdate struct {
	Name        *string
	Description *string // "" clears it (sent as null)
	AutoDeploy  *bool
}

// UpdateApplication is application.update. Dokploy answers a missing application with 400 "Error
// updating application", which does not say that it is gone: read it with GetApplication to know.
func (c *Client) UpdateApplication(ctx context.Context, id string, in ApplicationUpdate) error {
	body := map[string]any{"applicationId": id}
	if in.Name != nil {
		body["name"] = *in.Name
	}
	if in.Description != nil {
		body["description"] = nullable(*in.Description)
	}
	if in.AutoDeploy != nil {
		body["autoDeploy"] = *in.AutoDeploy
	}
	return c.do(ctx, call{operation: "update application", procedure: "application.update", in: body,
		notFound: applicationNotFound, repeatable: true}, nil)
}

// DeleteApplication is application.delete (its deployments go with it); a missing application is a 404.
func (c *Client) DeleteApplication(ctx context.Context, id string) error {
	return c.do(ctx, call{operation: "delete application", procedure: "application.delete",
		in: map[string]any{"applicationId": id}, notFound: applicationNotFound, repeatable: true}, nil)
}

// GitSource is an application's git repository, built over SSH with a Dokploy SSH key (or over
// HTTP(S) without one, for public repositories).
type GitSource struct {
	URL              string   // the SSH clone URL, e.g. git@github.com:owner/repo.git
	Branch           string   // Dokploy allows letters, digits and . _ - / #
	BuildPath        string   // "" for the repository's root
	SSHKeyID         string   // a Dokploy SSH key's id ("" for none)
	WatchPaths       []string // deploy only pushes touching these globs; nil for every push
	EnableSubmodules bool
}

// SaveGitProvider is application.saveGitProvider: the application builds from src (sourceType
// "git"). Every member the schema requires is sent, null where unset, so that the call sets exactly
// src. A missing application is a 404; an unknown SSH key fails on the foreign key (500).
func (c *Client) SaveGitProvider(ctx context.Context, applicationID string, src GitSource) error {
	var watch any // null
	if src.WatchPaths != nil {
		watch = src.WatchPaths
	}
	body := map[string]any{
		"applicationId":      applicationID,
		"customGitUrl":       nullable(src.URL),
		"customGitBranch":    src.Branch,
		"customGitBuildPath": nullable(src.BuildPath),
		"customGitSSHKeyId":  nullable(src.SSHKeyID),
		"watchPaths":         watch,
		"enableSubmodules":   src.EnableSubmodules,
	}
	return c.do(ctx, call{operation: "link application to git repository", procedure: "application.saveGitProvider",
		in: body, notFound: applicationNotFound, repeatable: true}, nil)
}

// BuildSettings is how Dokploy builds an application. Empty strings are sent as null: Dokploy then
// uses no value (for HerokuVersion and RailpackVersion, not its defaults "24" and "0.15.4").
type BuildSettings struct {
	BuildType         string // dockerfile, heroku_buildpacks, paketo_buildpacks, nixpacks, static, railpack
	Dockerfile        string
	DockerContextPath string
	DockerBuildStage  string
	HerokuVersion     string
	RailpackVersion   string
	PublishDirectory  string
	IsStaticSpa       *bool // nil: null
}

// SaveBuildType is application.saveBuildType, every member sent; a missing application is a 404.
func (c *Client) SaveBuildType(ctx context.Context, applicationID string, b BuildSettings) error {
	body := map[string]any{
		"applicationId":     applicationID,
		"buildType":         b.BuildType,
		"dockerfile":        nullable(b.Dockerfile),
		"dockerContextPath": nullable(b.DockerContextPath),
		"dockerBuildStage":  nullable(b.DockerBuildStage),
		"herokuVersion":     nullable(b.HerokuVersion),
		"railpackVersion":   nullable(b.RailpackVersion),
		"publishDirectory":  nullable(b.PublishDirectory),
		"isStaticSpa":       b.IsStaticSpa,
	}
	return c.do(ctx, call{operation: "save build settings", procedure: "application.saveBuildType", in: body,
		notFound: applicationNotFound, repeatable: true}, nil)
}

// DisconnectGitProvider is application.disconnectGitProvider: the application no longer builds from
// any repository (every git field cleared, sourceType back to Dokploy's default "github").
func (c *Client) DisconnectGitProvider(ctx context.Context, applicationID string) error {
	return c.do(ctx, call{operation: "unlink application from git repository", procedure: "application.disconnectGitProvider",
		in: map[string]any{"applicationId": applicationID}, notFound: applicationNotFound, repeatable: true}, nil)
}

// RefreshToken is application.refreshToken: a new deploy-webhook token (read it with
// GetApplication); the previous DeployURL stops working.
func (c *Client) RefreshToken(ctx context.Context, applicationID string) error {
	return c.do(ctx, call{operation: "rotate deploy token", procedure: "application.refreshToken",
		in: map[string]any{"applicationId": applicationID}, notFound: applicationNotFound}, nil)
}

// DeployApplication is application.deploy: queues a deployment titled title ("" for Dokploy's
// "Manual deployment"). Dokploy answers nothing; follow it with ListDeployments.
func (c *Client) DeployApplication(ctx context.Context, applicationID, title string) error {
	body := map[string]any{"applicationId": applicationID}
	if title != "" {
		body["title"] = title
	}
	return c.do(ctx, call{operation: "deploy application", procedure: "application.deploy", in: body,
		notFound: applicationNotFound}, nil)
}

// ConnectionSource is a repository an application builds through a git-provider connection.
type ConnectionSource struct {
	ConnectionID string // the kind's id: githubId, gitlabId, bitbucketId or giteaId
	Owner        string // GitHub/Gitea owner, GitLab namespace's owner, Bitbucket workspace
	Repository   string // the repository's name (Bitbucket: its name; Slug is what is cloned)
	Branch       string // Dokploy allows letters, digits and . _ - / #
	BuildPath    string // "" for Dokploy's default "/"
	WatchPaths   []string
	// EnableSubmodules clones submodules too.
	EnableSubmodules bool
	// TriggerType is GitHub's: "push" (default) or "tag".
	TriggerType string
	// GitLab: the project's numeric id (listing its branches and Dokploy's link need it) and its path
	// with namespace (what Dokploy clones).
	ProjectID     int64
	PathNamespace string
	// Slug is Bitbucket's repository slug (cloned when set).
	Slug string
}

func (s ConnectionSource) buildPath() string {
	if s.BuildPath == "" {
		return "/"
	}
	return s.BuildPath
}

func (s ConnectionSource) watchPaths() any {
	if s.WatchPaths == nil {
		return nil
	}
	return s.WatchPaths
}

// saveLink calls a save<Kind>Provider procedure. A missing application is a 404; a connection id that
// names no connection fails on the foreign key (500). Dokploy checks neither that the connection sees the
// repository nor the branch: check them with the kind's listings first.
func (c *Client) saveLink(ctx context.Context, kind, procedure string, body map[string]any) error {
	return c.do(ctx, call{operation: "link application through " + kind + " connection", procedure: procedure, in: body,
		notFound: applicationNotFound, repeatable: true}, nil)
}

// SaveGitHubProvider is application.saveGithubProvider: the application builds src through a GitHub
// connection (sourceType "github").
func (c *Client) SaveGitHubProvider(ctx context.Context, applicationID string, src ConnectionSource) error {
	trigger := src.TriggerType
	if trigger == "" {
		trigger = "push"
	}
	return c.saveLink(ctx, "GitHub", "application.saveGithubProvider", map[string]any{"applicationId": applicationID,
		"githubId": nullable(src.ConnectionID), "owner": nullable(src.Owner), "repository": nullable(src.Repository),
		"branch": src.Branch, "buildPath": src.buildPath(), "triggerType": trigger, "watchPaths": src.watchPaths(),
		"enableSubmodules": src.EnableSubmodules})
}

// SaveGitLabProvider is application.saveGitlabProvider (sourceType "gitlab"): ProjectID and
// PathNamespace are required for Dokploy to list branches and clone.
func (c *Client) SaveGitLabProvider(ctx context.Context, applicationID string, src ConnectionSource) error {
	var projectID any // null
	if src.ProjectID != 0 {
		projectID = src.ProjectID
	}
	return c.saveLink(ctx, "GitLab", "application.saveGitlabProvider", map[string]any{"applicationId": applicationID,
		"gitlabId": nullable(src.ConnectionID), "gitlabOwner": nullable(src.Owner), "gitlabRepository": nullable(src.Repository),
		"gitlabProjectId": projectID, "gitlabPathNamespace": nullable(src.PathNamespace), "gitlabBranch": src.Branch,
		"gitlabBuildPath": src.buildPath(), "watchPaths": src.watchPaths(), "enableSubmodules": src.EnableSubmodules})
}

// SaveBitbucketProvider is application.saveBitbucketProvider (sourceType "bitbucket"): Owner is the
// workspace.
func (c *Client) SaveBitbucketProvider(ctx context.Context, applicationID string, src ConnectionSource) error {
	return c.saveLink(ctx, "Bitbucket", "application.saveBitbucketProvider", map[string]any{"applicationId": applicationID,
		"bitbucketId": nullable(src.ConnectionID), "bitbucketOwner": nullable(src.Owner),
		"bitbucketRepository": nullable(src.Repository), "bitbucketRepositorySlug": nullable(src.Slug),
		"bitbucketBranch": src.Branch, "bitbucketBuildPath": src.buildPath(), "watchPaths": src.watchPaths(),
		"enableSubmodules": src.EnableSubmodules})
}

// SaveGiteaProvider is application.saveGiteaProvider (sourceType "gitea").
func (c *Client) SaveGiteaProvider(ctx context.Context, applicationID string, src ConnectionSource) error {
	return c.saveLink(ctx, "Gitea", "application.saveGiteaProvider", map[string]any{"applicationId": applicationID,
		"giteaId": nullable(src.ConnectionID), "giteaOwner": nullable(src.Owner), "giteaRepository": nullable(src.Repository),
		"giteaBranch": src.Branch, "giteaBuildPath": src.buildPath(), "watchPaths": src.watchPaths(),
		"enableSubmodules": src.EnableSubmodules})
}
