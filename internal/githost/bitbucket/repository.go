package bitbucket

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// repository is Bitbucket's repository object, the fields the provider reads.
type repository struct {
	UUID        string `json:"uuid"`
	FullName    string `json:"full_name"`
	Name        string `json:"name"`
	Slug        string `json:"slug"`
	Description string `json:"description"`
	IsPrivate   bool   `json:"is_private"`
	UpdatedOn   string `json:"updated_on"`
	MainBranch  *struct {
		Name string `json:"name"`
	} `json:"mainbranch"`
	Parent *struct {
		FullName string `json:"full_name"`
	} `json:"parent"`
	Links struct {
		HTML struct {
			Href string `json:"href"`
		} `json:"html"`
		Clone []struct {
			Name string `json:"name"`
			Href string `json:"href"`
		} `json:"clone"`
	} `json:"links"`
}

// GetRepository reads repo (GET /repositories/{workspace}/{repo_slug}).
func (c *Client) GetRepository(ctx context.Context, repo string) (*githost.Repository, error) {
	path, err := repoPath(repo)
	if err != nil {
		return nil, err
	}
	cl := call{operation: "read repository", method: http.MethodGet, relPath: path}
	var r repository
	if err := c.do(ctx, cl, &r); err != nil {
		return nil, githost.ExplainMissingRepository(err, repo, githost.ReadAccess)
	}
	out, err := repositoryFrom(&r)
	if err != nil {
		return nil, c.missingIDError(cl, err)
	}
	return &out, nil
}

// repositoryFrom maps Bitbucket's repository. ID is the repository's UUID in braces, its immutable id
// (Netlify names a Bitbucket repository by its full name instead); Name is the slug, the name in
// FullName and URLs. Bitbucket has no archived state, no topics and no push time: PushedAt is
// updated_on, the closest it reports.
func repositoryFrom(r *repository) (githost.Repository, error) {
	if r.UUID == "" {
		return githost.Repository{}, errMissingID
	}
	visibility := githost.VisibilityPublic
	if r.IsPrivate {
		visibility = githost.VisibilityPrivate
	}
	name := r.Slug
	if name == "" {
		name = r.Name
	}
	out := githost.Repository{ID: r.UUID, Name: name, FullName: r.FullName, Visibility: visibility,
		Private: r.IsPrivate, Fork: r.Parent != nil, Description: r.Description, HTMLURL: r.Links.HTML.Href}
	if r.MainBranch != nil {
		out.DefaultBranch = r.MainBranch.Name
	}
	for _, clone := range r.Links.Clone {
		switch clone.Name {
		case "https":
			out.CloneURL = clone.Href
		case "ssh":
			out.SSHURL = clone.Href
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, r.UpdatedOn); err == nil {
		out.PushedAt = t
	}
	return out, nil
}

// branch is Bitbucket's branch object.
type branch struct {
	Name   string `json:"name"`
	Target struct {
		Hash string `json:"hash"`
	} `json:"target"`
}

func branchFrom(b *branch) (githost.Branch, error) {
	if b.Name == "" {
		return githost.Branch{}, errMissingBranchName
	}
	// Bitbucket's branch restrictions are a separate resource; the branch object does not say.
	return githost.Branch{Name: b.Name, CommitSHA: b.Target.Hash}, nil
}

// GetBranch reads one branch (GET .../refs/branches/{name}). Default is always false: the branch object
// does not say; callers compare with GetRepository's DefaultBranch.
func (c *Client) GetBranch(ctx context.Context, repo, name string) (*githost.Branch, error) {
	path, err := repoPath(repo)
	if err != nil {
		return nil, err
	}
	if name == "" {
		return nil, errEmptyBranch
	}
	cl := call{operation: "read branch", method: http.MethodGet, relPath: path + "/refs/branches/" + branchPath(name)}
	var b branch
	if err := c.do(ctx, cl, &b); err != nil {
		return nil, err
	}
	out, err := branchFrom(&b)
	if err != nil {
		return nil, c.missingIDError(cl, err)
	}
	return &out, nil
}

// ListRepositories lists the repositories of the workspace in.Owner (GET /repositories/{workspace}), or
// with the empty owner those the credentials are a member of (GET /repositories?role=member), 100 a
// page, oldest first, pages after the first fetched concurrently. Bitbucket filters public and private
// itself (q=is_private=…); "internal" matches nothing on Bitbucket. An unknown workspace is a 404
// naming it.
func (c *Client) ListRepositories(ctx context.Context, in githost.ListRepositoriesInput) ([]githost.Repository, bool, error) {
	if err := ValidateOwner(in.Owner); err != nil {
		return nil, false, err
	}
	if in.IncludeSubgroups {
		// Workspaces have no nesting; projects group repositories but are listed with the workspace.
		in.IncludeSubgroups = false
	}
	keep, err := githost.RepositoryFilter(in)
	if err != nil {
		return nil, false, err
	}
	query := url.Values{"sort": {"created_on"}}
	switch in.Visibility {
	case githost.VisibilityPublic:
		query.Set("q", "is_private = false")
	case githost.VisibilityPrivate:
		query.Set("q", "is_private = true")
	}
	cl := call{operation: "list repositories", method: http.MethodGet, relPath: "/repositories", query: query}
	if in.Owner == "" {
		query.Set("role", "member")
	} else {
		cl.relPath += "/" + url.PathEscape(in.Owner)
	}
	opts := githost.PageOptions[githost.Repository]{Keep: keep, Key: githost.RepositoryKey, MaxItems: in.MaxItems}
	repos, truncated, err := githost.FetchAllPages(ctx, fetchPage(c, cl, repositoryFrom), opts)
	if httpx.IsNotFound(err) && in.Owner != "" {
		return nil, false, workspaceNotFound(err, in.Owner)
	}
	return repos, truncated, err
}

// ListBranches lists every branch (GET .../refs/branches, 100 a page, pages after the first fetched
// concurrently) and marks the default one, which it learns from GET /repositories/{workspace}/{repo_slug},
// sent alongside page 1.
func (c *Client) ListBranches(ctx context.Context, repo string) ([]githost.Branch, error) {
	path, err := repoPath(repo)
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
	cl := call{operation: "list branches", method: http.MethodGet, relPath: path + "/refs/branches"}
	branches, _, listErr := githost.FetchAllPages(ctx, fetchPage(c, cl, branchFrom), githost.PageOptions[githost.Branch]{Key: githost.BranchKey})
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
