package githost

import (
	"fmt"
	"strings"
)

// ValidateOwner says what is wrong with the owner of a repository listing for a host kind, or nil.
// The empty owner (the token's own user) is valid.
//
// GitHub: an organisation or user name, by the same rules as the owner in ValidateRepository.
// GitLab: a group path "group[/subgroup…]", a numeric group id, or a username; each segment by the
// same rules as in ValidateRepository.
func ValidateOwner(kind, owner string) error {
	if owner == "" {
		return nil
	}
	switch kind {
	case GitHub:
		if err := validateGitHubOwner(owner); err != nil {
			return fmt.Errorf("owner %w: it must be a GitHub organization or user name", err)
		}
	case GitLab:
		for segment := range strings.SplitSeq(owner, "/") {
			if err := validateGitLabSegment(segment); err != nil {
				return fmt.Errorf("owner %q: segment %w; it must be a group path, a numeric group id or a username", owner, err)
			}
		}
	default:
		return fmt.Errorf("unknown git host kind %q: must be one of %s", kind, strings.Join(Kinds, ", "))
	}
	return nil
}
