package gitea

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	sdk "code.gitea.io/sdk/gitea"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// Gitea's names for the provider's webhook events. A tag push arrives as Gitea's "create" event, which
// also fires for a new branch (as on GitHub). Choosing "pull_request" makes Gitea subscribe to every
// pull request event, and it reports them one by one (pull_request_assign, pull_request_sync, …).
var giteaEvents = map[string]string{
	githost.EventPush:        "push",
	githost.EventPullRequest: "pull_request",
	githost.EventTag:         "create",
}

// Hook settings the provider writes: Gitea's own hook type, and JSON unless asked otherwise.
const (
	hookType           = "gitea"
	contentTypeJSON    = "json"
	contentTypeForm    = "form"
	pullRequestPrefix  = "pull_request_"
	pullRequestEvent   = "pull_request"
	defaultContentType = contentTypeJSON
)

var errNoWebhookURL = errors.New("webhook URL is empty")

// hookSettings checks in and returns the config (url, content_type, secret) and Gitea's event names.
// Gitea has no per-hook TLS setting (an instance-wide one only).
func hookSettings(in githost.WebhookInput) (map[string]string, []string, error) {
	if in.URL == "" {
		return nil, nil, errNoWebhookURL
	}
	if in.InsecureSSL {
		return nil, nil, errors.New("gitea webhooks have no per-hook setting to skip TLS verification (the instance's [webhook] SKIP_TLS_VERIFY decides)")
	}
	contentType := in.ContentType
	switch contentType {
	case "":
		contentType = defaultContentType
	case contentTypeJSON, contentTypeForm:
	default:
		return nil, nil, fmt.Errorf("gitea webhook content type %q must be %q or %q", in.ContentType, contentTypeJSON, contentTypeForm)
	}
	events, err := githost.NormalizeEvents(in.Events)
	if err != nil {
		return nil, nil, err
	}
	hostEvents := make([]string, 0, len(events))
	for _, event := range events {
		hostEvents = append(hostEvents, giteaEvents[event])
	}
	// The secret is always sent: on create "" means none, on edit a secret left out would be kept.
	config := map[string]string{"url": in.URL, "content_type": contentType, "secret": in.Secret}
	return config, hostEvents, nil
}

// webhookFrom maps Gitea's hook. Gitea reports a pull request subscription as pull_request plus every
// pull_request_* event; they are one provider event. Events without a provider name keep Gitea's, so
// that a hand-made change shows as drift. The secret is never returned.
func webhookFrom(h *sdk.Hook) *githost.Webhook {
	pullRequests := slices.Contains(h.Events, pullRequestEvent)
	events := make([]string, 0, len(h.Events))
	for _, hostEvent := range h.Events {
		switch {
		case pullRequests && strings.HasPrefix(hostEvent, pullRequestPrefix):
			continue
		case hostEvent == pullRequestEvent:
			events = append(events, githost.EventPullRequest)
		default:
			events = append(events, eventFromGitea(hostEvent))
		}
	}
	slices.Sort(events)
	return &githost.Webhook{
		ID:           strconv.FormatInt(h.ID, 10),
		URL:          h.Config["url"],
		Events:       slices.Compact(events),
		Active:       h.Active,
		ContentType:  h.Config["content_type"],
		BranchFilter: h.BranchFilter,
		CreatedAt:    h.Created,
	}
}

func eventFromGitea(hostEvent string) string {
	for event, name := range giteaEvents {
		if name == hostEvent {
			return event
		}
	}
	return hostEvent
}

// CreateWebhook adds a webhook to repo (POST /repos/{owner}/{repo}/hooks, type "gitea"). active is
// always sent: Gitea's default is an inactive hook.
func (c *Client) CreateWebhook(ctx context.Context, repo string, in githost.WebhookInput) (*githost.Webhook, error) {
	const operation = "create webhook"
	owner, name, err := splitRepository(repo)
	if err != nil {
		return nil, err
	}
	config, events, err := hookSettings(in)
	if err != nil {
		return nil, err
	}
	api, err := c.api(ctx)
	if err != nil {
		return nil, err
	}
	relPath := relRepoPath(owner, name) + "/hooks"
	h, resp, err := api.CreateRepoHook(owner, name, sdk.CreateHookOption{Type: hookType, Config: config, Events: events,
		BranchFilter: in.BranchFilter, Active: in.Active})
	if err != nil {
		return nil, githost.ExplainMissingRepository(c.apiError(operation, http.MethodPost, relPath, resp, err), repo, githost.AdminAccess)
	}
	if h == nil || h.ID == 0 {
		return nil, c.missingIDError(operation, http.MethodPost, relPath, resp)
	}
	return webhookFrom(h), nil
}

// GetWebhook reads one webhook of repo; a hook that is gone is an error httpx.IsNotFound tells.
func (c *Client) GetWebhook(ctx context.Context, repo, id string) (*githost.Webhook, error) {
	const operation = "read webhook"
	owner, name, err := splitRepository(repo)
	if err != nil {
		return nil, err
	}
	hookID, err := parseHookID(id)
	if err != nil {
		return nil, err
	}
	api, err := c.api(ctx)
	if err != nil {
		return nil, err
	}
	relPath := relRepoPath(owner, name) + "/hooks/" + id
	h, resp, err := api.GetRepoHook(owner, name, hookID)
	if err != nil {
		return nil, c.apiError(operation, http.MethodGet, relPath, resp, err)
	}
	if h == nil || h.ID == 0 {
		return nil, c.missingIDError(operation, http.MethodGet, relPath, resp)
	}
	return webhookFrom(h), nil
}

// ListWebhooks returns every webhook of repo, following the Link header through all pages.
func (c *Client) ListWebhooks(ctx context.Context, repo string) ([]githost.Webhook, error) {
	const operation = "list webhooks"
	owner, name, err := splitRepository(repo)
	if err != nil {
		return nil, err
	}
	relPath := relRepoPath(owner, name) + "/hooks"
	var all []githost.Webhook
	for page := 1; ; {
		api, err := c.api(ctx)
		if err != nil {
			return nil, err
		}
		hooks, resp, err := api.ListRepoHooks(owner, name, sdk.ListHooksOptions{ListOptions: sdk.ListOptions{Page: page, PageSize: maxLimit}})
		if err != nil {
			return nil, githost.ExplainMissingRepository(c.apiError(operation, http.MethodGet, relPath, resp, err), repo, githost.AdminAccess)
		}
		for _, h := range hooks {
			if h != nil {
				all = append(all, *webhookFrom(h))
			}
		}
		// A next page that does not move forward would loop for ever; stop there.
		if resp.NextPage <= page {
			return all, nil
		}
		page = resp.NextPage
	}
}

// UpdateWebhook replaces the webhook's settings (PATCH /repos/{owner}/{repo}/hooks/{id}) with every field
// sent: the secret (Gitea keeps one that is left out; "" removes it), events, branch filter and active.
// The SDK drops the PATCH's answer, so the hook is read again.
func (c *Client) UpdateWebhook(ctx context.Context, repo, id string, in githost.WebhookInput) (*githost.Webhook, error) {
	const operation = "update webhook"
	owner, name, err := splitRepository(repo)
	if err != nil {
		return nil, err
	}
	hookID, err := parseHookID(id)
	if err != nil {
		return nil, err
	}
	config, events, err := hookSettings(in)
	if err != nil {
		return nil, err
	}
	api, err := c.api(httpx.Repeatable(ctx)) // the whole hook is sent: sending it twice leaves the same hook
	if err != nil {
		return nil, err
	}
	relPath := relRepoPath(owner, name) + "/hooks/" + id
	resp, err := api.EditRepoHook(owner, name, hookID, sdk.EditHookOption{Config: config, Events: events,
		BranchFilter: in.BranchFilter, Active: new(in.Active)})
	if err != nil {
		return nil, c.apiError(operation, http.MethodPatch, relPath, resp, err)
	}
	return c.GetWebhook(ctx, repo, id)
}

// DeleteWebhook removes a webhook from repo. A hook that is already gone is an error httpx.IsNotFound
// tells, so that callers decide whether that is fine.
func (c *Client) DeleteWebhook(ctx context.Context, repo, id string) error {
	const operation = "delete webhook"
	owner, name, err := splitRepository(repo)
	if err != nil {
		return err
	}
	hookID, err := parseHookID(id)
	if err != nil {
		return err
	}
	api, err := c.api(ctx)
	if err != nil {
		return err
	}
	resp, err := api.DeleteRepoHook(owner, name, hookID)
	if err != nil {
		return c.apiError(operation, http.MethodDelete, relRepoPath(owner, name)+"/hooks/"+id, resp, err)
	}
	return nil
}
