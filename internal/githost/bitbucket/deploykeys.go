package bitbucket

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// errReadWriteKey: Bitbucket's deploy keys only ever read.
var errReadWriteKey = errors.New("bitbucket deploy keys are always read-only: a read-write deploy key cannot be created (read_only must be true)")

// deployKey is Bitbucket's deploy key object. The key comes back without its comment, which Bitbucket
// keeps apart.
type deployKey struct {
	ID        int64  `json:"id"`
	Key       string `json:"key"`
	Label     string `json:"label"`
	Comment   string `json:"comment"`
	CreatedOn string `json:"created_on"`
	AddedOn   string `json:"added_on"`
}

func deployKeyFrom(k *deployKey) (githost.DeployKey, error) {
	if k.ID == 0 {
		return githost.DeployKey{}, errMissingID
	}
	out := githost.DeployKey{ID: strconv.FormatInt(k.ID, 10), Title: k.Label, Key: k.Key, ReadOnly: true}
	// The OpenAPI schema names the creation time added_on, its examples created_on.
	for _, when := range []string{k.CreatedOn, k.AddedOn} {
		if t, err := time.Parse(time.RFC3339Nano, when); err == nil {
			out.CreatedAt = t
			break
		}
	}
	return out, nil
}

// CreateDeployKey installs in.Key on repo (POST .../deploy-keys {key, label}). Bitbucket answers 200.
// Deploy keys are always read-only there, so in.ReadOnly must be true. Access tokens cannot add deploy
// keys; an API token with repository admin rights can.
func (c *Client) CreateDeployKey(ctx context.Context, repo string, in githost.DeployKeyInput) (*githost.DeployKey, error) {
	path, err := repoPath(repo)
	if err != nil {
		return nil, err
	}
	if !in.ReadOnly {
		return nil, errReadWriteKey
	}
	cl := call{operation: "create deploy key", method: http.MethodPost, relPath: path + "/deploy-keys",
		body: map[string]string{"key": strings.TrimSpace(in.Key), "label": in.Title}}
	var k deployKey
	if err := c.do(ctx, cl, &k); err != nil {
		return nil, githost.ExplainMissingRepository(err, repo, githost.AdminAccess)
	}
	out, err := deployKeyFrom(&k)
	if err != nil {
		return nil, c.missingIDError(cl, err)
	}
	return &out, nil
}

// GetDeployKey reads one deploy key of repo; a key that is gone is an error httpx.IsNotFound tells.
func (c *Client) GetDeployKey(ctx context.Context, repo, id string) (*githost.DeployKey, error) {
	path, err := repoPath(repo)
	if err != nil {
		return nil, err
	}
	keyID, err := parseKeyID(id)
	if err != nil {
		return nil, err
	}
	cl := call{operation: "read deploy key", method: http.MethodGet, relPath: path + "/deploy-keys/" + keyID}
	var k deployKey
	if err := c.do(ctx, cl, &k); err != nil {
		return nil, err
	}
	out, err := deployKeyFrom(&k)
	if err != nil {
		return nil, c.missingIDError(cl, err)
	}
	return &out, nil
}

// ListDeployKeys returns every deploy key of repo, following the next links.
func (c *Client) ListDeployKeys(ctx context.Context, repo string) ([]githost.DeployKey, error) {
	path, err := repoPath(repo)
	if err != nil {
		return nil, err
	}
	cl := call{operation: "list deploy keys", method: http.MethodGet, relPath: path + "/deploy-keys"}
	var all []githost.DeployKey
	err = followPages(ctx, c, cl, func(k deployKey) error {
		out, err := deployKeyFrom(&k)
		if err != nil {
			return c.missingIDError(cl, err)
		}
		all = append(all, out)
		return nil
	})
	if err != nil {
		return nil, githost.ExplainMissingRepository(err, repo, githost.AdminAccess)
	}
	return all, nil
}

// DeleteDeployKey removes a deploy key from repo (204). A key that is already gone is an error
// httpx.IsNotFound tells, so that callers decide whether that is fine.
func (c *Client) DeleteDeployKey(ctx context.Context, repo, id string) error {
	path, err := repoPath(repo)
	if err != nil {
		return err
	}
	keyID, err := parseKeyID(id)
	if err != nil {
		return err
	}
	return c.do(ctx, call{operation: "delete deploy key", method: http.MethodDelete, relPath: path + "/deploy-keys/" + keyID}, nil)
}
