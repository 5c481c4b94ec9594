// Package githost is the git-host side of the provider: where repositories live. Resources talk to
// the GitHost interface only; each host (github/, gitlab/, later bitbucket/, gitea/) implements it.
package githost

import (
	"context"
	"time"
)

// Kinds of git host, as users write them in git_provider.
const (
	GitHub    = "github"
	GitLab    = "gitlab"
	Bitbucket = "bitbucket"
	Gitea     = "gitea"
)

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

	RepositoryLister
	WebhookManager
}

// DeployKeyRenamer is a GitHost whose deploy keys can be renamed in place (GitLab's PUT
// /projects/:id/deploy_keys/:key_id). On the other hosts a deploy key is immutable once made.
type DeployKeyRenamer interface {
	RenameDeployKey(ctx context.Context, repo, id, title string) (*DeployKey, error)
}

// Webhook events in the provider's one vocabulary across hosts. Each host maps them to its own names
// (GitHub push, pull_request, create; GitLab push_events, merge_requests_events, tag_push_events). An event
// a host reports that has no name here is passed through under the host's own name, so drift shows.
const (
	EventPush        = "push"
	EventPullRequest = "pull_request"
	EventTag         = "tag"
)

// Events lists the webhook events users can choose.
var Events = []string{EventPush, EventPullRequest, EventTag}

// Webhook is a repository webhook as the host reports it. The secret is never returned by either host.
type Webhook struct {
	ID           string
	URL          string
	Events       []string // provider vocabulary, sorted
	Active       bool     // GitHub, Bitbucket, Gitea; GitLab hooks are always active
	ContentType  string   // "json" or "form" (GitHub, Gitea); the other hosts always post JSON
	InsecureSSL  bool     // GitHub insecure_ssl = "1"; GitLab enable_ssl_verification = false
	BranchFilter string   // GitLab push_events_branch_filter, Gitea branch_filter
	// SecretSet says whether the host reports a secret on the hook (GitHub masks it as "********"); nil
	// when the host does not tell (GitLab).
	SecretSet *bool
	CreatedAt time.Time
}

// WebhookInput is what a webhook is created or updated from. Every update sends the whole hook, secret
// included: GitHub removes a secret that a PATCH omits, GitLab keeps a token only if it is sent again.
type WebhookInput struct {
	URL          string
	Secret       string
	Events       []string
	Active       bool
	ContentType  string
	InsecureSSL  bool
	BranchFilter string
}

// ListRepositoriesInput says whose repositories to list and which to keep.
type ListRepositoriesInput struct {
	// Owner is a GitHub organisation or user, or a GitLab group (path or numeric id) or user; empty means
	// the token's own user.
	Owner string
	// IncludeSubgroups lists a GitLab group's subgroups' projects too.
	IncludeSubgroups bool
	// Visibility is "", "all", "public", "private" or "internal"; the client asks the host to filter where
	// the endpoint can, and filters the rest itself.
	Visibility string
	// Keep, when set, is applied to every repository listed; only those it accepts count.
	Keep func(*Repository) bool
	// MaxItems > 0 stops fetching once that many repositories were kept.
	MaxItems int
}

// RepositoryLister lists repositories and branches, every page.
type RepositoryLister interface {
	// ListRepositories returns the kept repositories (in no particular order) and whether MaxItems cut
	// the list. An owner that does not exist is an *httpx.APIError with status 404 naming it.
	ListRepositories(ctx context.Context, in ListRepositoriesInput) (repos []Repository, truncated bool, err error)
	// ListBranches returns every branch of a repository, Default set on the default branch.
	ListBranches(ctx context.Context, repo string) ([]Branch, error)
}

// WebhookManager manages repository webhooks.
type WebhookManager interface {
	CreateWebhook(ctx context.Context, repo string, in WebhookInput) (*Webhook, error)
	GetWebhook(ctx context.Context, repo, id string) (*Webhook, error)
	// ListWebhooks returns every webhook of repo, every page: to find a webhook whose create answer
	// was lost.
	ListWebhooks(ctx context.Context, repo string) ([]Webhook, error)
	UpdateWebhook(ctx context.Context, repo, id string, in WebhookInput) (*Webhook, error)
	DeleteWebhook(ctx context.Context, repo, id string) error
}
