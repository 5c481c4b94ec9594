package gitlab

import (
	"context"
	"net/http"
	"strconv"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// GetRepository reads the project (GET /projects/:id).
func (c *Client) GetRepository(ctx context.Context, repo string) (*githost.Repository, error) {
	const operation = "read repository"
	project, err := projectPath(repo)
	if err != nil {
		return nil, err
	}
	relPath := "projects/" + project
	p, resp, err := c.api.Projects.GetProject(repo, nil, gl.WithContext(ctx))
	if err != nil {
		return nil, githost.ExplainMissingRepository(c.apiError(operation, http.MethodGet, relPath, resp, err), repo, githost.ReadAccess)
	}
	if p == nil || p.ID == 0 {
		return nil, c.missingIDError(operation, http.MethodGet, relPath, resp)
	}
	return repositoryFrom(p), nil
}

// GetBranch reads one branch of the project (GET /projects/:id/repository/branches/:branch).
// GitLab says in the answer whether it is the default branch.
func (c *Client) GetBranch(ctx context.Context, repo, branch string) (*githost.Branch, error) {
	const operation = "read branch"
	project, err := projectPath(repo)
	if err != nil {
		return nil, err
	}
	if branch == "" {
		return nil, errEmptyBranch
	}
	relPath := "projects/" + project + "/repository/branches/" + gl.PathEscape(branch)
	b, resp, err := c.api.Branches.GetBranch(repo, branch, gl.WithContext(ctx))
	if err != nil {
		return nil, c.apiError(operation, http.MethodGet, relPath, resp, err)
	}
	if b == nil || b.Name == "" {
		return nil, c.apiError(operation, http.MethodGet, relPath, resp, errMissingBranchName)
	}
	out := &githost.Branch{Name: b.Name, Protected: b.Protected, Default: b.Default}
	if b.Commit != nil {
		out.CommitSHA = b.Commit.ID
	}
	return out, nil
}

func repositoryFrom(p *gl.Project) *githost.Repository {
	visibility := string(p.Visibility)
	out := &githost.Repository{
		ID:            strconv.FormatInt(p.ID, 10),
		Name:          p.Name,
		FullName:      p.PathWithNamespace,
		DefaultBranch: p.DefaultBranch,
		Visibility:    visibility,
		Private:       visibility != string(gl.PublicVisibility),
		Archived:      p.Archived,
		Fork:          p.ForkedFromProject != nil,
		Description:   p.Description,
		HTMLURL:       p.WebURL,
		CloneURL:      p.HTTPURLToRepo,
		SSHURL:        p.SSHURLToRepo,
		Topics:        append([]string(nil), p.Topics...),
	}
	if p.LastActivityAt != nil {
		// GitLab has no pushed_at; last activity is the closest it reports.
		out.PushedAt = *p.LastActivityAt
	}
	return out
}
