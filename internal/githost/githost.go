// Package githost is the git-host side of the provider: where repositories live. Resources talk to
// the GitHost interface only; each host (github/, gitlab/, later bitbucket/, gitea/) implements it.
package githost

import (
	"context"
	"time"
)

// Kinds of git host, as users write them in git_provider.
const (
	GitHub = "github"
	GitLab = "gitlab"
)

// Kinds lists the git_provider values this build supports.
var Kinds = []string{GitHub, GitLab}

// Repository is a repository as the host reports it. ID is the host's numeric id in decimal.
type Repository struct {
	ID            string
	Name          string
	FullName      string // owner/name, or group/subgroup/name on GitLab
	DefaultBranch string
	Visibility    string // public, private, internal
	Private       bool
	Archived      bool
	Fork          bool
	Description   string
	HTMLURL       string
	CloneURL      string
	SSHURL        string
	Topics        []string
	PushedAt      time.Time
}

// Branch is a branch of a repository.
type Branch struct {
	Name      string
	Protected bool
	Default   bool
	CommitSHA string
}

// DeployKey is an SSH public key installed on one repository. ID is the host's numeric id in decimal.
type DeployKey struct {
	ID        string
	Title     string
	Key       string
	ReadOnly  bool
	CreatedAt time.Time
}

// DeployKeyInput is what a deploy key is created from.
type DeployKeyInput struct {
	Title    string
	Key      string
	ReadOnly bool
}

// GitHost is what the resources need from a git host. Repositories are named by their full path
// (GitHub owner/name, GitLab group/subgroup/name). Every method returns an *httpx.APIError for an
// unexpected answer; httpx.IsNotFound tells a missing object.
type GitHost interface {
	// Kind is the git_provider value: "github" or "gitlab".
	Kind() string

	GetRepository(ctx context.Context, repo string) (*Repository, error)
	GetBranch(ctx context.Context, repo, branch string) (*Branch, error)

	CreateDeployKey(ctx context.Context, repo string, in DeployKeyInput) (*DeployKey, error)
	GetDeployKey(ctx context.Context, repo, id string) (*DeployKey, error)
	ListDeployKeys(ctx context.Context, repo string) ([]DeployKey, error)
	DeleteDeployKey(ctx context.Context, repo, id string) error
}
