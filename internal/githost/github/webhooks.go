package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	gogithub "github.com/google/go-github/v92/github"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/httpx"
)

// GitHub's names for the provider's webhook events. A tag push arrives as GitHub's "create" event,
// which also fires for a new branch: GitHub has no event for tags alone.
var githubEvents = map[string]string{
	githost.EventPush:        "push",
	githost.EventPullRequest: "pull_request",
	githost.EventTag:         "create",
}

// Webhook content types GitHub knows; it defaults to form when none is sent, so one is always sent.
const (
	contentTypeJSON = "json"
	contentTypeForm = "form"
)

var errNoWebhookURL = errors.New("webhook URL is empty")

// CreateWebhook adds a webhook to repo (POST /repos/{owner}/{repo}/hooks, name "web").
func (c *Client) CreateWebhook(ctx context.Context, repo string, in githost.WebhookInput) (*githost.Webhook, error) {
	const operation = "create webhook"
	owner, name, err := splitRepository(repo)
	if err != nil {
		return nil, err
	}
	hook, err := hookFrom(in)
	if err != nil {
		return nil, err
	}
	relPath := "repos/" + owner + "/" + name + "/hooks"
	created, resp, err := c.api.Repositories.CreateHook(ctx, owner, name, hook)
	if err != nil {
		return nil, githost.ExplainMissingRepository(c.apiError(operation, http.MethodPost, relPath, resp, err), repo, githost.AdminAccess)
	}
	if created.GetID() == 0 {
		return nil, c.missingIDError(operation, http.MethodPost, relPath, resp)
	}
	return webhookFrom(created), nil
}

// GetWebhook reads one webhook of repo; a hook that is gone is an error httpx.IsNotFound tells.
// GitHub masks the secret as "********"; it is never returned.
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
	relPath := "repos/" + owner + "/" + name + "/hooks/" + id
	hook, resp, err := c.api.Repositories.GetHook(ctx, owner, name, hookID)
	if err != nil {
		return nil, c.apiError(operation, http.MethodGet, relPath, resp, err)
	}
	if hook.GetID() == 0 {
		return nil, c.missingIDError(operation, http.MethodGet, relPath, resp)
	}
	return webhookFrom(hook), nil
}

// ListWebhooks returns every webhook of repo, following the Link header through all pages.
func (c *Client) ListWebhooks(ctx context.Context, repo string) ([]githost.Webhook, error) {
	const operation = "list webhooks"
	owner, name, err := splitRepository(repo)
	if err != nil {
		return nil, err
	}
	relPath := "repos/" + owner + "/" + name + "/hooks"
	return githost.Collect(c.api.Repositories.ListHooksIter(ctx, owner, name, &gogithub.ListOptions{PerPage: maxPerPage}), webhookFrom, func(x *githost.Webhook) string { return x.ID }, func(err error) error {
		return githost.ExplainMissingRepository(c.apiError(operation, http.MethodGet, relPath, responseOf(err), err), repo, githost.AdminAccess)
	})
}

// UpdateWebhook replaces the webhook's settings (PATCH /repos/{owner}/{repo}/hooks/{id}). The whole
// config is sent, secret included: GitHub removes a secret that a PATCH omits.
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
	hook, err := hookFrom(in)
	if err != nil {
		return nil, err
	}
	relPath := "repos/" + owner + "/" + name + "/hooks/" + id
	// The PATCH sends the whole hook: sending it twice leaves the same hook, so it may be retried.
	updated, resp, err := c.api.Repositories.EditHook(httpx.Repeatable(ctx), owner, name, hookID, hook)
	if err != nil {
		return nil, c.apiError(operation, http.MethodPatch, relPath, resp, err)
	}
	if updated.GetID() == 0 {
		return nil, c.missingIDError(operation, http.MethodPatch, relPath, resp)
	}
	return webhookFrom(updated), nil
}

// DeleteWebhook removes a webhook from repo. A hook that is already gone is an error
// httpx.IsNotFound tells, so that callers decide whether that is fine.
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
	relPath := "repos/" + owner + "/" + name + "/hooks/" + id
	resp, err := c.api.Repositories.DeleteHook(ctx, owner, name, hookID)
	if err != nil {
		return c.apiError(operation, http.MethodDelete, relPath, resp, err)
	}
	return nil
}

// hookFrom builds the request body: always the whole config and every field, so that a PATCH leaves
// nothing of the old hook behind.
func hookFrom(in githost.WebhookInput) (*gogithub.Hook, error) {
	if in.URL == "" {
		return nil, errNoWebhookURL
	}
	if in.BranchFilter != "" {
		return nil, fmt.Errorf("GitHub webhooks have no branch filter (got %q)", in.BranchFilter)
	}
	contentType := in.ContentType
	switch contentType {
	case "":
		contentType = contentTypeJSON
	case contentTypeJSON, contentTypeForm:
	default:
		return nil, fmt.Errorf("GitHub webhook content type %q must be %q or %q", in.ContentType, contentTypeJSON, contentTypeForm)
	}
	events, err := githost.NormalizeEvents(in.Events)
	if err != nil {
		return nil, err
	}
	hostEvents := make([]string, 0, len(events))
	for _, event := range events {
		hostEvents = append(hostEvents, githubEvents[event])
	}
	insecureSSL := "0"
	if in.InsecureSSL {
		insecureSSL = "1"
	}
	config := &gogithub.HookConfig{
		URL:         new(in.URL),
		ContentType: new(contentType),
		InsecureSSL: new(insecureSSL),
	}
	if in.Secret != "" {
		// An empty secret is sent as no secret, which is what it means.
		config.Secret = new(in.Secret)
	}
	return &gogithub.Hook{Config: config, Events: hostEvents, Active: new(in.Active)}, nil
}

// webhookFrom maps GitHub's hook to the provider's. Events without a provider name keep GitHub's, so
// that a hand-made change shows as drift. The secret is never copied.
func webhookFrom(hook *gogithub.Hook) *githost.Webhook {
	events := make([]string, 0, len(hook.Events))
	for _, hostEvent := range hook.Events {
		events = append(events, eventFromGitHub(hostEvent))
	}
	slices.Sort(events)
	config := hook.GetConfig()
	contentType := config.GetContentType()
	if contentType == "" {
		contentType = contentTypeForm // GitHub's documented default
	}
	// GitHub answers a set secret as "********" and leaves the key out when there is none.
	secretSet := config.GetSecret() != ""
	return &githost.Webhook{
		SecretSet:   &secretSet,
		ID:          strconv.FormatInt(hook.GetID(), 10),
		URL:         config.GetURL(),
		Events:      slices.Compact(events),
		Active:      hook.GetActive(),
		ContentType: contentType,
		InsecureSSL: config.GetInsecureSSL() == "1",
		CreatedAt:   hook.GetCreatedAt().Time,
	}
}

func eventFromGitHub(hostEvent string) string {
	for event, name := range githubEvents {
		if name == hostEvent {
			return event
		}
	}
	return hostEvent
}
