package githost

import (
	"errors"
	"fmt"
	"strings"
)

// Limits from the hosts' own rules for names.
const (
	githubOwnerMaxLen = 39  // GitHub user and organization names
	githubNameMaxLen  = 100 // GitHub repository names
	gitlabPathMaxLen  = 255 // GitLab namespace and project paths
)

const (
	githubShape = `must be "owner/name", like "octocat/hello-world"`
	gitlabShape = `must be the project's full path "group/name" or "group/subgroup/name", like "gitlab-org/gitlab"`
)

func validateGitHubRepository(repo string) error {
	owner, name, ok := strings.Cut(repo, "/")
	if !ok || strings.Contains(name, "/") {
		return fmt.Errorf("repository %q %s", repo, githubShape)
	}
	if err := validateGitHubOwner(owner); err != nil {
		return fmt.Errorf("repository %q: owner %w; the whole %s", repo, err, githubShape)
	}
	if err := validateGitHubName(name); err != nil {
		return fmt.Errorf("repository %q: name %w; the whole %s", repo, err, githubShape)
	}
	return nil
}

func validateGitHubOwner(owner string) error {
	if owner == "" {
		return errors.New("is empty")
	}
	// Enterprise Managed Users are named "handle_shortcode"; the handle follows the usual rules.
	handle, shortcode, hasShortcode := strings.Cut(owner, "_")
	if hasShortcode && (shortcode == "" || !allASCII(shortcode, isAlnum)) {
		return fmt.Errorf("%q may only hold letters, digits and single hyphens (and one \"_shortcode\" suffix of letters and digits)", owner)
	}
	if handle == "" {
		return fmt.Errorf("%q must start with a letter or digit", owner)
	}
	if len(handle) > githubOwnerMaxLen {
		return fmt.Errorf("%q is longer than %d characters", owner, githubOwnerMaxLen)
	}
	if !allASCII(handle, func(c byte) bool { return isAlnum(c) || c == '-' }) ||
		strings.Contains(handle, "--") {
		return fmt.Errorf("%q may only hold letters, digits and single hyphens", owner)
	}
	if handle[0] == '-' || handle[len(handle)-1] == '-' {
		return fmt.Errorf("%q must not start or end with a hyphen", owner)
	}
	return nil
}

func validateGitHubName(name string) error {
	switch {
	case name == "":
		return errors.New("is empty")
	case name == "." || name == "..":
		return fmt.Errorf("%q is not allowed", name)
	case len(name) > githubNameMaxLen:
		return fmt.Errorf("%q is longer than %d characters", name, githubNameMaxLen)
	case !allASCII(name, isPathChar):
		return fmt.Errorf("%q may only hold letters, digits, '.', '_' and '-'", name)
	}
	return nil
}

func validateGitLabRepository(repo string) error {
	segments := strings.Split(repo, "/")
	if len(segments) < 2 {
		return fmt.Errorf("repository %q %s", repo, gitlabShape)
	}
	for _, segment := range segments {
		if err := validateGitLabSegment(segment); err != nil {
			return fmt.Errorf("repository %q: segment %w; the whole %s", repo, err, gitlabShape)
		}
	}
	return nil
}

func validateGitLabSegment(segment string) error {
	switch {
	case segment == "":
		return errors.New("is empty (no leading, trailing or double slashes)")
	case segment == "." || segment == "..":
		return fmt.Errorf("%q is not allowed", segment)
	case len(segment) > gitlabPathMaxLen:
		return fmt.Errorf("%q is longer than %d characters", segment, gitlabPathMaxLen)
	case !allASCII(segment, isPathChar):
		return fmt.Errorf("%q may only hold letters, digits, '_', '.' and '-'", segment)
	case segment[0] == '-':
		return fmt.Errorf("%q must not start with '-'", segment)
	case strings.HasSuffix(segment, ".git") || strings.HasSuffix(segment, ".atom"):
		return fmt.Errorf("%q must not end in \".git\" or \".atom\"", segment)
	}
	return nil
}

func allASCII(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isPathChar(c byte) bool { return isAlnum(c) || c == '.' || c == '_' || c == '-' }
