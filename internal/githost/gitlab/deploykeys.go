package gitlab

import (
	"context"
	"net/http"
	"strconv"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// maxPerPage is GitLab's largest page size.
const maxPerPage = 100

// CreateDeployKey installs in.Key on the project (POST /projects/:id/deploy_keys). GitLab's
// can_push is the opposite of ReadOnly.
func (c *Client) CreateDeployKey(ctx context.Context, repo string, in githost.DeployKeyInput) (*githost.DeployKey, error) {
	const operation = "create deploy key"
	project, err := projectPath(repo)
	if err != nil {
		return nil, err
	}
	relPath := "projects/" + project + "/deploy_keys"
	opts := &gl.AddDeployKeyOptions{
		Key:     new(in.Key),
		Title:   new(in.Title),
		CanPush: new(!in.ReadOnly),
	}
	key, resp, err := c.api.DeployKeys.AddDeployKey(repo, opts, gl.WithContext(ctx))
	if err != nil {
		return nil, githost.ExplainMissingRepository(c.apiError(operation, http.MethodPost, relPath, resp, err), repo, githost.AdminAccess)
	}
	if key == nil || key.ID == 0 {
		return nil, c.missingIDError(operation, http.MethodPost, relPath, resp)
	}
	return deployKeyFrom(key), nil
}

// GetDeployKey reads one deploy key of the project; a key that is gone is an error
// httpx.IsNotFound tells.
func (c *Client) GetDeployKey(ctx context.Context, repo, id string) (*githost.DeployKey, error) {
	const operation = "read deploy key"
	project, err := projectPath(repo)
	if err != nil {
		return nil, err
	}
	keyID, err := parseKeyID(id)
	if err != nil {
		return nil, err
	}
	relPath := "projects/" + project + "/deploy_keys/" + id
	key, resp, err := c.api.DeployKeys.GetDeployKey(repo, keyID, gl.WithContext(ctx))
	if err != nil {
		return nil, c.apiError(operation, http.MethodGet, relPath, resp, err)
	}
	if key == nil || key.ID == 0 {
		return nil, c.missingIDError(operation, http.MethodGet, relPath, resp)
	}
	return deployKeyFrom(key), nil
}

// ListDeployKeys returns every deploy key of the project, following X-Next-Page through all pages.
func (c *Client) ListDeployKeys(ctx context.Context, repo string) ([]githost.DeployKey, error) {
	const operation = "list deploy keys"
	project, err := projectPath(repo)
	if err != nil {
		return nil, err
	}
	relPath := "projects/" + project + "/deploy_keys"
	opts := &gl.ListProjectDeployKeysOptions{ListOptions: gl.ListOptions{PerPage: maxPerPage}}
	return githost.Collect(gl.Scan2(func(page gl.PaginationOptionFunc) ([]*gl.ProjectDeployKey, *gl.Response, error) {
		return c.api.DeployKeys.ListProjectDeployKeys(repo, opts, gl.WithContext(ctx), page)
	}), deployKeyFrom, func(x *githost.DeployKey) string { return x.ID }, func(err error) error {
		return githost.ExplainMissingRepository(c.apiError(operation, http.MethodGet, relPath, responseOf(err), err), repo, githost.AdminAccess)
	})
}

// RenameDeployKey implements githost.DeployKeyRenamer: PUT /projects/:id/deploy_keys/:key_id with the
// new title (GitLab keeps one title per key, shared by the projects that use it).
func (c *Client) RenameDeployKey(ctx context.Context, repo, id, title string) (*githost.DeployKey, error) {
	const operation = "rename deploy key"
	project, err := projectPath(repo)
	if err != nil {
		return nil, err
	}
	keyID, err := parseKeyID(id)
	if err != nil {
		return nil, err
	}
	relPath := "projects/" + project + "/deploy_keys/" + id
	key, resp, err := c.api.DeployKeys.UpdateDeployKey(repo, keyID, &gl.UpdateDeployKeyOptions{Title: new(title)}, gl.WithContext(ctx))
	if err != nil {
		return nil, c.apiError(operation, http.MethodPut, relPath, resp, err)
	}
	if key == nil || key.ID == 0 {
		return nil, c.missingIDError(operation, http.MethodPut, relPath, resp)
	}
	return deployKeyFrom(key), nil
}

// DeleteDeployKey removes a deploy key from the project. A key that is already gone is an error
// httpx.IsNotFound tells, so that callers decide whether that is fine.
func (c *Client) DeleteDeployKey(ctx context.Context, repo, id string) error {
	const operation = "delete deploy key"
	project, err := projectPath(repo)
	if err != nil {
		return err
	}
	keyID, err := parseKeyID(id)
	if err != nil {
		return err
	}
	relPath := "projects/" + project + "/deploy_keys/" + id
	resp, err := c.api.DeployKeys.DeleteDeployKey(repo, keyID, gl.WithContext(ctx))
	if err != nil {
		return c.apiError(operation, http.MethodDelete, relPath, resp, err)
	}
	return nil
}

func deployKeyFrom(key *gl.ProjectDeployKey) *githost.DeployKey {
	out := &githost.DeployKey{
		ID:       strconv.FormatInt(key.ID, 10),
		Title:    key.Title,
		Key:      key.Key,
		ReadOnly: !key.CanPush,
	}
	if key.CreatedAt != nil {
		out.CreatedAt = *key.CreatedAt
	}
	return out
}
