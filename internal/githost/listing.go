package githost

import (
	"fmt"
	"strings"
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
