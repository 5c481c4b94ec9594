package github

import (
	"context"
	"net/http"
	"strconv"

	gogithub "github.com/google/go-github/v92/github"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// maxPerPage is GitHub's largest page size.
const maxPerPage = 100

// CreateDeployKey installs in.Key on repo (POST /repos/{owner}/{repo}/keys).
func (c *Client) CreateDeployKey(ctx context.Context, repo string, in githost.DeployKeyInput) (*githost.DeployKey, error) {
	const operation = "create deploy key"
	owner, name, err := splitRepository(repo)
	if err != nil {
		return nil, err
	}
	relPath := "repos/" + owner + "/" + name + "/keys"
	body := gogithub.CreateDeployKeyRequest{Key: in.Key, ReadOnly: new(in.ReadOnly)}
	if in.Title != "" {
		body.Title = new(in.Title)
	}
	key, resp, err := c.api.Repositories.CreateKey(ctx, owner, name, body)
	if err != nil {
		return nil, githost.ExplainMissingRepository(c.apiError(operation, http.MethodPost, relPath, resp, err), repo, githost.AdminAccess)
	}
	if key.GetID() == 0 {
		return nil, c.missingIDError(operation, http.MethodPost, relPath, resp)
	}
	return deployKeyFrom(key), nil
}

// GetDeployKey reads one deploy key of repo; a key that is gone is an error httpx.IsNotFound tells.
func (c *Client) GetDeployKey(ctx context.Context, repo, id string) (*githost.DeployKey, error) {
	const operation = "read deploy key"
	owner, name, err := splitRepository(repo)
	if err != nil {
		return nil, err
	}
	keyID, err := parseKeyID(id)
	if err != nil {
		return nil, err
	}
	relPath := "repos/" + owner + "/" + name + "/keys/" + id
	key, resp, err := c.api.Repositories.GetKey(ctx, owner, name, keyID)
	if err != nil {
		return nil, c.apiError(operation, http.MethodGet, relPath, resp, err)
	}
	if key.GetID() == 0 {
		return nil, c.missingIDError(operation, http.MethodGet, relPath, resp)
	}
	return deployKeyFrom(key), nil
}

// ListDeployKeys returns every deploy key of repo, following the Link header through all pages.
func (c *Client) ListDeployKeys(ctx context.Context, repo string) ([]githost.DeployKey, error) {
	const operation = "list deploy keys"
	owner, name, err := splitRepository(repo)
	if err != nil {
		return nil, err
	}
	relPath := "repos/" + owner + "/" + name + "/keys"
	return githost.Collect(c.api.Repositories.ListKeysIter(ctx, owner, name, &gogithub.ListOptions{PerPage: maxPerPage}), deployKeyFrom, func(x *githost.DeployKey) string { return x.ID }, func(err error) error {
		return githost.ExplainMissingRepository(c.apiError(operation, http.MethodGet, relPath, responseOf(err), err), repo, githost.AdminAccess)
	})
}

// DeleteDeployKey removes a deploy key from repo. A key that is already gone is an error
// httpx.IsNotFound tells, so that callers decide whether that is fine.
func (c *Client) DeleteDeployKey(ctx context.Context, repo, id string) error {
	const operation = "delete deploy key"
	owner, name, err := splitRepository(repo)
	if err != nil {
		return err
	}
	keyID, err := parseKeyID(id)
	if err != nil {
		return err
	}
	relPath := "repos/" + owner + "/" + name + "/keys/" + id
	resp, err := c.api.Repositories.DeleteKey(ctx, owner, name, keyID)
	if err != nil {
		return c.apiError(operation, http.MethodDelete, relPath, resp, err)
	}
	return nil
}

func deployKeyFrom(key *gogithub.Key) *githost.DeployKey {
	return &githost.DeployKey{
		ID:        strconv.FormatInt(key.GetID(), 10),
		Title:     key.GetTitle(),
		Key:       key.GetKey(),
		ReadOnly:  key.GetReadOnly(),
		CreatedAt: key.GetCreatedAt().Time,
	}
}
