package gitlab

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"

	gl "gitlab.com/gitlab-org/api/client-go/v2"

	"github.com/gitdeploy/terraform-provider-gitdeploy/internal/githost"
)

// hookFlag is one of GitLab's per-event flags on a project hook.
type hookFlag struct {
	name  string // GitLab's flag, e.g. "push_events"
	event string // the provider's event, or "" when it has none
	get   func(*gl.ProjectHook) bool
	set   func(*gl.AddProjectHookOptions, *bool)
}

// hookFlags lists every event flag a project hook has. All of them are sent on every create and
// update: GitLab turns push_events on when it is omitted, and an update keeps any flag it is not
// sent, so a flag switched on by hand would survive.
//
// When reading, a flag that is on but has no provider event is reported under GitLab's full flag
// name (e.g. "issues_events"): the host's own name, which never collides with the provider's
// vocabulary, so that a hand-made change shows as drift.
var hookFlags = []hookFlag{
	{"push_events", githost.EventPush, func(h *gl.ProjectHook) bool { return h.PushEvents }, func(o *gl.AddProjectHookOptions, v *bool) { o.PushEvents = v }},
	{"merge_requests_events", githost.EventPullRequest, func(h *gl.ProjectHook) bool { return h.MergeRequestsEvents }, func(o *gl.AddProjectHookOptions, v *bool) { o.MergeRequestsEvents = v }},
	{"tag_push_events", githost.EventTag, func(h *gl.ProjectHook) bool { return h.TagPushEvents }, func(o *gl.AddProjectHookOptions, v *bool) { o.TagPushEvents = v }},
	{"issues_events", "", func(h *gl.ProjectHook) bool { return h.IssuesEvents }, func(o *gl.AddProjectHookOptions, v *bool) { o.IssuesEvents = v }},
	{"confidential_issues_events", "", func(h *gl.ProjectHook) bool { return h.ConfidentialIssuesEvents }, func(o *gl.AddProjectHookOptions, v *bool) { o.ConfidentialIssuesEvents = v }},
	{"note_events", "", func(h *gl.ProjectHook) bool { return h.NoteEvents }, func(o *gl.AddProjectHookOptions, v *bool) { o.NoteEvents = v }},
	{"confidential_note_events", "", func(h *gl.ProjectHook) bool { return h.ConfidentialNoteEvents }, func(o *gl.AddProjectHookOptions, v *bool) { o.ConfidentialNoteEvents = v }},
	{"job_events", "", func(h *gl.ProjectHook) bool { return h.JobEvents }, func(o *gl.AddProjectHookOptions, v *bool) { o.JobEvents = v }},
	{"pipeline_events", "", func(h *gl.ProjectHook) bool { return h.PipelineEvents }, func(o *gl.AddProjectHookOptions, v *bool) { o.PipelineEvents = v }},
	{"wiki_page_events", "", func(h *gl.ProjectHook) bool { return h.WikiPageEvents }, func(o *gl.AddProjectHookOptions, v *bool) { o.WikiPageEvents = v }},
	{"deployment_events", "", func(h *gl.ProjectHook) bool { return h.DeploymentEvents }, func(o *gl.AddProjectHookOptions, v *bool) { o.DeploymentEvents = v }},
	{"feature_flag_events", "", func(h *gl.ProjectHook) bool { return h.FeatureFlagEvents }, func(o *gl.AddProjectHookOptions, v *bool) { o.FeatureFlagEvents = v }},
	{"releases_events", "", func(h *gl.ProjectHook) bool { return h.ReleasesEvents }, func(o *gl.AddProjectHookOptions, v *bool) { o.ReleasesEvents = v }},
	{"milestone_events", "", func(h *gl.ProjectHook) bool { return h.MilestoneEvents }, func(o *gl.AddProjectHookOptions, v *bool) { o.MilestoneEvents = v }},
	{"emoji_events", "", func(h *gl.ProjectHook) bool { return h.EmojiEvents }, func(o *gl.AddProjectHookOptions, v *bool) { o.EmojiEvents = v }},
	{"vulnerability_events", "", func(h *gl.ProjectHook) bool { return h.VulnerabilityEvents }, func(o *gl.AddProjectHookOptions, v *bool) { o.VulnerabilityEvents = v }},
	{"resource_access_token_events", "", func(h *gl.ProjectHook) bool { return h.ResourceAccessTokenEvents }, func(o *gl.AddProjectHookOptions, v *bool) { o.ResourceAccessTokenEvents = v }},
	{"resource_deploy_token_events", "", func(h *gl.ProjectHook) bool { return h.ResourceDeployTokenEvents }, func(o *gl.AddProjectHookOptions, v *bool) { o.ResourceDeployTokenEvents = v }},
}

var errNoWebhookURL = errors.New("webhook URL is empty")

// CreateWebhook adds a webhook to the project (POST /projects/:id/hooks).
func (c *Client) CreateWebhook(ctx context.Context, repo string, in githost.WebhookInput) (*githost.Webhook, error) {
	const operation = "create webhook"
	project, err := projectPath(repo)
	if err != nil {
		return nil, err
	}
	opts, err := hookOptionsFrom(in)
	if err != nil {
		return nil, err
	}
	relPath := "projects/" + project + "/hooks"
	hook, resp, err := c.api.Projects.AddProjectHook(repo, opts, gl.WithContext(ctx))
	if err != nil {
		return nil, githost.ExplainMissingRepository(c.apiError(operation, http.MethodPost, relPath, resp, err), repo, githost.AdminAccess)
	}
	if hook == nil || hook.ID == 0 {
		return nil, c.missingIDError(operation, http.MethodPost, relPath, resp)
	}
	return webhookFrom(hook), nil
}

// GetWebhook reads one webhook of the project; a hook that is gone is an error httpx.IsNotFound
// tells. GitLab never returns the token.
func (c *Client) GetWebhook(ctx context.Context, repo, id string) (*githost.Webhook, error) {
	const operation = "read webhook"
	project, err := projectPath(repo)
	if err != nil {
		return nil, err
	}
	hookID, err := parseHookID(id)
	if err != nil {
		return nil, err
	}
	relPath := "projects/" + project + "/hooks/" + id
	hook, resp, err := c.api.Projects.GetProjectHook(repo, hookID, gl.WithContext(ctx))
	if err != nil {
		return nil, c.apiError(operation, http.MethodGet, relPath, resp, err)
	}
	if hook == nil || hook.ID == 0 {
		return nil, c.missingIDError(operation, http.MethodGet, relPath, resp)
	}
	return webhookFrom(hook), nil
}

// ListWebhooks returns every webhook of the project, following X-Next-Page through all pages.
func (c *Client) ListWebhooks(ctx context.Context, repo string) ([]githost.Webhook, error) {
	const operation = "list webhooks"
	project, err := projectPath(repo)
	if err != nil {
		return nil, err
	}
	relPath := "projects/" + project + "/hooks"
	opts := &gl.ListProjectHooksOptions{ListOptions: gl.ListOptions{PerPage: maxPerPage}}
	return githost.Collect(gl.Scan2(func(page gl.PaginationOptionFunc) ([]*gl.ProjectHook, *gl.Response, error) {
		return c.api.Projects.ListProjectHooks(repo, opts, gl.WithContext(ctx), page)
	}), webhookFrom, func(x *githost.Webhook) string { return x.ID }, func(err error) error {
		return githost.ExplainMissingRepository(c.apiError(operation, http.MethodGet, relPath, responseOf(err), err), repo, githost.AdminAccess)
	})
}

// UpdateWebhook replaces the webhook's settings (PUT /projects/:id/hooks/:hook_id), sending the token
// and every event flag again.
func (c *Client) UpdateWebhook(ctx context.Context, repo, id string, in githost.WebhookInput) (*githost.Webhook, error) {
	const operation = "update webhook"
	project, err := projectPath(repo)
	if err != nil {
		return nil, err
	}
	hookID, err := parseHookID(id)
	if err != nil {
		return nil, err
	}
	opts, err := hookOptionsFrom(in)
	if err != nil {
		return nil, err
	}
	relPath := "projects/" + project + "/hooks/" + id
	// The library's add and edit options are the same struct under two names.
	editOpts := gl.EditProjectHookOptions(*opts)
	hook, resp, err := c.api.Projects.EditProjectHook(repo, hookID, &editOpts, gl.WithContext(ctx))
	if err != nil {
		return nil, c.apiError(operation, http.MethodPut, relPath, resp, err)
	}
	if hook == nil || hook.ID == 0 {
		return nil, c.missingIDError(operation, http.MethodPut, relPath, resp)
	}
	return webhookFrom(hook), nil
}

// DeleteWebhook removes a webhook from the project. A hook that is already gone is an error
// httpx.IsNotFound tells, so that callers decide whether that is fine.
func (c *Client) DeleteWebhook(ctx context.Context, repo, id string) error {
	const operation = "delete webhook"
	project, err := projectPath(repo)
	if err != nil {
		return err
	}
	hookID, err := parseHookID(id)
	if err != nil {
		return err
	}
	relPath := "projects/" + project + "/hooks/" + id
	resp, err := c.api.Projects.DeleteProjectHook(repo, hookID, gl.WithContext(ctx))
	if err != nil {
		return c.apiError(operation, http.MethodDelete, relPath, resp, err)
	}
	return nil
}

// hookOptionsFrom builds the request body with every field explicit. GitLab hooks have no active
// switch, so in.Active is not sent; GitLab always posts JSON, so only that content type is accepted.
func hookOptionsFrom(in githost.WebhookInput) (*gl.AddProjectHookOptions, error) {
	if in.URL == "" {
		return nil, errNoWebhookURL
	}
	if in.ContentType != "" && in.ContentType != "json" {
		return nil, fmt.Errorf("GitLab webhooks always send JSON: content type %q is not possible", in.ContentType)
	}
	events, err := githost.NormalizeEvents(in.Events)
	if err != nil {
		return nil, err
	}
	opts := &gl.AddProjectHookOptions{
		URL:                    new(in.URL),
		Token:                  new(in.Secret), // sent even when empty, which clears it
		EnableSSLVerification:  new(!in.InsecureSSL),
		PushEventsBranchFilter: new(in.BranchFilter),
	}
	for _, flag := range hookFlags {
		flag.set(opts, new(flag.event != "" && slices.Contains(events, flag.event)))
	}
	return opts, nil
}

// webhookFrom maps GitLab's hook to the provider's. GitLab hooks are always active.
func webhookFrom(hook *gl.ProjectHook) *githost.Webhook {
	var events []string
	for _, flag := range hookFlags {
		if !flag.get(hook) {
			continue
		}
		if flag.event != "" {
			events = append(events, flag.event)
		} else {
			events = append(events, flag.name)
		}
	}
	slices.Sort(events)
	out := &githost.Webhook{
		ID:           strconv.FormatInt(hook.ID, 10),
		URL:          hook.URL,
		Events:       events,
		Active:       true,   // GitLab hooks have no active flag
		ContentType:  "json", // GitLab always posts JSON
		InsecureSSL:  !hook.EnableSSLVerification,
		BranchFilter: hook.PushEventsBranchFilter,
	}
	if hook.CreatedAt != nil {
		out.CreatedAt = *hook.CreatedAt
	}
	return out
}
