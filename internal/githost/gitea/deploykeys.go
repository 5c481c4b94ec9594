package gitea

import (
	"context"
	"net/http"
	"strconv"

	sdk "code.gitea.io/sdk/gitea"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// CreateDeployKey installs in.Key on repo (POST /repos/{owner}/{repo}/keys {title, key, read_only}).
// read_only is always sent: Gitea's default is a read-write key.
func (c *Client) CreateDeployKey(ctx context.Context, repo string, in githost.DeployKeyInput) (*githost.DeployKey, error) {
	const operation = "create deploy key"
	owner, name, err := splitRepository(repo)
	if err != nil {
		return nil, err
	}
	api, err := c.api(ctx)
	if err != nil {
		return nil, err
	}
	relPath := relRepoPath(owner, name) + "/keys"
	key, resp, err := api.CreateDeployKey(owner, name, sdk.CreateKeyOption{Title: in.Title, Key: in.Key, ReadOnly: in.ReadOnly})
	if err != nil {
		return nil, githost.ExplainMissingRepository(c.apiError(operation, http.MethodPost, relPath, resp, err), repo, githost.AdminAccess)
	}
	if key == nil || key.ID == 0 {
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
	api, err := c.api(ctx)
	if err != nil {
		return nil, err
	}
	relPath := relRepoPath(owner, name) + "/keys/" + id
	key, resp, err := api.GetDeployKey(owner, name, keyID)
	if err != nil {
		return nil, c.apiError(operation, http.MethodGet, relPath, resp, err)
	}
	if key == nil || key.ID == 0 {
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
	relPath := relRepoPath(owner, name) + "/keys"
	var all []githost.DeployKey
	for page := 1; ; {
		api, err := c.api(ctx)
		if err != nil {
			return nil, err
		}
		keys, resp, err := api.ListDeployKeys(owner, name, sdk.ListDeployKeysOptions{ListOptions: sdk.ListOptions{Page: page, PageSize: maxLimit}})
		if err != nil {
			return nil, githost.ExplainMissingRepository(c.apiError(operation, http.MethodGet, relPath, resp, err), repo, githost.AdminAccess)
		}
		for _, key := range keys {
			if key != nil {
				all = append(all, *deployKeyFrom(key))
			}
		}
		// A next page that does not move forward would loop for ever; stop there.
		if resp.NextPage <= page {
			return all, nil
		}
		page = resp.NextPage
	}
}

// DeleteDeployKey removes a deploy key from repo. Gitea answers 204 for a key that is already gone too,
// so that is not an error here either.
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
	api, err := c.api(ctx)
	if err != nil {
		return err
	}
	resp, err := api.DeleteDeployKey(owner, name, keyID)
	if err != nil {
		return c.apiError(operation, http.MethodDelete, relRepoPath(owner, name)+"/keys/"+id, resp, err)
	}
	return nil
}

func deployKeyFrom(key *sdk.DeployKey) *githost.DeployKey {
	return &githost.DeployKey{
		ID:        strconv.FormatInt(key.ID, 10),
		Title:     key.Title,
		Key:       key.Key,
		ReadOnly:  key.ReadOnly,
		CreatedAt: key.Created,
	}
}
