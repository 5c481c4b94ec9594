package gitlab

import (
	"context"
	"errors"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// errNotImplemented marks round-2 methods that are being written; this file is replaced shortly.
var errNotImplemented = errors.New("not implemented yet")

// ListRepositories is a placeholder until the paginated listing lands.
func (c *Client) ListRepositories(context.Context, githost.ListRepositoriesInput) ([]githost.Repository, bool, error) {
	return nil, false, errNotImplemented
}

// ListBranches is a placeholder until the paginated listing lands.
func (c *Client) ListBranches(context.Context, string) ([]githost.Branch, error) {
	return nil, errNotImplemented
}

// CreateWebhook is a placeholder until webhooks land.
func (c *Client) CreateWebhook(context.Context, string, githost.WebhookInput) (*githost.Webhook, error) {
	return nil, errNotImplemented
}

// GetWebhook is a placeholder until webhooks land.
func (c *Client) GetWebhook(context.Context, string, string) (*githost.Webhook, error) {
	return nil, errNotImplemented
}

// UpdateWebhook is a placeholder until webhooks land.
func (c *Client) UpdateWebhook(context.Context, string, string, githost.WebhookInput) (*githost.Webhook, error) {
	return nil, errNotImplemented
}

// DeleteWebhook is a placeholder until webhooks land.
func (c *Client) DeleteWebhook(context.Context, string, string) error {
	return errNotImplemented
}
