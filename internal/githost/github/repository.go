package github

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	gogithub "github.com/google/go-github/v92/github"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// GetRepository reads repo (GET /repos/{owner}/{repo}).
func (c *Client) GetRepository(ctx context.Context, repo string) (*githost.Repository, error) {
	const operation = "read repository"
	owner, name, err := splitRepository(repo)
	if err != nil {
		return nil, err
	}
	relPath := "repos/" + owner + "/" + name
	r, resp, err := c.api.Repositories.Get(ctx, owner, name)
	if err != nil {
		return nil, githost.ExplainMissingRepository(c.apiError(operation, http.MethodGet, relPath, resp, err), repo, githost.ReadAccess)
	}
	if r.GetID() == 0 {
		return nil, c.missingIDError(operation, http.MethodGet, relPath, resp)
	}
	return repositoryFrom(r), nil
}

// GetBranch reads one branch of repo (GET /repos/{owner}/{repo}/branches/{branch}). A renamed
// branch answers 301 to its new name, which the HTTP client follows.
//
// Default is always false: GitHub's branch answer does not say which branch is the default, and
// finding out would cost a second call; callers that need it compare with GetRepository's
// DefaultBranch.
func (c *Client) GetBranch(ctx context.Context, repo, branch string) (*githost.Branch, error) {
	const operation = "read branch"
	owner, name, err := splitRepository(repo)
	if err != nil {
		return nil, err
	}
	if branch == "" {
		return nil, errEmptyBranch
	}
	// go-github's GetBranch drops GitHub's error body; a plain request keeps it for the diagnostic.
	relPath := "repos/" + owner + "/" + name + "/branches/" + url.PathEscape(branch)
	req, err := c.api.NewRequest(ctx, http.MethodGet, relPath, nil)
	if err != nil {
		return nil, c.apiError(operation, http.MethodGet, relPath, nil, err)
	}
	var b gogithub.Branch
	resp, err := c.api.Do(req, &b)
	if err != nil {
		return nil, c.apiError(operation, http.MethodGet, relPath, resp, err)
	}
	if b.GetName() == "" {
		return nil, c.apiError(operation, http.MethodGet, relPath, resp, errMissingBranchName)
	}
	return &githost.Branch{
		Name:      b.GetName(),
		Protected: b.GetProtected(),
		CommitSHA: b.GetCommit().GetSHA(),
	}, nil
}

func repositoryFrom(r *gogithub.Repository) *githost.Repository {
	visibility := r.GetVisibility()
	if visibility == "" {
		visibility = "public"
		if r.GetPrivate() {
			visibility = "private"
		}
	}
	private := visibility != "public"
	if r.Private != nil {
		private = r.GetPrivate()
	}
	return &githost.Repository{
		ID:            strconv.FormatInt(r.GetID(), 10),
		Name:          r.GetName(),
		FullName:      r.GetFullName(),
		DefaultBranch: r.GetDefaultBranch(),
		Visibility:    visibility,
		Private:       private,
		Archived:      r.GetArchived(),
		Fork:          r.GetFork(),
		Description:   r.GetDescription(),
		HTMLURL:       r.GetHTMLURL(),
		CloneURL:      r.GetCloneURL(),
		SSHURL:        r.GetSSHURL(),
		Topics:        append([]string(nil), r.Topics...),
		PushedAt:      r.GetPushedAt().Time,
	}
}
