package bitbucket

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// Bitbucket's names for the provider's webhook events. A pull request is the set of events that change
// what a preview shows: created, updated, merged (fulfilled) and declined (rejected). Bitbucket has no
// tag event: tag pushes arrive as repo:push, so EventTag cannot be subscribed to alone.
var (
	pushEvents        = []string{"repo:push"}
	pullRequestEvents = []string{"pullrequest:created", "pullrequest:fulfilled", "pullrequest:rejected", "pullrequest:updated"}
)

// hookDescription names the webhooks the provider makes; Bitbucket shows it as the webhook's title.
const hookDescription = "gitdeploy"

var (
	errNoWebhookURL = errors.New("webhook URL is empty")
	errTagEvent     = errors.New("bitbucket has no tag event: tag pushes arrive with the push event (repo:push); subscribe to push")
)

// hook is Bitbucket's webhook_subscription. The secret is never returned, only secret_set.
type hook struct {
	UUID      string   `json:"uuid"`
	URL       string   `json:"url"`
	Active    bool     `json:"active"`
	Events    []string `json:"events"`
	SecretSet bool     `json:"secret_set"`
	CreatedAt string   `json:"created_at"`
}

// hookBody is the body of POST and PUT. Secret is a pointer so that no secret is sent as null: on POST
// that leaves the hook without one, on PUT it removes it (a secret left out would be kept).
type hookBody struct {
	Description string   `json:"description"`
	URL         string   `json:"url"`
	Active      bool     `json:"active"`
	Events      []string `json:"events"`
	Secret      *string  `json:"secret"`
}

// hookBodyFrom checks in and builds the whole webhook. Bitbucket's webhooks always send JSON, have no
// branch filter and no per-hook TLS setting.
func hookBodyFrom(in githost.WebhookInput) (*hookBody, error) {
	if in.URL == "" {
		return nil, errNoWebhookURL
	}
	switch {
	case in.ContentType != "" && in.ContentType != "json":
		return nil, fmt.Errorf("bitbucket webhooks always send JSON: content type %q is not possible", in.ContentType)
	case in.BranchFilter != "":
		return nil, fmt.Errorf("bitbucket webhooks have no branch filter (got %q)", in.BranchFilter)
	case in.InsecureSSL:
		return nil, errors.New("bitbucket webhooks have no setting to skip TLS verification through the API")
	}
	events, err := githost.NormalizeEvents(in.Events)
	if err != nil {
		return nil, err
	}
	body := &hookBody{Description: hookDescription, URL: in.URL, Active: in.Active}
	for _, event := range events {
		switch event {
		case githost.EventPush:
			body.Events = append(body.Events, pushEvents...)
		case githost.EventPullRequest:
			body.Events = append(body.Events, pullRequestEvents...)
		case githost.EventTag:
			return nil, errTagEvent
		}
	}
	if in.Secret != "" {
		body.Secret = new(in.Secret)
	}
	return body, nil
}

// webhookFrom maps Bitbucket's hook. Events that make up a provider event fully are reported under it;
// the rest under Bitbucket's names, so that a change made by hand shows as drift.
func webhookFrom(h *hook) (githost.Webhook, error) {
	if h.UUID == "" {
		return githost.Webhook{}, errMissingID
	}
	rest := slices.Clone(h.Events)
	var events []string
	take := func(provider string, group []string) {
		for _, name := range group {
			if !slices.Contains(rest, name) {
				return
			}
		}
		rest = slices.DeleteFunc(rest, func(name string) bool { return slices.Contains(group, name) })
		events = append(events, provider)
	}
	take(githost.EventPush, pushEvents)
	take(githost.EventPullRequest, pullRequestEvents)
	events = append(events, rest...)
	slices.Sort(events)
	out := githost.Webhook{ID: h.UUID, URL: h.URL, Events: slices.Compact(events), Active: h.Active, ContentType: "json"}
	if t, err := time.Parse(time.RFC3339Nano, h.CreatedAt); err == nil {
		out.CreatedAt = t
	}
	return out, nil
}

func (c *Client) hookCall(ctx context.Context, cl call) (*githost.Webhook, error) {
	var h hook
	if err := c.do(ctx, cl, &h); err != nil {
		return nil, err
	}
	out, err := webhookFrom(&h)
	if err != nil {
		return nil, c.missingIDError(cl, err)
	}
	return &out, nil
}

// CreateWebhook adds a webhook to repo (POST .../hooks, 201). The secret signs deliveries
// (X-Hub-Signature); it is never read back.
func (c *Client) CreateWebhook(ctx context.Context, repo string, in githost.WebhookInput) (*githost.Webhook, error) {
	path, err := repoPath(repo)
	if err != nil {
		return nil, err
	}
	body, err := hookBodyFrom(in)
	if err != nil {
		return nil, err
	}
	h, err := c.hookCall(ctx, call{operation: "create webhook", method: http.MethodPost, relPath: path + "/hooks", body: body})
	if err != nil {
		return nil, githost.ExplainMissingRepository(err, repo, githost.AdminAccess)
	}
	return h, nil
}

// GetWebhook reads one webhook of repo; id is its UUID in braces. A hook that is gone is an error
// httpx.IsNotFound tells.
func (c *Client) GetWebhook(ctx context.Context, repo, id string) (*githost.Webhook, error) {
	path, err := repoPath(repo)
	if err != nil {
		return nil, err
	}
	uid, err := parseHookID(id)
	if err != nil {
		return nil, err
	}
	return c.hookCall(ctx, call{operation: "read webhook", method: http.MethodGet, relPath: path + "/hooks/" + uid})
}

// ListWebhooks returns every webhook of repo, following the next links.
func (c *Client) ListWebhooks(ctx context.Context, repo string) ([]githost.Webhook, error) {
	path, err := repoPath(repo)
	if err != nil {
		return nil, err
	}
	cl := call{operation: "list webhooks", method: http.MethodGet, relPath: path + "/hooks"}
	var all []githost.Webhook
	err = followPages(ctx, c, cl, func(h hook) error {
		out, err := webhookFrom(&h)
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

// UpdateWebhook replaces the webhook's settings (PUT .../hooks/{uid}), secret included: an empty secret
// is sent as null, which removes it; Bitbucket would keep a secret that is left out.
func (c *Client) UpdateWebhook(ctx context.Context, repo, id string, in githost.WebhookInput) (*githost.Webhook, error) {
	path, err := repoPath(repo)
	if err != nil {
		return nil, err
	}
	uid, err := parseHookID(id)
	if err != nil {
		return nil, err
	}
	body, err := hookBodyFrom(in)
	if err != nil {
		return nil, err
	}
	return c.hookCall(ctx, call{operation: "update webhook", method: http.MethodPut, relPath: path + "/hooks/" + uid, body: body})
}

// DeleteWebhook removes a webhook from repo (204). A hook that is already gone is an error
// httpx.IsNotFound tells.
func (c *Client) DeleteWebhook(ctx context.Context, repo, id string) error {
	path, err := repoPath(repo)
	if err != nil {
		return err
	}
	uid, err := parseHookID(id)
	if err != nil {
		return err
	}
	return c.do(ctx, call{operation: "delete webhook", method: http.MethodDelete, relPath: path + "/hooks/" + uid}, nil)
}
