package gitlab

import (
	"context"
	"net/http"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// Projects are listed oldest first: a project created while the listing runs then lands on the last
// page instead of shifting every page under the concurrent reads.
const (
	listOrderBy = "id"
	listSort    = "asc"
)

// ListRepositories lists every project of in.Owner through the owner endpoints, never the search API,
// 100 a page, pages after the first fetched concurrently when GitLab sends X-Total-Pages (it omits it
// above 10,000 results; then X-Next-Page is followed one page at a time).
//
// An owner is first taken for a group (GET /groups/:id/projects, with_shared=false so that projects
// of other namespaces shared with the group are left out, include_subgroups as asked); only if GitLab
// answers 404 is it listed as a user (GET /users/:id/projects, which takes a username). The empty
// owner lists the projects the token's user is a member of (GET /projects?membership=true). GitLab
// filters visibility itself on all three.
func (c *Client) ListRepositories(ctx context.Context, in githost.ListRepositoriesInput) ([]githost.Repository, bool, error) {
	const operation = "list repositories"
	if err := githost.ValidateOwner(githost.GitLab, in.Owner); err != nil {
		return nil, false, err
	}
	keep, err := githost.RepositoryFilter(in)
	if err != nil {
		return nil, false, err
	}
	opts := githost.PageOptions[githost.Repository]{Keep: keep, Key: githost.RepositoryKey, MaxItems: in.MaxItems}
	var visibility *gl.VisibilityValue
	if in.Visibility != "" && in.Visibility != githost.VisibilityAll {
		visibility = new(gl.VisibilityValue(in.Visibility))
	}

	if in.Owner == "" {
		fetch := c.projectPages(operation, "projects", func(page gl.ListOptions, reqOpts ...gl.RequestOptionFunc) ([]*gl.Project, *gl.Response, error) {
			return c.api.Projects.ListProjects(&gl.ListProjectsOptions{
				ListOptions: page, Membership: new(true), Visibility: visibility,
				OrderBy: new(listOrderBy), Sort: new(listSort),
			}, reqOpts...)
		})
		return githost.FetchAllPages(ctx, fetch, opts)
	}

	owner := gl.PathEscape(in.Owner)
	fromGroup := c.projectPages(operation, "groups/"+owner+"/projects", func(page gl.ListOptions, reqOpts ...gl.RequestOptionFunc) ([]*gl.Project, *gl.Response, error) {
		return c.api.Groups.ListGroupProjects(in.Owner, &gl.ListGroupProjectsOptions{
			ListOptions: page, IncludeSubGroups: new(in.IncludeSubgroups), WithShared: new(false),
			Visibility: visibility, OrderBy: new(listOrderBy), Sort: new(listSort),
		}, reqOpts...)
	})
	fromUser := c.projectPages(operation, "users/"+owner+"/projects", func(page gl.ListOptions, reqOpts ...gl.RequestOptionFunc) ([]*gl.Project, *gl.Response, error) {
		return c.api.Projects.ListUserProjects(in.Owner, &gl.ListProjectsOptions{
			ListOptions: page, Visibility: visibility, OrderBy: new(listOrderBy), Sort: new(listSort),
		}, reqOpts...)
	})
	return githost.FetchOwnerRepositories(ctx, fromGroup, fromUser, opts, in.Owner, "group")
}

type listProjects func(page gl.ListOptions, reqOpts ...gl.RequestOptionFunc) ([]*gl.Project, *gl.Response, error)

// projectPages adapts one of client-go's project listings to githost.FetchAllPages.
func (c *Client) projectPages(operation, relPath string, list listProjects) githost.FetchPage[githost.Repository] {
	return func(ctx context.Context, page int) (githost.Page[githost.Repository], error) {
		projects, resp, err := list(gl.ListOptions{Page: int64(page), PerPage: maxPerPage}, gl.WithContext(ctx))
		if err != nil {
			return githost.Page[githost.Repository]{}, c.apiError(operation, http.MethodGet, relPath, resp, err)
		}
		out := githost.Page[githost.Repository]{Items: make([]githost.Repository, 0, len(projects)), Next: int(resp.NextPage), Last: int(resp.TotalPages)}
		for _, project := range projects {
			if project == nil || project.ID == 0 {
				return githost.Page[githost.Repository]{}, c.missingIDError(operation, http.MethodGet, relPath, resp)
			}
			out.Items = append(out.Items, *repositoryFrom(project))
		}
		return out, nil
	}
}

// ListBranches lists every branch of the project (GET /projects/:id/repository/branches, 100 a page,
// pages after the first fetched concurrently). GitLab marks the default branch itself.
func (c *Client) ListBranches(ctx context.Context, repo string) ([]githost.Branch, error) {
	const operation = "list branches"
	project, err := projectPath(repo)
	if err != nil {
		return nil, err
	}
	relPath := "projects/" + project + "/repository/branches"
	fetch := func(ctx context.Context, page int) (githost.Page[githost.Branch], error) {
		branches, resp, err := c.api.Branches.ListBranches(repo, &gl.ListBranchesOptions{
			ListOptions: gl.ListOptions{Page: int64(page), PerPage: maxPerPage},
		}, gl.WithContext(ctx))
		if err != nil {
			return githost.Page[githost.Branch]{}, githost.ExplainMissingRepository(c.apiError(operation, http.MethodGet, relPath, resp, err), repo, githost.ReadAccess)
		}
		out := githost.Page[githost.Branch]{Items: make([]githost.Branch, 0, len(branches)), Next: int(resp.NextPage), Last: int(resp.TotalPages)}
		for _, b := range branches {
			if b == nil || b.Name == "" {
				return githost.Page[githost.Branch]{}, c.apiError(operation, http.MethodGet, relPath, resp, errMissingBranchName)
			}
			branch := githost.Branch{Name: b.Name, Protected: b.Protected, Default: b.Default}
			if b.Commit != nil {
				branch.CommitSHA = b.Commit.ID
			}
			out.Items = append(out.Items, branch)
		}
		return out, nil
	}
	branches, _, err := githost.FetchAllPages(ctx, fetch, githost.PageOptions[githost.Branch]{Key: githost.BranchKey})
	return branches, err
}
