package gitea

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	sdk "code.gitea.io/sdk/gitea"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// maxLimit is Gitea's default MAX_RESPONSE_ITEMS; an instance configured lower caps it, and the Link
// header still leads through every page.
const maxLimit = 50

// GetRepository reads repo (GET /repos/{owner}/{repo}).
func (c *Client) GetRepository(ctx context.Context, repo string) (*githost.Repository, error) {
	const operation = "read repository"
	owner, name, err := splitRepository(repo)
	if err != nil {
		return nil, err
	}
	api, err := c.api(ctx)
	if err != nil {
		return nil, err
	}
	relPath := relRepoPath(owner, name)
	r, resp, err := api.GetRepo(owner, name)
	if err != nil {
		return nil, githost.ExplainMissingRepository(c.apiError(operation, http.MethodGet, relPath, resp, err), repo, githost.ReadAccess)
	}
	if r == nil || r.ID == 0 {
		return nil, c.missingIDError(operation, http.MethodGet, relPath, resp)
	}
	out := repositoryFrom(r)
	return &out, nil
}

// repositoryFrom maps Gitea's repository. Gitea has no push time: PushedAt is updated_at, the closest it
// reports. "internal" is a public repository that only signed-in users see (its owner is limited).
func repositoryFrom(r *sdk.Repository) githost.Repository {
	visibility := githost.VisibilityPublic
	switch {
	case r.Private:
		visibility = githost.VisibilityPrivate
	case r.Internal:
		visibility = githost.VisibilityInternal
	}
	return githost.Repository{
		ID:            strconv.FormatInt(r.ID, 10),
		Name:          r.Name,
		FullName:      r.FullName,
		DefaultBranch: r.DefaultBranch,
		Visibility:    visibility,
		Private:       visibility != githost.VisibilityPublic,
		Archived:      r.Archived,
		Fork:          r.Fork,
		Description:   r.Description,
		HTMLURL:       r.HTMLURL,
		CloneURL:      r.CloneURL,
		SSHURL:        r.SSHURL,
		Topics:        append([]string(nil), r.Topics...),
		PushedAt:      r.Updated,
	}
}

func branchFrom(b *sdk.Branch) githost.Branch {
	out := githost.Branch{Name: b.Name, Protected: b.Protected}
	if b.Commit != nil {
		out.CommitSHA = b.Commit.ID
	}
	return out
}

// GetBranch reads one branch (GET /repos/{owner}/{repo}/branches/{branch}). Default is always false:
// the branch answer does not say; callers compare with GetRepository's DefaultBranch.
func (c *Client) GetBranch(ctx context.Context, repo, branch string) (*githost.Branch, error) {
	const operation = "read branch"
	owner, name, err := splitRepository(repo)
	if err != nil {
		return nil, err
	}
	if branch == "" {
		return nil, errEmptyBranch
	}
	api, err := c.api(ctx)
	if err != nil {
		return nil, err
	}
	relPath := relRepoPath(owner, name) + "/branches/" + url.PathEscape(branch)
	b, resp, err := api.GetRepoBranch(owner, name, branch)
	if err != nil {
		return nil, c.apiError(operation, http.MethodGet, relPath, resp, err)
	}
	if b == nil || b.Name == "" {
		return nil, c.apiError(operation, http.MethodGet, relPath, resp, errMissingBranchName)
	}
	out := branchFrom(b)
	return &out, nil
}

// ListRepositories lists every repository of in.Owner, 50 a page, pages after the first fetched
// concurrently (Gitea's Link header names the last page). An owner is first taken for an organisation
// (GET /orgs/{org}/repos); only if Gitea answers 404 is it listed as a user (GET /users/{user}/repos).
// The empty owner lists the token's own repositories (GET /user/repos). Gitea's listings do not filter
// visibility: the client does.
func (c *Client) ListRepositories(ctx context.Context, in githost.ListRepositoriesInput) ([]githost.Repository, bool, error) {
	const operation = "list repositories"
	if err := ValidateOwner(in.Owner); err != nil {
		return nil, false, err
	}
	keep, err := githost.RepositoryFilter(in)
	if err != nil {
		return nil, false, err
	}
	opts := githost.PageOptions[githost.Repository]{Keep: keep, Key: githost.RepositoryKey, MaxItems: in.MaxItems}
	if in.Owner == "" {
		fetch := c.repositoryPages(operation, "user/repos", func(api *sdk.Client, page sdk.ListOptions) ([]*sdk.Repository, *sdk.Response, error) {
			return api.ListMyRepos(sdk.ListReposOptions{ListOptions: page})
		})
		return githost.FetchAllPages(ctx, fetch, opts)
	}
	owner := in.Owner
	fromOrg := c.repositoryPages(operation, "orgs/"+url.PathEscape(owner)+"/repos", func(api *sdk.Client, page sdk.ListOptions) ([]*sdk.Repository, *sdk.Response, error) {
		return api.ListOrgRepos(owner, sdk.ListOrgReposOptions{ListOptions: page})
	})
	fromUser := c.repositoryPages(operation, "users/"+url.PathEscape(owner)+"/repos", func(api *sdk.Client, page sdk.ListOptions) ([]*sdk.Repository, *sdk.Response, error) {
		return api.ListUserRepos(owner, sdk.ListReposOptions{ListOptions: page})
	})
	return githost.FetchOwnerRepositories(ctx, fromOrg, fromUser, opts, in.Owner, "organization")
}

type listRepositories func(api *sdk.Client, page sdk.ListOptions) ([]*sdk.Repository, *sdk.Response, error)

// repositoryPages adapts one of the SDK's repository listings to githost.FetchAllPages.
func (c *Client) repositoryPages(operation, relPath string, list listRepositories) githost.FetchPage[githost.Repository] {
	return func(ctx context.Context, page int) (githost.Page[githost.Repository], error) {
		api, err := c.api(ctx)
		if err != nil {
			return githost.Page[githost.Repository]{}, err
		}
		repos, resp, err := list(api, sdk.ListOptions{Page: page, PageSize: maxLimit})
		if err != nil {
			return githost.Page[githost.Repository]{}, c.apiError(operation, http.MethodGet, relPath, resp, err)
		}
		out := githost.Page[githost.Repository]{Items: make([]githost.Repository, 0, len(repos)), Next: resp.NextPage, Last: resp.LastPage}
		for _, r := range repos {
			if r == nil || r.ID == 0 {
				return githost.Page[githost.Repository]{}, c.missingIDError(operation, http.MethodGet, relPath, resp)
			}
			out.Items = append(out.Items, repositoryFrom(r))
		}
		return out, nil
	}
}

// ListBranches lists every branch (GET /repos/{owner}/{repo}/branches, 50 a page, pages after the first
// fetched concurrently) and marks the default one, which it learns from GET /repos/{owner}/{repo}, sent
// alongside page 1.
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
	relPath := relRepoPath(owner, name) + "/branches"
	fetch := func(ctx context.Context, page int) (githost.Page[githost.Branch], error) {
		api, err := c.api(ctx)
		if err != nil {
			return githost.Page[githost.Branch]{}, err
		}
		branches, resp, err := api.ListRepoBranches(owner, name, sdk.ListRepoBranchesOptions{ListOptions: sdk.ListOptions{Page: page, PageSize: maxLimit}})
		if err != nil {
			return githost.Page[githost.Branch]{}, githost.ExplainMissingRepository(c.apiError(operation, http.MethodGet, relPath, resp, err), repo, githost.ReadAccess)
		}
		out := githost.Page[githost.Branch]{Items: make([]githost.Branch, 0, len(branches)), Next: resp.NextPage, Last: resp.LastPage}
		for _, b := range branches {
			if b == nil || b.Name == "" {
				return githost.Page[githost.Branch]{}, c.apiError(operation, http.MethodGet, relPath, resp, errMissingBranchName)
			}
			out.Items = append(out.Items, branchFrom(b))
		}
		return out, nil
	}
	branches, _, listErr := githost.FetchAllPages(ctx, fetch, githost.PageOptions[githost.Branch]{Key: githost.BranchKey})
	if listErr != nil {
		cancel() // the repository answer no longer matters
	}
	got := <-repository
	if listErr != nil {
		return nil, listErr
	}
	if got.err != nil {
		return nil, got.err
	}
	for i := range branches {
		branches[i].Default = branches[i].Name == got.repo.DefaultBranch
	}
	return branches, nil
}
