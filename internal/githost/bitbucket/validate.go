package bitbucket

import (
	"errors"
	"fmt"
	"strings"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// Limits on names. Bitbucket documents neither; these follow what its UI accepts (workspace IDs and
// repository slugs of letters, digits and a few marks) and are deliberately loose: Bitbucket itself has
// the last word.
const (
	workspaceMaxLen = 62
	slugMaxLen      = 62
)

const repositoryShape = `must be "workspace/repo_slug", like "atlassian/python-bitbucket"`

// ValidateRepository says what is wrong with a Bitbucket repository string, or nil. It is exactly
// "workspace/repo_slug": the workspace ID is letters, digits, '-' and '_'; the slug is letters, digits,
// '-', '_' and '.', not "." or "..". Bitbucket's URLs take both case-insensitively.
func ValidateRepository(repo string) error {
	workspace, slug, ok := strings.Cut(repo, "/")
	if !ok || strings.Contains(slug, "/") {
		return fmt.Errorf("repository %q %s", repo, repositoryShape)
	}
	if err := validateWorkspace(workspace); err != nil {
		return fmt.Errorf("repository %q: workspace %w; the whole %s", repo, err, repositoryShape)
	}
	if err := validateSlug(slug); err != nil {
		return fmt.Errorf("repository %q: slug %w; the whole %s", repo, err, repositoryShape)
	}
	return nil
}

// ValidateOwner says what is wrong with the owner of a repository listing, a workspace ID, or nil. The
// empty owner (the credentials' own repositories) is valid.
func ValidateOwner(owner string) error {
	if owner == "" {
		return nil
	}
	if err := validateWorkspace(owner); err != nil {
		return fmt.Errorf("owner %w: it must be a Bitbucket workspace ID", err)
	}
	return nil
}

func validateWorkspace(ws string) error {
	switch {
	case ws == "":
		return errors.New("is empty")
	case len(ws) > workspaceMaxLen:
		return fmt.Errorf("%q is longer than %d characters", ws, workspaceMaxLen)
	case !allASCII(ws, func(c byte) bool { return isAlnum(c) || c == '-' || c == '_' }):
		return fmt.Errorf("%q may only hold letters, digits, '-' and '_'", ws)
	}
	return nil
}

func validateSlug(slug string) error {
	switch {
	case slug == "":
		return errors.New("is empty")
	case slug == "." || slug == "..":
		return fmt.Errorf("%q is not allowed", slug)
	case len(slug) > slugMaxLen:
		return fmt.Errorf("%q is longer than %d characters", slug, slugMaxLen)
	case !allASCII(slug, func(c byte) bool { return isAlnum(c) || c == '-' || c == '_' || c == '.' }):
		return fmt.Errorf("%q may only hold letters, digits, '-', '_' and '.'", slug)
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

// workspaceNotFound rewrites a listing's 404 to name the workspace.
func workspaceNotFound(err error, workspace string) error {
	var apiErr *httpx.APIError
	if !errors.As(err, &apiErr) {
		return err
	}
	named := *apiErr
	named.Message = fmt.Sprintf("no workspace named %q", workspace)
	if apiErr.Message != "" {
		named.Message += " (" + apiErr.Message + ")"
	}
	return &named
}
