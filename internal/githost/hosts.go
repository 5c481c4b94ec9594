package githost

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Host describes what differs between git hosts, so that the resources ask it instead of switching on
// host names. Each host's package registers its own with Register (GitHub and GitLab here, where their
// validation lives); adding a host is a package and a registration.
type Host struct {
	Kind  string // the git_provider value, e.g. "github"
	Title string // the name in messages, e.g. "GitHub"
	// RepositoryForm says how a repository is written, for messages: "owner/name".
	RepositoryForm string
	// ValidateRepository says what is wrong with a repository string, or nil.
	ValidateRepository func(repo string) error
	// ValidateOwner says what is wrong with the owner of a repository listing ("" is valid), or nil.
	ValidateOwner func(owner string) error
	// ValidateWebhookID says what is wrong with a webhook id in an import ID; nil means a positive decimal
	// number (GitHub, GitLab, Gitea). Bitbucket's are UUIDs in braces.
	ValidateWebhookID func(id string) error
	// Webhooks says which webhook settings the host has.
	Webhooks WebhookSettings
	// ReadWriteKeys reports whether a deploy key may be made read-write (Bitbucket's are always read-only).
	ReadWriteKeys bool
	// Subgroups reports whether repositories nest in groups whose listing can include subgroups (GitLab).
	Subgroups bool
}

// WebhookSettings are the settings of a repository webhook a host has, besides its URL and events.
type WebhookSettings struct {
	ContentType  bool     // choose json or form (GitHub, Gitea)
	BranchFilter bool     // deliver pushes of matching branches only (GitLab, Gitea)
	Active       bool     // turn deliveries off without deleting the hook (GitHub, Bitbucket, Gitea)
	InsecureSSL  bool     // skip TLS verification of the target (GitHub, GitLab)
	Events       []string // the provider's events the host can deliver
}

var (
	registryMu sync.RWMutex
	registry   = map[string]Host{}
	// Kinds lists the git_provider values of the registered hosts, sorted.
	Kinds []string
)

// Register adds a host. It panics on a host without a kind or validation, or one registered twice: both are
// programming errors found at start-up.
func Register(h Host) {
	if h.Kind == "" || h.Title == "" || h.ValidateRepository == nil || h.ValidateOwner == nil {
		panic(fmt.Sprintf("githost.Register: incomplete host %+v", h))
	}
	registryMu.Lock()
	defer registryMu.Unlock()
	if _, dup := registry[h.Kind]; dup {
		panic("githost.Register: " + h.Kind + " registered twice")
	}
	registry[h.Kind] = h
	Kinds = append(Kinds, h.Kind)
	slices.Sort(Kinds)
}

// Describe returns the host registered for kind.
func Describe(kind string) (Host, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	h, ok := registry[kind]
	return h, ok
}

// unknownKind is the error for a git_provider no host registered.
func unknownKind(kind string) error {
	return fmt.Errorf("unknown git host kind %q: must be one of %s", kind, strings.Join(Kinds, ", "))
}

// ValidateRepository says what is wrong with a repository string for a host kind, or nil.
func ValidateRepository(kind, repo string) error {
	h, ok := Describe(kind)
	if !ok {
		return unknownKind(kind)
	}
	return h.ValidateRepository(repo)
}

// ValidateOwner says what is wrong with the owner of a repository listing for a host kind, or nil. The
// empty owner (the token's own user) is valid.
func ValidateOwner(kind, owner string) error {
	h, ok := Describe(kind)
	if !ok {
		return unknownKind(kind)
	}
	if owner == "" {
		return nil
	}
	return h.ValidateOwner(owner)
}

// ValidateWebhookID says what is wrong with a webhook id of a host kind, or nil.
func ValidateWebhookID(kind, id string) error {
	if h, ok := Describe(kind); ok && h.ValidateWebhookID != nil {
		return h.ValidateWebhookID(id)
	}
	return validateDecimalID(id)
}

// validateDecimalID accepts a positive decimal number without leading zeros.
func validateDecimalID(id string) error {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 || strconv.FormatInt(n, 10) != id {
		return fmt.Errorf("%q is not a positive decimal number", id)
	}
	return nil
}

func init() {
	Register(Host{
		Kind: GitHub, Title: "GitHub", RepositoryForm: "owner/name",
		ValidateRepository: validateGitHubRepository,
		ValidateOwner: func(owner string) error {
			if err := validateGitHubOwner(owner); err != nil {
				return fmt.Errorf("owner %w: it must be a GitHub organization or user name", err)
			}
			return nil
		},
		Webhooks:      WebhookSettings{ContentType: true, Active: true, InsecureSSL: true, Events: Events},
		ReadWriteKeys: true,
	})
	Register(Host{
		Kind: GitLab, Title: "GitLab", RepositoryForm: "the project's full path, group/subgroup/name",
		ValidateRepository: validateGitLabRepository,
		ValidateOwner: func(owner string) error {
			for segment := range strings.SplitSeq(owner, "/") {
				if err := validateGitLabSegment(segment); err != nil {
					return fmt.Errorf("owner %q: segment %w; it must be a group path, a numeric group id or a username", owner, err)
				}
			}
			return nil
		},
		Webhooks:      WebhookSettings{BranchFilter: true, InsecureSSL: true, Events: Events},
		ReadWriteKeys: true,
		Subgroups:     true,
	})
}
