package githost

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// Visibility values of ListRepositoriesInput.
const (
	VisibilityAll      = "all"
	VisibilityPublic   = "public"
	VisibilityPrivate  = "private"
	VisibilityInternal = "internal"
)

// Visibilities lists the values ListRepositoriesInput.Visibility accepts besides "".
var Visibilities = []string{VisibilityAll, VisibilityPublic, VisibilityPrivate, VisibilityInternal}

// RepositoryFilter returns the filter a client applies to every listed repository: in.Visibility
// (hosts that filter themselves are checked again, which costs nothing) and then in.Keep.
func RepositoryFilter(in ListRepositoriesInput) (func(*Repository) bool, error) {
	visibility := in.Visibility
	switch visibility {
	case "", VisibilityAll:
		visibility = ""
	case VisibilityPublic, VisibilityPrivate, VisibilityInternal:
	default:
		return nil, fmt.Errorf("unknown visibility %q: must be one of %s", in.Visibility, strings.Join(Visibilities, ", "))
	}
	if in.MaxItems < 0 {
		return nil, fmt.Errorf("max items %d must not be negative", in.MaxItems)
	}
	return func(repo *Repository) bool {
		if visibility != "" && repo.Visibility != visibility {
			return false
		}
		return in.Keep == nil || in.Keep(repo)
	}, nil
}

// RepositoryKey names a repository for FetchAllPages' duplicate check.
func RepositoryKey(repo *Repository) string { return repo.ID }

// BranchKey names a branch for FetchAllPages' duplicate check.
func BranchKey(branch *Branch) string { return branch.Name }

// FetchOwnerRepositories lists an owner's repositories as a collective owner (a GitHub organization, a
// GitLab group: asCollective) and, only if the host answers 404, as a user (asUser). That costs no extra
// request for the large listings and one for users. When both answer 404 the error names the owner as
// neither a collective (its word, e.g. "organization") nor a user.
func FetchOwnerRepositories(ctx context.Context, asCollective, asUser FetchPage[Repository], opts PageOptions[Repository],
	owner, collective string) ([]Repository, bool, error) {
	repos, truncated, err := FetchAllPages(ctx, asCollective, opts)
	if !httpx.IsNotFound(err) {
		return repos, truncated, err
	}
	repos, truncated, err = FetchAllPages(ctx, asUser, opts)
	if httpx.IsNotFound(err) {
		return nil, false, ownerNotFound(err, owner, collective)
	}
	return repos, truncated, err
}

// ownerNotFound rewrites the user listing's 404 to name the owner that neither endpoint knew.
func ownerNotFound(err error, owner, collective string) error {
	var apiErr *httpx.APIError
	if !errors.As(err, &apiErr) {
		return err
	}
	named := *apiErr
	named.Message = fmt.Sprintf("no %s or user named %q", collective, owner)
	if apiErr.Message != "" {
		named.Message += " (" + apiErr.Message + ")"
	}
	return &named
}
