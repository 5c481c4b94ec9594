package gitea

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Gitea's naming rules. Owners (users and organisations): letters, digits, '-', '_' and '.', beginning and
// ending with a letter or digit, no two of '-', '_', '.' in a row (Gitea's username validation message);
// at most 40 characters (Gitea's username length limit; not confirmed against its source here).
// Repository names: Gitea's IsUsableRepoName: [-.\w]+, no run of dots, not ".", ".." or "-", not ending in
// .git, .wiki, .rss or .atom; at most 100 characters (Gitea's repository name column).
const (
	ownerMaxLen = 40
	nameMaxLen  = 100
)

var (
	ownerPattern         = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9]|[-_.][A-Za-z0-9])*$`)
	namePattern          = regexp.MustCompile(`^[-.\w]+$`)
	reservedNames        = []string{".", "..", "-"}
	reservedNameSuffixes = []string{".git", ".wiki", ".rss", ".atom"}
)

const repositoryShape = `must be "owner/name", like "gitea/tea"`

// ValidateRepository says what is wrong with a Gitea repository string, or nil: exactly "owner/name",
// the owner a user or organisation name, the name a repository name, by Gitea's rules.
func ValidateRepository(repo string) error {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || strings.Contains(name, "/") {
		return fmt.Errorf("repository %q %s", repo, repositoryShape)
	}
	if err := validateOwner(owner); err != nil {
		return fmt.Errorf("repository %q: owner %w; the whole %s", repo, err, repositoryShape)
	}
	if err := validateName(name); err != nil {
		return fmt.Errorf("repository %q: name %w; the whole %s", repo, err, repositoryShape)
	}
	return nil
}

// ValidateOwner says what is wrong with the owner of a repository listing (an organisation or user), or
// nil. The empty owner (the token's own repositories) is valid.
func ValidateOwner(owner string) error {
	if owner == "" {
		return nil
	}
	if err := validateOwner(owner); err != nil {
		return fmt.Errorf("owner %w: it must be a Gitea organization or user name", err)
	}
	return nil
}

func validateOwner(owner string) error {
	switch {
	case owner == "":
		return errors.New("is empty")
	case len(owner) > ownerMaxLen:
		return fmt.Errorf("%q is longer than %d characters", owner, ownerMaxLen)
	case !ownerPattern.MatchString(owner):
		return fmt.Errorf("%q may only hold letters, digits, '-', '_' and '.', must begin and end with a letter or digit, and must not have two of '-', '_', '.' in a row", owner)
	}
	return nil
}

func validateName(name string) error {
	lower := strings.ToLower(name)
	switch {
	case name == "":
		return errors.New("is empty")
	case len(name) > nameMaxLen:
		return fmt.Errorf("%q is longer than %d characters", name, nameMaxLen)
	case !namePattern.MatchString(name):
		return fmt.Errorf("%q may only hold letters, digits, '-', '_' and '.'", name)
	case strings.Contains(name, ".."):
		return fmt.Errorf("%q must not hold a run of dots", name)
	}
	for _, reserved := range reservedNames {
		if lower == reserved {
			return fmt.Errorf("%q is reserved", name)
		}
	}
	for _, suffix := range reservedNameSuffixes {
		if strings.HasSuffix(lower, suffix) {
			return fmt.Errorf("%q must not end in %q", name, suffix)
		}
	}
	return nil
}
