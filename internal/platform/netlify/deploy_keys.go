package netlify

import (
	"context"
	"net/http"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/platform"
)

// deployKeyJSON is Netlify's deployKey definition.
type deployKeyJSON struct {
	ID        string    `json:"id"`
	PublicKey string    `json:"public_key"`
	CreatedAt time.Time `json:"created_at"`
}

func (k deployKeyJSON) toPlatform() *platform.DeployKey {
	return &platform.DeployKey{ID: k.ID, PublicKey: k.PublicKey, CreatedAt: k.CreatedAt}
}

// CreateDeployKey implements platform.DeployKeyManager: POST /deploy_keys → 201. Netlify keys have no
// name or marker: in is not sent.
func (c *Client) CreateDeployKey(ctx context.Context, _ platform.DeployKeyInput) (*platform.DeployKey, error) {
	var key deployKeyJSON
	// Netlify generates the key pair; the body is empty (an empty JSON object for strict servers).
	if err := c.do(ctx, "create deploy key", http.MethodPost, path{"deploy_keys"}, struct{}{}, &key,
		http.StatusCreated, http.StatusOK); err != nil {
		return nil, err
	}
	return key.toPlatform(), nil
}

// GetDeployKey implements platform.Platform: GET /deploy_keys/{id}.
func (c *Client) GetDeployKey(ctx context.Context, id string) (*platform.DeployKey, error) {
	var key deployKeyJSON
	if err := c.do(ctx, "read deploy key", http.MethodGet, path{"deploy_keys", id}, nil, &key,
		http.StatusOK); err != nil {
		return nil, err
	}
	return key.toPlatform(), nil
}

// ListDeployKeys implements platform.Platform: GET /deploy_keys.
func (c *Client) ListDeployKeys(ctx context.Context) ([]platform.DeployKey, error) {
	keys, err := listAll[deployKeyJSON](ctx, c, "list deploy keys", path{"deploy_keys"}, nil)
	if err != nil {
		return nil, err
	}
	out := make([]platform.DeployKey, 0, len(keys))
	for _, k := range keys {
		out = append(out, *k.toPlatform())
	}
	return out, nil
}

// DeployKeysPage implements platform.DeployKeyPager: one page of GET /deploy_keys.
func (c *Client) DeployKeysPage(ctx context.Context, page int) ([]platform.DeployKey, bool, error) {
	keys, more, err := listPage[deployKeyJSON](ctx, c, "list deploy keys", path{"deploy_keys"}, nil, page)
	if err != nil {
		return nil, false, err
	}
	out := make([]platform.DeployKey, 0, len(keys))
	for _, k := range keys {
		out = append(out, *k.toPlatform())
	}
	return out, more, nil
}

// DeleteDeployKey implements platform.Platform: DELETE /deploy_keys/{id} → 204 (or 200). A 404 is
// returned as the APIError: the caller decides that a missing key is deleted.
func (c *Client) DeleteDeployKey(ctx context.Context, id string) error {
	return c.do(ctx, "delete deploy key", http.MethodDelete, path{"deploy_keys", id}, nil, nil,
		http.StatusNoContent, http.StatusOK)
}
