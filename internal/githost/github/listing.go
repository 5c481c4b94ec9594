package github

import (
	"context"
	"net/http"
	"net/url"

	gogithub "github.com/google/go-github/v92/github"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// Repositories are listed oldest first: a repository created while the listing runs then lands on
// the last page instead of shifting every page under the concurrent reads.
const (
	listSort      = "created"
	listDirection = "asc"
)

// ListRepositories lists every repository of in.Owner through the owner endpoints, never the search
// API (which stops at 1,000 results), 100 a page, pages after the first fetched concurrently.
//
// An owner is first taken for an organisation (GET /orgs/{org}/repos?type=all); only if GitHub answers
// 404 is it listed as a user (GET /users/{user}/repos?type=owner). That costs no extra request for
// organisations, the large listings, and one for users, against one for every owner when asking
// GET /users/{owner} first. GitHub's user endpoint lists public repositories only; the token's own
// private repositories are listed with the empty owner (GET /user/repos?affiliation=owner), where
// GitHub also filters public and private itself.
func (c *Client) ListRepositories(ctx context.Context, in githost.ListRepositoriesInput) ([]githost.Repository, bool, error) {
	const operation = "list repositories"
	if err := githost.ValidateOwner(githost.GitHub, in.Owner); err != nil {
		return nil, false, err
	}
	keep, err := githost.RepositoryFilter(in)
	if err != nil {
		return nil, false, err
	}
	opts := githost.PageOptions[githost.Repository]{Keep: keep, Key: githost.RepositoryKey, MaxItems: in.MaxItems}

	if in.Owner == "" {
		listOpts := gogithub.RepositoryListByAuthenticatedUserOptions{Affiliation: "owner", Sort: listSort, Direction: listDirection}
		if in.Visibility == githost.VisibilityPublic || in.Visibility == githost.VisibilityPrivate {
			listOpts.Visibility = in.Visibility
		}
		fetch := c.repositoryPages(operation, "user/repos", func(ctx context.Context, page gogithub.ListOptions) ([]*gogithub.Repository, *gogithub.Response, error) {
			pageOpts := listOpts
			pageOpts.ListOptions = page
			return c.api.Repositories.ListByAuthenticatedUser(ctx, &pageOpts)
		})
		return githost.FetchAllPages(ctx, fetch, opts)
	}

	owner := url.PathEscape(in.Owner)
	fromOrg := c.repositoryPages(operation, "orgs/"+owner+"/repos", func(ctx context.Context, page gogithub.ListOptions) ([]*gogithub.Repository, *gogithub.Response, error) {
		return c.api.Repositories.ListByOrg(ctx, owner, &gogithub.RepositoryListByOrgOptions{
			Type: "all", Sort: listSort, Direction: listDirection, ListOptions: page,
		})
	})
	fromUser := c.repositoryPages(operation, "users/"+owner+"/repos", func(ctx context.Context, page gogithub.ListOptions) ([]*gogithub.Repository, *gogithub.Response, error) {
		return c.api.Repositories.ListByUser(ctx, owner, &gogithub.RepositoryListByUserOptions{
			Type: "owner", Sort: listSort, Direction: listDirection, ListOptions: page,
		})
	})
	return githost.FetchOwnerRepositories(ctx, fromOrg, fromUser, opts, in.Owner, "organization")
}

type listRepositories func(ctx context.Context, page gogithub.ListOptions) ([]*gogithub.Repository, *gogithub.Response, error)

// repositoryPages adapts one of go-github's repository listings to githost.FetchAllPages.
func (c *Client) repositoryPages(operation, relPath string, list listRepositories) githost.FetchPage[githost.Repository] {
	return func(ctx context.Context, page int) (githost.Page[githost.Repository], error) {
		repos, resp, err := list(ctx, gogithub.ListOptions{Page: page, PerPage: maxPerPage})
		if err != nil {
			return githost.Page[githost.Repository]{}, c.apiError(operation, http.MethodGet, relPath, resp, err)
		}
		out := githost.Page[githost.Repository]{Items: make([]githost.Repository, 0, len(repos)), Next: resp.NextPage, Last: resp.LastPage}
		for _, repo := range repos {
			if repo.GetID() == 0 {
				return githost.Page[githost.Repository]{}, c.missingIDError(operation, http.MethodGet, relPath, resp)
			}
			out.Items = append(out.Items, *repositoryFrom(repo))
		}
		return out, nil
	}
}

// ListBranches lists every branch of repo (GET /repos/{owner}/{repo}/branches, 100 a page, pages after
// the first fetched concurrently) and marks the default one, which it learns from GET
// /repos/{owner}/{repo}, sent alongside page 1.
func (c *Client) ListBranches(ctx context.Context, repo string) ([]githost.Branch, error) {
	const operation = "list branches"
	owner, name, err := splitRepository(repo)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type repositoryResult struct {
		repo *githost.Repository
		err  error
	}
	repository := make(chan repositoryResult, 1)
	go func() {
		r, err := c.GetRepository(ctx, repo)
		repository <- repositoryResult{r, err}
	}()

	relPath := "repos/" + owner + "/" + name + "/branches"
	fetch := func(ctx context.Context, page int) (githost.Page[githost.Branch], error) {
		branches, resp, err := c.api.Repositories.ListBranches(ctx, owner, name, &gogithub.BranchListOptions{
			ListOptions: gogithub.ListOptions{Page: page, PerPage: maxPerPage},
		})
		if err != nil {
			return githost.Page[githost.Branch]{}, c.apiError(operation, http.MethodGet, relPath, resp, err)
		}
		out := githost.Page[githost.Branch]{Items: make([]githost.Branch, 0, len(branches)), Next: resp.NextPage, Last: resp.LastPage}
		for _, b := range branches {
			if b.GetName() == "" {
				return githost.Page[githost.Branch]{}, c.apiError(operation, http.MethodGet, relPath, resp, errMissingBranchName)
			}
			out.Items = append(out.Items, githost.Branch{Name: b.GetName(), Protected: b.GetProtected(), CommitSHA: b.GetCommit().GetSHA()})
		}
		return out, nil
	}
	branches, _, listErr := githost.FetchAllPages(ctx, fetch, githost.PageOptions[githost.Branch]{Key: githost.BranchKey})
	if listErr != nil {
		cancel() // the repository answer no longer matters
	}
	got := <-repository
	if listErr != nil {
		return nil, githost.ExplainMissingRepository(listErr, repo, githost.ReadAccess)
	}
	if got.err != nil {
		return nil, got.err
	}
	for i := range branches {
		branches[i].Default = branches[i].Name == got.repo.DefaultBranch
	}
	return branches, nil
}
