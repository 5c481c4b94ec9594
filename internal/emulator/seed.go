package emulator

import (
	"encoding/json"
	"fmt"
	"os"
)

// Seed is the content the emulator starts with: tokens, users, organisations/groups, repositories and
// their branches. It is also the JSON read by `gitdeploy-emulator -seed FILE` and accepted by
// POST /_emulator/seed. Every part is optional.
//
//	{"netlify": {"tokens": ["..."], "accounts": ["slug"]},
//	 "github": {"users": [{"login": "octocat", "token": "...", "orgs": ["gitdeploy-demo"]}],
//	            "orgs": ["gitdeploy-demo"],
//	            "repos": [{"full_name": "gitdeploy-demo/website", "id": 1001, "private": false,
//	                       "visibility": "public", "default_branch": "main", "branches": ["main", "develop"],
//	                       "archived": false, "fork": false, "description": "...", "topics": []}]},
//	 "gitlab": {"users": [{"username": "demo", "token": "...", "groups": ["gitdeploy-demo"]}],
//	            "groups": ["gitdeploy-demo", "gitdeploy-demo/frontend"],
//	            "projects": [{"path_with_namespace": "gitdeploy-demo/frontend/app", "id": 2002,
//	                          "visibility": "private", "default_branch": "main", "branches": ["main"],
//	                          "archived": false, "description": "...", "topics": [],
//	                          "forked_from": "other/project"}]}}
//
// Large seeds are generated rather than listed: "generate" (on "github" and "gitlab") makes count
// repositories under an owner, and "branch_count" gives one repository that many branches:
//
//	{"github": {"generate": [{"owner": "big-org", "count": 5000, "name_pattern": "repo-%04d",
//	                          "archived_share": 0.1, "fork_share": 0.2, "private_share": 0.3, "branches": 3}],
//	            "repos": [{"full_name": "big-org/monorepo", "branch_count": 2000}]},
//	 "gitlab": {"generate": [{"owner": "big-group/sub", "count": 5000}]}}
//
// See GenerateSeed for the rules.
//
// Rules: a user's "orgs" (GitHub) or "groups" (GitLab) lists the memberships that give access to private
// repositories and write access (deploy keys); when the list is omitted (null) the user is a member of
// every organisation or group, when it is [] of none. A user always owns the repositories under its own
// login or username. Ids left out (0) are assigned deterministically. A repository's owner that is
// neither a user nor a declared organisation/group is created as one (GitLab: with its parent groups).
// default_branch defaults to "main" and is always one of the branches; branches get deterministic fake
// commit SHAs. GitHub visibility defaults from "private"; GitLab visibility defaults to "private".
type Seed struct {
	Netlify   NetlifySeed   `json:"netlify"`
	Dokploy   DokploySeed   `json:"dokploy"`
	GitHub    GitHubSeed    `json:"github"`
	GitLab    GitLabSeed    `json:"gitlab"`
	Bitbucket BitbucketSeed `json:"bitbucket"` // see BitbucketSeed
	Gitea     GiteaSeed     `json:"gitea"`     // see GiteaSeed
}

// NetlifySeed lists the accepted Netlify access tokens and the account slugs (the first one is where
// POST /sites puts a site).
type NetlifySeed struct {
	Tokens   []string `json:"tokens"`
	Accounts []string `json:"accounts"`
}

// GitHubSeed is the GitHub part of a Seed.
type GitHubSeed struct {
	Users    []GitHubUserSeed `json:"users"`
	Orgs     []string         `json:"orgs"`
	Repos    []GitHubRepoSeed `json:"repos"`
	Generate []GenerateSeed   `json:"generate,omitempty"` // made after Repos
	// Apps are GitHub Apps with their public keys and installations (github_apps.go).
	Apps []GitHubAppSeed `json:"apps,omitempty"`
	// InstallationTokenLifetime is how long an installation token lasts, e.g. "1h" (GitHub's) or "5s" for
	// a test that outlives one; "" keeps the current setting (one hour in a new emulator).
	InstallationTokenLifetime string `json:"installation_token_lifetime,omitempty"`
}

// GitHubUserSeed is a GitHub user and its token. Orgs nil means "member of every organisation".
type GitHubUserSeed struct {
	Login string   `json:"login"`
	Token string   `json:"token"`
	ID    int64    `json:"id,omitempty"`
	Orgs  []string `json:"orgs"`
}

// GitHubRepoSeed is a GitHub repository.
type GitHubRepoSeed struct {
	FullName      string   `json:"full_name"`
	ID            int64    `json:"id,omitempty"`
	Private       bool     `json:"private"`
	Visibility    string   `json:"visibility,omitempty"` // public, private, internal; defaults from Private
	DefaultBranch string   `json:"default_branch,omitempty"`
	Branches      []string `json:"branches"`
	Archived      bool     `json:"archived"`
	Fork          bool     `json:"fork"`
	Description   string   `json:"description,omitempty"`
	Topics        []string `json:"topics"`
	BranchCount   int      `json:"branch_count,omitempty"` // adds generated branches up to this many in all
}

// GitLabSeed is the GitLab part of a Seed.
type GitLabSeed struct {
	Users    []GitLabUserSeed    `json:"users"`
	Groups   []string            `json:"groups"`
	Projects []GitLabProjectSeed `json:"projects"`
	Generate []GenerateSeed      `json:"generate,omitempty"` // made after Projects
}

// GitLabUserSeed is a GitLab user and its token. Groups nil means "member of every group".
type GitLabUserSeed struct {
	Username string   `json:"username"`
	Token    string   `json:"token"`
	ID       int64    `json:"id,omitempty"`
	Groups   []string `json:"groups"`
}

// GitLabProjectSeed is a GitLab project.
type GitLabProjectSeed struct {
	PathWithNamespace string   `json:"path_with_namespace"`
	ID                int64    `json:"id,omitempty"`
	Visibility        string   `json:"visibility,omitempty"` // public, internal, private (default)
	DefaultBranch     string   `json:"default_branch,omitempty"`
	Branches          []string `json:"branches"`
	Archived          bool     `json:"archived"`
	Description       string   `json:"description,omitempty"`
	Topics            []string `json:"topics"`
	ForkedFrom        string   `json:"forked_from,omitempty"`  // path_with_namespace of the parent project
	BranchCount       int      `json:"branch_count,omitempty"` // adds generated branches up to this many in all
}

// Tokens and names of DefaultSeed, for tests and examples.
const (
	DefaultNetlifyToken = "emulator-netlify-token"
	DefaultGitHubToken  = "emulator-github-token"
	DefaultGitLabToken  = "emulator-gitlab-token"
	// DefaultBitbucketEmail and DefaultBitbucketAPIToken are the demo account's Basic credentials;
	// DefaultBitbucketAccessToken is a workspace access token of gitdeploy-demo (Bearer).
	DefaultBitbucketEmail       = "demo@example.com"
	DefaultBitbucketAPIToken    = "emulator-bitbucket-api-token"
	DefaultBitbucketAccessToken = "emulator-bitbucket-access-token"
	DefaultGiteaToken           = "emulator-gitea-token"
)

// DefaultSeed is the demo world: one token per system, the gitdeploy-demo organisation, group and
// workspace, a public and a private repository on each git host (GitLab's private one in a nested
// subgroup), and a Dokploy API key with the gitdeploy-demo project and its production environment.
func DefaultSeed() *Seed {
	return &Seed{
		Netlify: NetlifySeed{Tokens: []string{DefaultNetlifyToken}, Accounts: []string{"gitdeploy-demo"}},
		GitHub: GitHubSeed{
			Users: []GitHubUserSeed{{Login: "octocat", Token: DefaultGitHubToken, ID: 1}},
			Orgs:  []string{"gitdeploy-demo"},
			Repos: []GitHubRepoSeed{
				{FullName: "gitdeploy-demo/website", ID: 1001, DefaultBranch: "main", Branches: []string{"main", "develop"},
					Description: "Demo website", Topics: []string{"demo", "website"}},
				{FullName: "gitdeploy-demo/private-app", ID: 1002, Private: true, DefaultBranch: "main", Branches: []string{"main"},
					Description: "Private demo application", Topics: []string{}},
			},
		},
		GitLab: GitLabSeed{
			Users:  []GitLabUserSeed{{Username: "demo", Token: DefaultGitLabToken, ID: 1}},
			Groups: []string{"gitdeploy-demo", "gitdeploy-demo/frontend"},
			Projects: []GitLabProjectSeed{
				{PathWithNamespace: "gitdeploy-demo/website", ID: 2001, Visibility: "public", DefaultBranch: "main",
					Branches: []string{"main", "develop"}, Description: "Demo website", Topics: []string{"demo"}},
				{PathWithNamespace: "gitdeploy-demo/frontend/app", ID: 2002, Visibility: "private", DefaultBranch: "main",
					Branches: []string{"main"}, Description: "Private demo application in a subgroup", Topics: []string{}},
			},
		},
		Dokploy: defaultDokploySeed(),
		Bitbucket: BitbucketSeed{
			Users: []BitbucketUserSeed{{Nickname: "demo", Email: DefaultBitbucketEmail, APIToken: DefaultBitbucketAPIToken}},
			AccessTokens: []BitbucketAccessTokenSeed{{Token: DefaultBitbucketAccessToken, Name: "gitdeploy-demo workspace token",
				Workspace: "gitdeploy-demo"}},
			Workspaces: []string{"gitdeploy-demo"},
			Repos: []BitbucketRepoSeed{
				{FullName: "gitdeploy-demo/website", MainBranch: "main", Branches: []string{"main", "develop"}, Description: "Demo website"},
				{FullName: "gitdeploy-demo/private-app", Private: true, MainBranch: "main", Branches: []string{"main"},
					Description: "Private demo application"},
			},
		},
		Gitea: GiteaSeed{
			Users: []GiteaUserSeed{{Login: "demo", Token: DefaultGiteaToken, ID: 1}},
			Orgs:  []string{"gitdeploy-demo"},
			Repos: []GiteaRepoSeed{
				{FullName: "gitdeploy-demo/website", ID: 3001, DefaultBranch: "main", Branches: []string{"main", "develop"},
					Description: "Demo website", Topics: []string{"demo"}},
				{FullName: "gitdeploy-demo/private-app", ID: 3002, Private: true, DefaultBranch: "main", Branches: []string{"main"},
					Description: "Private demo application", Topics: []string{}},
			},
		},
	}
}

// LoadSeed reads a Seed from a JSON file and checks it.
func LoadSeed(path string) (*Seed, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read seed: %w", err)
	}
	var s Seed
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("parse seed %s: %w", path, err)
	}
	if err := s.Validate(); err != nil {
		return nil, fmt.Errorf("seed %s: %w", path, err)
	}
	return &s, nil
}

// Validate reports whether the seed can be loaded into an empty emulator.
func (s *Seed) Validate() error {
	return newState().apply(s)
}

// clone returns a deep copy, so that the seed kept for Reset cannot be changed by the caller.
func (s *Seed) clone() (*Seed, error) {
	data, err := json.Marshal(s)
	if err != nil {
		return nil, err
	}
	var c Seed
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, err
	}
	return &c, nil
}
